#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.1.0' }
# Set-SshKeepAlive: effective, lossless, idempotent edits; -WhatIf; -PassThru; pipeline input; error ids;
# and, in the sshd testbed, settings that make sshd and ssh behave as asked.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Testbed.ps1')
    $script:TestbedSkipReason = Get-SshTestbedSkipReason
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'Testbed.ps1')

    function Get-SshG([string] $Path, [string] $HostName, [string] $Keyword) {
        $line = & ssh -G -F $Path $HostName | Where-Object { $_ -like "$($Keyword.ToLowerInvariant()) *" }
        $line.Substring($Keyword.Length + 1)
    }
}

Describe 'Set-SshKeepAlive' {
    BeforeEach {
        $script:Config = Join-Path $TestDrive ("config-" + [guid]::NewGuid().ToString('N'))
    }

    It 'puts a Host block above a Host * block that would otherwise win' {
        Write-ConfigText $Config "Host *`n    ServerAliveInterval 10`n"

        Set-SshKeepAlive -Path $Config -HostName web01 -Interval 60 -NoBackup

        Read-ConfigText $Config | Should -BeExactly "Host web01`n    ServerAliveInterval 60`n`nHost *`n    ServerAliveInterval 10`n"
        Get-SshG $Config web01 ServerAliveInterval | Should -Be '60'
        Get-SshG $Config db01 ServerAliveInterval | Should -Be '10'
    }

    It 'changes the target''s own line in place, keeping separator, indentation and comment' {
        Write-ConfigText $Config "Host web01`r`n`tServerAliveInterval=10 # short`r`n"

        Set-SshKeepAlive -Path $Config -HostName web01 -Interval 5m -NoBackup

        Read-ConfigText $Config | Should -BeExactly "Host web01`r`n`tServerAliveInterval=300 # short`r`n"
    }

    It 'writes nothing and reports Changed = false when the values already hold' {
        Write-ConfigText $Config "ServerAliveInterval 1m`n"
        $before = (Get-Item -LiteralPath $Config).LastWriteTimeUtc

        $result = Set-SshKeepAlive -Path $Config -Interval 60 -PassThru

        $result.Changed | Should -BeFalse
        (Get-Item -LiteralPath $Config).LastWriteTimeUtc | Should -Be $before
        # -Force: the editor's temporary files are dot files; neither they nor a backup may be left.
        Get-ChildItem -LiteralPath $TestDrive -Force -Filter "*$(Split-Path -Leaf $Config).sshka-*" | Should -BeNullOrEmpty
    }

    It 'with -WhatIf prints the diff and leaves the file alone' {
        Write-ConfigText $Config "Host *`n    ServerAliveInterval 10`n"

        Set-SshKeepAlive -Path $Config -Interval 60 -WhatIf

        Read-ConfigText $Config | Should -BeExactly "Host *`n    ServerAliveInterval 10`n"
    }

    It 'with -PassThru returns the changed lines and the backup' {
        Write-ConfigText $Config "Host *`n    ServerAliveInterval 10`n"

        $result = Set-SshKeepAlive -Path $Config -Interval 30 -CountMax 4 -PassThru

        $result.Changed | Should -BeTrue
        $result.ChangedLines | Should -Be @("$($Config):2", "$($Config):3")
        Read-ConfigText $Config | Should -BeExactly "Host *`n    ServerAliveInterval 30`n    ServerAliveCountMax 4`n"
        $result.BackupPaths | Should -HaveCount 1
        Read-ConfigText $result.BackupPaths[0] | Should -BeExactly "Host *`n    ServerAliveInterval 10`n"
    }

    It 'binds HostName and Path by property name from the pipeline' {
        Write-ConfigText $Config ''

        [pscustomobject]@{ HostName = 'web01'; Path = $Config }, [pscustomobject]@{ HostName = 'db01'; Path = $Config } |
            Set-SshKeepAlive -Interval 30 -NoBackup

        Get-SshG $Config web01 ServerAliveInterval | Should -Be '30'
        Get-SshG $Config db01 ServerAliveInterval | Should -Be '30'
    }

    It 'takes Get-SshTimeoutConfig rows: Target and Scope by property name, Shell and Kernel rows skipped' {
        Write-ConfigText $Config ''

        [pscustomobject]@{ Scope = 'Client'; Target = 'alice@web01'; Name = 'ServerAliveInterval' },
        [pscustomobject]@{ Scope = 'Shell'; Target = 'localhost'; Name = 'TMOUT' } |
            Set-SshKeepAlive -Path $Config -Interval 30 -NoBackup

        Read-ConfigText $Config | Should -BeExactly "Host web01`n    ServerAliveInterval 30`n"
    }

    It 'edits the file -LiteralPath names, wildcard characters and all' {
        $literal = Join-Path $TestDrive 'config[1]'
        Write-ConfigText $literal "Host *`n    ServerAliveInterval 10`n"

        Set-SshKeepAlive -LiteralPath $literal -Interval 60 -NoBackup

        Read-ConfigText $literal | Should -BeExactly "Host *`n    ServerAliveInterval 60`n"
    }

    It 'edits the one file the wildcards of -Path match' {
        $folder = New-Item -ItemType Directory -Path (Join-Path $TestDrive ([guid]::NewGuid().ToString('N')))
        Write-ConfigText (Join-Path $folder 'client_config') "Host *`n    ServerAliveInterval 10`n"

        Set-SshKeepAlive -Path (Join-Path $folder 'client_*') -Interval 60 -NoBackup

        Read-ConfigText (Join-Path $folder 'client_config') | Should -BeExactly "Host *`n    ServerAliveInterval 60`n"
    }

    It 'refuses -Path wildcards that match two files with PathAmbiguous and changes neither' {
        $folder = New-Item -ItemType Directory -Path (Join-Path $TestDrive ([guid]::NewGuid().ToString('N')))
        Write-ConfigText (Join-Path $folder 'a_config') "Host *`n"
        Write-ConfigText (Join-Path $folder 'b_config') "Host *`n"

        $caught = { Set-SshKeepAlive -Path (Join-Path $folder '*_config') -Interval 60 } |
            Should -Throw -ErrorId 'PathAmbiguous,SshKeepAlive.Commands.SetSshKeepAliveCommand' -PassThru

        "$($caught.CategoryInfo.Category)" | Should -Be 'InvalidArgument'
        Read-ConfigText (Join-Path $folder 'a_config') | Should -BeExactly "Host *`n"
        Read-ConfigText (Join-Path $folder 'b_config') | Should -BeExactly "Host *`n"
    }

    It 'takes the file Get-Item gives by its PSPath' {
        Write-ConfigText $Config "Host *`n    ServerAliveInterval 10`n"

        Get-Item -LiteralPath $Config | Set-SshKeepAlive -Interval 60 -NoBackup

        Read-ConfigText $Config | Should -BeExactly "Host *`n    ServerAliveInterval 60`n"
    }

    It 'resolves -Path on a PowerShell drive and relative to the current location' {
        Write-ConfigText $Config "Host *`n    ServerAliveInterval 10`n"
        Set-SshKeepAlive -Path "TestDrive:/$(Split-Path -Leaf $Config)" -Interval 60 -NoBackup
        Push-Location -LiteralPath $TestDrive
        try { Set-SshKeepAlive -Path "./$(Split-Path -Leaf $Config)" -CountMax 2 -Interval 60 -NoBackup }
        finally { Pop-Location }

        Read-ConfigText $Config | Should -BeExactly "Host *`n    ServerAliveInterval 60`n    ServerAliveCountMax 2`n"
    }

    It 'refuses a path of another provider with PathNotFileSystem' {
        $caught = { Set-SshKeepAlive -Path 'Env:/HOME' -Interval 60 } |
            Should -Throw -ErrorId 'PathNotFileSystem,SshKeepAlive.Commands.SetSshKeepAliveCommand' -PassThru

        $caught.TargetObject | Should -Be 'Env:/HOME'
        $caught.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
    }

    It 'refuses -Scope Kernel given directly with ScopeNotEditable' {
        Write-ConfigText $Config ''

        { Set-SshKeepAlive -Path $Config -Interval 30 -Scope Kernel } | Should -Throw -ErrorId 'ScopeNotEditable,SshKeepAlive.Commands.SetSshKeepAliveCommand'
    }

    It 'says with -Verbose which line was chosen and why' {
        Write-ConfigText $Config "Host *`n    ServerAliveInterval 10`n"

        $verbose = Set-SshKeepAlive -Path $Config -HostName web01 -Interval 60 -NoBackup -Verbose 4>&1

        ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" |
            Should -Match ([regex]::Escape("$($Config):2"))
    }

    It 'refuses bad input with <ErrorId> and changes no byte' -ForEach @(
        @{ Arguments = @{ Interval = '-5' }; ErrorId = 'IntervalInvalid' }
        @{ Arguments = @{ Interval = '2d' }; ErrorId = 'IntervalInvalid' }
        @{ Arguments = @{ Interval = 'soon' }; ErrorId = 'IntervalInvalid' }
        @{ Arguments = @{ Interval = '60'; CountMax = 101 }; ErrorId = 'ParameterArgumentValidationError' }
        @{ Arguments = @{ Interval = '60'; CountMax = -1 }; ErrorId = 'ParameterArgumentValidationError' }
        @{ Arguments = @{ Interval = '60'; HostName = 'web 01' }; ErrorId = 'HostPatternInvalid' }
        @{ Arguments = @{ Interval = '60'; HostName = "web`n01" }; ErrorId = 'HostPatternInvalid' }
        @{ Arguments = @{ Interval = '60'; HostName = 'web#1' }; ErrorId = 'HostPatternInvalid' }
        @{ Arguments = @{ Interval = '60'; HostName = '"web01"' }; ErrorId = 'HostPatternInvalid' }
        @{ Arguments = @{}; ErrorId = 'SettingMissing' }
        @{ Arguments = @{ Reload = $true }; ErrorId = 'SettingMissing' }
    ) {
        Write-ConfigText $Config "Host *`n    ServerAliveInterval 10`n"

        { Set-SshKeepAlive -Path $Config @Arguments } | Should -Throw -ErrorId "$ErrorId,SshKeepAlive.Commands.SetSshKeepAliveCommand"

        Read-ConfigText $Config | Should -BeExactly "Host *`n    ServerAliveInterval 10`n"
    }

    It 'refuses a config that does not parse with ConfigInvalid' {
        Write-ConfigText $Config "Host `"web01`n"

        { Set-SshKeepAlive -Path $Config -Interval 60 } | Should -Throw -ErrorId 'ConfigInvalid,SshKeepAlive.Commands.SetSshKeepAliveCommand'

        Read-ConfigText $Config | Should -BeExactly "Host `"web01`n"
    }

    It 'refuses a missing -Path with ConfigFileNotFound' {
        { Set-SshKeepAlive -Path (Join-Path $TestDrive 'missing') -Interval 60 } | Should -Throw -ErrorId 'ConfigFileNotFound,SshKeepAlive.Commands.SetSshKeepAliveCommand'

        Join-Path $TestDrive 'missing' | Should -Not -Exist
    }

    It 'refuses a read-only file with ConfigFileReadOnly' -Skip:$IsWindows {
        Write-ConfigText $Config "Host *`n"
        chmod 444 $Config

        { Set-SshKeepAlive -Path $Config -Interval 60 } | Should -Throw -ErrorId 'ConfigFileReadOnly,SshKeepAlive.Commands.SetSshKeepAliveCommand'

        Read-ConfigText $Config | Should -BeExactly "Host *`n"
    }

    It 'with -Scope Server -Reload alone refuses a file sshd -t rejects with SshdConfigRejected, and changes nothing' {
        Write-ConfigText $Config "PidFile $TestDrive/none.pid`nClientAliveIntervall 5`n"
        & install -d -m 0755 /run/sshd 2>$null

        { Set-SshKeepAlive -Scope Server -Path $Config -Reload } | Should -Throw -ErrorId 'SshdConfigRejected,SshKeepAlive.Commands.SetSshKeepAliveCommand'

        Read-ConfigText $Config | Should -BeExactly "PidFile $TestDrive/none.pid`nClientAliveIntervall 5`n"
    }

    It 'refuses when a line behind Match exec could win, naming it' {
        Write-ConfigText $Config "Match exec `"exit 1`"`n  ServerAliveInterval 5`nHost web01`n  ServerAliveInterval 10`n"

        { Set-SshKeepAlive -Path $Config -HostName web01 -Interval 60 } | Should -Throw -ErrorId 'SettingOverriddenElsewhere,SshKeepAlive.Commands.SetSshKeepAliveCommand'
    }
}

Describe 'Set-SshKeepAlive in the sshd testbed' -Skip:($null -ne $TestbedSkipReason) {
    It 'with -Scope Server -Reload makes sshd drop a client whose path is cut' {
        $bed = Start-SshTestbed
        $job = $null
        try {
            $result = Set-SshKeepAlive -Scope Server -Path $bed.SERVER_1_SSHD_CONFIG -Interval 1 -CountMax 2 -Reload -NoBackup -PassThru
            $result.ReloadOutcome | Should -Match 'SIGHUP'
            $arguments = Get-SshTestbedClientArgument -Testbed $bed -Option 'ServerAliveInterval=0' -Command 'sleep 60'
            $job = Start-ThreadJob -ScriptBlock { & ssh @args 2>$null } -ArgumentList $arguments
            $deadline = (Get-Date).AddSeconds(10)
            while (-not (Select-String -LiteralPath $bed.SERVER_1_SSHD_LOG -Pattern 'Starting session:' -Quiet) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }

            Invoke-SshTestbed -ArgumentList 'cut', $bed.RUN_ID
            $deadline = (Get-Date).AddSeconds(6)
            while (-not (Select-String -LiteralPath $bed.SERVER_1_SSHD_LOG -Pattern 'Timeout, client not responding' -Quiet) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }

            Select-String -LiteralPath $bed.SERVER_1_SSHD_LOG -Pattern 'Timeout, client not responding' -Quiet | Should -BeTrue
        }
        finally {
            # A failed assertion must not leave the ssh client's thread job running.
            if ($job) { Stop-Job -Job $job; Remove-Job -Job $job -Force }
            Stop-SshTestbed -Testbed $bed
        }
    }

    It 'makes an idle OpenSSH session survive the firewall with ServerAliveInterval 2 for the server' {
        $bed = Start-SshTestbed -IdleTimeout 5
        try {
            $config = Join-Path $TestDrive 'client-config'
            Write-ConfigText $config "Host *`n    ServerAliveInterval 0`n"
            Set-SshKeepAlive -Path $config -HostName $bed.SERVER_1_ADDRESS -Interval 2 -NoBackup
            $arguments = Get-SshTestbedClientArgument -Testbed $bed -Command 'echo a; sleep 15; echo b'
            $arguments[[array]::IndexOf($arguments, '/dev/null')] = $config

            $output = & ssh @arguments

            $LASTEXITCODE | Should -Be 0
            $output | Should -Be @('a', 'b')
        }
        finally {
            Stop-SshTestbed -Testbed $bed
        }
    }
}
