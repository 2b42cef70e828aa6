#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.1.0' }
# Set-SshKeepAlive: effective, lossless, idempotent edits; -WhatIf; -PassThru; pipeline input; error ids;
# and, in the sshd testbed, settings that make sshd and ssh behave as asked.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Testbed.ps1')
    $script:TestbedSkipReason = Get-SshTestbedSkipReason
    # sshd -t and -T read host keys, mknod makes devices: root only, unless CI demands these tests run.
    $script:NotRoot = $env:SSHKA_REQUIRE_TESTBED -ne '1' -and (-not $IsLinux -or (& id -u) -ne '0')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'Testbed.ps1')

    # The value ssh -G reports for $Keyword; ssh must have nothing to say about the file on stderr but that its
    # stdin is no terminal (it would open a shell, since no command is given).
    function Get-SshG([string] $Path, [string] $HostName, [string] $Keyword) {
        $output = & ssh -G -F $Path $HostName 2>&1
        $LASTEXITCODE | Should -Be 0 -Because "ssh -G accepts $Path"
        $output | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] -and "$_" -notlike 'Pseudo-terminal will not be allocated*' } |
            ForEach-Object { "$_" } | Should -BeNullOrEmpty -Because "ssh -G reads $Path without complaint"
        $line = $output | Where-Object { $_ -is [string] -and $_ -like "$($Keyword.ToLowerInvariant()) *" }
        $line.Substring($Keyword.Length + 1)
    }

    function Get-SshdT([string] $Path, [string] $Keyword, [string] $Connection) {
        $arguments = @('-T', '-f', $Path) + $(if ($Connection) { '-C', $Connection })
        $line = & /usr/sbin/sshd @arguments | Where-Object { $_ -like "$($Keyword.ToLowerInvariant()) *" }
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

    It 'appends a Host block after a Host * block that sets no keepalive, and -PassThru says it changed' {
        Write-ConfigText $Config "Host *`n    User me`n"

        $result = Set-SshKeepAlive -Path $Config -HostName web01 -Interval 5m -CountMax 2 -NoBackup -PassThru

        Read-ConfigText $Config | Should -BeExactly "Host *`n    User me`n`nHost web01`n    ServerAliveInterval 300`n    ServerAliveCountMax 2`n"
        $result.Changed | Should -BeTrue
        Get-EditCompanionFile $Config | Should -BeNullOrEmpty
    }

    It 'writes nothing and reports Changed = false when the values already hold, saying so with -Verbose' {
        Write-ConfigText $Config "ServerAliveInterval 1m`n"
        $before = (Get-Item -LiteralPath $Config).LastWriteTimeUtc

        $result = Set-SshKeepAlive -Path $Config -Interval 60 -PassThru -Verbose 4>&1

        $result.Where({ $_ -isnot [System.Management.Automation.VerboseRecord] }).Changed | Should -BeFalse
        "$($result.Where({ $_ -is [System.Management.Automation.VerboseRecord] }))" | Should -Match 'already hold'
        (Get-Item -LiteralPath $Config).LastWriteTimeUtc | Should -Be $before
        Get-EditCompanionFile $Config | Should -BeNullOrEmpty
    }

    It 'with -WhatIf prints the diff, writes no object even with -PassThru, and leaves the file alone' {
        Write-ConfigText $Config "Host *`n    ServerAliveInterval 10`n"

        $printed = Invoke-InNewPwsh { param($Path) "objects: $(@(Set-SshKeepAlive -Path $Path -Interval 60 -WhatIf -PassThru).Count)" } -ArgumentList $Config

        $printed | Should -Contain "What if: --- $Config"
        $printed | Should -Contain '-    ServerAliveInterval 10'
        $printed | Should -Contain '+    ServerAliveInterval 60'
        $printed | Should -Contain 'objects: 0'
        Read-ConfigText $Config | Should -BeExactly "Host *`n    ServerAliveInterval 10`n"
        Get-EditCompanionFile $Config | Should -BeNullOrEmpty
    }

    It 'with -Confirm answered <Answer> shows the diff and writes only on yes' -ForEach @(
        @{ Answer = 'n'; Expected = "Host *`n    ServerAliveInterval 10`n" }
        @{ Answer = 'y'; Expected = "Host *`n    ServerAliveInterval 60`n" }
    ) {
        # A short path: the prompt is word-wrapped at the console's width.
        $shortPath = Join-Path $TestDrive "confirm-$Answer"
        Write-ConfigText $shortPath "Host *`n    ServerAliveInterval 10`n"

        $printed = Invoke-InNewPwsh { param($Path) Set-SshKeepAlive -Path $Path -Interval 60 -NoBackup -Confirm } -ArgumentList $shortPath -InputLine $Answer

        $printed | Should -Contain "Set keepalive in $($shortPath)?"
        $printed | Should -Contain '+    ServerAliveInterval 60'
        Read-ConfigText $shortPath | Should -BeExactly $Expected
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
        [pscustomobject]@{ Scope = 'Shell'; Target = 'localhost'; Name = 'TMOUT' },
        [pscustomobject]@{ Scope = 'Kernel'; Target = 'localhost'; Name = 'tcp_keepalive_time' },
        [pscustomobject]@{ Scope = 'Client'; Target = 'db01'; Name = 'ServerAliveInterval' } |
            Set-SshKeepAlive -Path $Config -Interval 30 -NoBackup

        Read-ConfigText $Config | Should -BeExactly "Host web01`n    ServerAliveInterval 30`n`nHost db01`n    ServerAliveInterval 30`n"
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

    It 'says with -Verbose which line was chosen and why' {
        Write-ConfigText $Config "Host *`n    ServerAliveInterval 10`n"

        $verbose = Set-SshKeepAlive -Path $Config -HostName web01 -Interval 60 -NoBackup -Verbose 4>&1

        ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" |
            Should -Match ([regex]::Escape("$($Config):2"))
    }

    It 'refuses bad input with <ErrorId> (<Category>) and changes no byte' -ForEach @(
        @{ Arguments = @{ Interval = '-5' }; ErrorId = 'IntervalInvalid'; Category = 'InvalidArgument' }
        @{ Arguments = @{ Interval = '60'; HostName = '@web01' }; ErrorId = 'HostPatternInvalid'; Category = 'InvalidArgument' }
        @{ Arguments = @{ Interval = '2d' }; ErrorId = 'IntervalInvalid'; Category = 'InvalidArgument' }
        @{ Arguments = @{ Interval = 'soon' }; ErrorId = 'IntervalInvalid'; Category = 'InvalidArgument' }
        @{ Arguments = @{ Interval = '60'; HostName = 'web 01' }; ErrorId = 'HostPatternInvalid'; Category = 'InvalidArgument' }
        @{ Arguments = @{ Interval = '60'; HostName = "web`n01" }; ErrorId = 'HostPatternInvalid'; Category = 'InvalidArgument' }
        @{ Arguments = @{ Interval = '60'; HostName = 'web#1' }; ErrorId = 'HostPatternInvalid'; Category = 'InvalidArgument' }
        @{ Arguments = @{ Interval = '60'; HostName = '"web01"' }; ErrorId = 'HostPatternInvalid'; Category = 'InvalidArgument' }
        @{ Arguments = @{ Interval = '60'; Scope = 'Shell' }; ErrorId = 'ScopeNotEditable'; Category = 'InvalidArgument' }
        @{ Arguments = @{ Interval = '60'; Scope = 'Kernel' }; ErrorId = 'ScopeNotEditable'; Category = 'InvalidArgument' }
        @{ Arguments = @{}; ErrorId = 'SettingMissing'; Category = 'InvalidArgument' }
        @{ Arguments = @{ Reload = $true }; ErrorId = 'SettingMissing'; Category = 'InvalidArgument' }
    ) {
        Write-ConfigText $Config "Host *`n    ServerAliveInterval 10`n"

        $caught = { Set-SshKeepAlive -Path $Config @Arguments } | Should -Throw -ErrorId "$ErrorId,SshKeepAlive.Commands.SetSshKeepAliveCommand" -PassThru

        "$($caught.CategoryInfo.Category)" | Should -Be $Category
        $caught.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        Read-ConfigText $Config | Should -BeExactly "Host *`n    ServerAliveInterval 10`n"
        Get-EditCompanionFile $Config | Should -BeNullOrEmpty
    }

    It 'refuses -CountMax <_> at binding, outside 0-100, and changes no byte' -ForEach 101, -1 {
        Write-ConfigText $Config "Host *`n    ServerAliveInterval 10`n"

        { Set-SshKeepAlive -Path $Config -Interval 60 -CountMax $_ } | Should -Throw -ErrorId 'ParameterArgumentValidationError,SshKeepAlive.Commands.SetSshKeepAliveCommand'

        Read-ConfigText $Config | Should -BeExactly "Host *`n    ServerAliveInterval 10`n"
    }

    It 'refuses a config that does not parse with ConfigInvalid, naming the file' {
        Write-ConfigText $Config "Host `"web01`n"

        $caught = { Set-SshKeepAlive -Path $Config -Interval 60 } | Should -Throw -ErrorId 'ConfigInvalid,SshKeepAlive.Commands.SetSshKeepAliveCommand' -PassThru

        "$($caught.CategoryInfo.Category)" | Should -Be 'InvalidData'
        "$($caught.TargetObject)" | Should -BeLike "$Config*"
        Read-ConfigText $Config | Should -BeExactly "Host `"web01`n"
    }

    It 'refuses a missing -Path with ConfigFileNotFound' {
        $missing = Join-Path $TestDrive 'missing'

        $caught = { Set-SshKeepAlive -Path $missing -Interval 60 } | Should -Throw -ErrorId 'ConfigFileNotFound,SshKeepAlive.Commands.SetSshKeepAliveCommand' -PassThru

        "$($caught.CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
        $caught.TargetObject | Should -Be $missing
        $missing | Should -Not -Exist
    }

    It 'refuses a read-only file with ConfigFileReadOnly' -Skip:$IsWindows {
        Write-ConfigText $Config "Host *`n"
        chmod 444 $Config

        $caught = { Set-SshKeepAlive -Path $Config -Interval 60 } | Should -Throw -ErrorId 'ConfigFileReadOnly,SshKeepAlive.Commands.SetSshKeepAliveCommand' -PassThru

        "$($caught.CategoryInfo.Category)" | Should -Be 'PermissionDenied'
        Read-ConfigText $Config | Should -BeExactly "Host *`n"
    }

    It 'with -Scope Server -Reload alone refuses a file sshd -t rejects with SshdConfigRejected, and changes nothing' {
        Write-ConfigText $Config "PidFile $TestDrive/none.pid`nClientAliveIntervall 5`n"
        & install -d -m 0755 /run/sshd 2>$null

        { Set-SshKeepAlive -Scope Server -Path $Config -Reload } | Should -Throw -ErrorId 'SshdConfigRejected,SshKeepAlive.Commands.SetSshKeepAliveCommand'

        Read-ConfigText $Config | Should -BeExactly "PidFile $TestDrive/none.pid`nClientAliveIntervall 5`n"
    }

    It 'sets -CountMax alone, without -Interval' {
        Write-ConfigText $Config "Host web01`n    ServerAliveInterval 15`n"

        Set-SshKeepAlive -Path $Config -HostName web01 -CountMax 7 -NoBackup

        Read-ConfigText $Config | Should -BeExactly "Host web01`n    ServerAliveInterval 15`n    ServerAliveCountMax 7`n"
    }

    It 'sets -TcpKeepAlive alone, without -Interval' {
        Write-ConfigText $Config ''

        Set-SshKeepAlive -Path $Config -HostName web01 -TcpKeepAlive $false -NoBackup

        Get-SshG $Config web01 TCPKeepAlive | Should -Be 'no'
    }

    It 'refuses a call without any setting with SettingMissing' {
        Write-ConfigText $Config "Host *`n"

        { Set-SshKeepAlive -Path $Config -HostName web01 } | Should -Throw -ErrorId 'SettingMissing,SshKeepAlive.Commands.SetSshKeepAliveCommand'
    }

    It 'with -PassThru shows the backup and its folder: a private folder away from the config, not beside it' {
        Write-ConfigText $Config "Host *`n    ServerAliveInterval 10`n"

        $result = Set-SshKeepAlive -Path $Config -Interval 30 -PassThru

        $result.BackupFolder | Should -Not -BeNullOrEmpty
        $result.BackupPaths[0] | Should -BeLike "$($result.BackupFolder)/*"
        Split-Path -Parent $result.BackupPaths[0] | Should -Not -Be $TestDrive
        (Get-Item -LiteralPath $result.BackupFolder).UnixMode | Should -Be 'drwx------'
        Get-ChildItem -LiteralPath $TestDrive -Force | Where-Object Name -Like "*$(Split-Path -Leaf $Config)?*" | Should -BeNullOrEmpty
    }

    It 'for every host (-HostName *) keeps a host''s own value and warns naming it with file:line' {
        Write-ConfigText $Config "Host web01`n    ServerAliveInterval 5`n"

        Set-SshKeepAlive -Path $Config -Interval 60 -NoBackup -WarningVariable warnings -WarningAction SilentlyContinue

        Get-SshG $Config web01 ServerAliveInterval | Should -Be '5'
        Get-SshG $Config db01 ServerAliveInterval | Should -Be '60'
        $warnings | Should -HaveCount 1
        "$($warnings[0])" | Should -Match ([regex]::Escape("Host web01 ($($Config):2"))
    }

    It 'edits through a user@host destination for that user''s Match block' {
        Write-ConfigText $Config "Match user alice`n    ServerAliveInterval 5`n"

        Set-SshKeepAlive -Path $Config -HostName alice@web01 -Interval 60 -NoBackup

        Get-SshG $Config alice@web01 ServerAliveInterval | Should -Be '60'
    }

    It 'refuses a directory with ConfigFileIsDirectory, saying it is a directory' {
        $err = { Set-SshKeepAlive -Path $TestDrive -Interval 60 } | Should -Throw -ErrorId 'ConfigFileIsDirectory,SshKeepAlive.Commands.SetSshKeepAliveCommand' -PassThru

        $err.Exception.Message | Should -Match 'is a directory'
        $err.CategoryInfo.Category | Should -Be 'InvalidType'
    }

    # A node of /dev/null's own device (1,3): a build with this defect must not be able to replace the machine's.
    It 'refuses a /dev/null device with ConfigFileNotRegular and leaves it a device' -Skip:$NotRoot {
        $device = Join-Path $TestDrive ("null-" + [guid]::NewGuid().ToString('N'))
        & mknod $device c 1 3

        $err = { Set-SshKeepAlive -Path $device -Interval 60 } | Should -Throw -ErrorId 'ConfigFileNotRegular,SshKeepAlive.Commands.SetSshKeepAliveCommand' -PassThru

        $err.Exception.Message | Should -Match 'character device'
        & stat -c %F $device | Should -Be 'character special file'
    }

    It 'refuses an unreadable file with ConfigFileUnreadable, not ConfigInvalid' -Skip:(-not $IsLinux) {
        Write-ConfigText $Config "Host *`n    ServerAliveInterval 10`n"
        chmod 000 $Config
        $command = "Import-Module '$ModuleManifest'; try { Set-SshKeepAlive -Path '$Config' -Interval 60 -NoBackup } catch { `$_.FullyQualifiedErrorId + '|' + `$_.Exception.Message }"
        # This pwsh again (a dotnet tool runs as dotnet pwsh.dll). Root reads any file: drop the capabilities that
        # let it, so the file is as unreadable to the child as to any other account.
        $pwsh = @([Environment]::ProcessPath)
        if ((Split-Path -Leaf $pwsh[0]) -like 'dotnet*') { $pwsh += [Environment]::GetCommandLineArgs()[0] }
        if ((& id -u) -eq '0') { $pwsh = @('setpriv', '--inh-caps=-dac_override,-dac_read_search', '--bounding-set=-dac_override,-dac_read_search', '--') + $pwsh }

        $output = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $command 2>&1

        "$output" | Should -Match '^ConfigFileUnreadable,SshKeepAlive.Commands.SetSshKeepAliveCommand\|'
        "$output" | Should -Match 'cannot be read'
    }

    It 'refuses a file ssh itself rejects with ConfigKeywordUnknown, quoting ssh with file:line, and writes nothing' {
        $bom = [byte[]](0xEF, 0xBB, 0xBF) + [System.Text.Encoding]::ASCII.GetBytes("Host web01`n    ServerAliveInterval 5`n")
        [System.IO.File]::WriteAllBytes($Config, $bom)

        $err = { Set-SshKeepAlive -Path $Config -HostName web01 -Interval 60 } | Should -Throw -ErrorId 'ConfigKeywordUnknown,SshKeepAlive.Commands.SetSshKeepAliveCommand' -PassThru

        $err.Exception.Message | Should -Match ([regex]::Escape("$($Config):1"))
        $err.Exception.Message | Should -Match 'Bad configuration option'
        [System.IO.File]::ReadAllBytes($Config) | Should -Be $bom
    }

    It 'reads ~ in Include as the account''s home from the passwd database, not $HOME' -Skip:(-not $IsLinux) {
        $fakeHome = Join-Path $TestDrive 'fake-home'
        New-Item -ItemType Directory -Path $fakeHome | Out-Null
        $decoy = Join-Path $fakeHome "sshka-decoy-$([guid]::NewGuid().ToString('N')).conf"
        Write-ConfigText $decoy "Host web01`n    ServerAliveInterval 5`n"
        Write-ConfigText $Config "Include ~/$(Split-Path -Leaf $decoy)`n"
        $savedHome = $env:HOME
        try {
            $env:HOME = $fakeHome
            Set-SshKeepAlive -Path $Config -HostName web01 -Interval 60 -NoBackup
        }
        finally {
            $env:HOME = $savedHome
        }

        Read-ConfigText $decoy | Should -BeExactly "Host web01`n    ServerAliveInterval 5`n"
        Get-SshG $Config web01 ServerAliveInterval | Should -Be '60'
    }

    It 'refuses -MatchUser for the client with MatchScopeInvalid' {
        Write-ConfigText $Config ''

        { Set-SshKeepAlive -Path $Config -MatchUser alice -Interval 60 } | Should -Throw -ErrorId 'MatchScopeInvalid,SshKeepAlive.Commands.SetSshKeepAliveCommand'
    }

    It 'stopped with Ctrl-C while sshd -t checks the edit, stops within a second and leaves the file as it was' -Skip:$IsWindows {
        # sshd -t waits for a writer on a host key that is a FIFO, as on a hung network mount.
        $fifo = Join-Path $TestDrive 'host_key_fifo'
        if (-not (Test-Path -LiteralPath $fifo)) { mkfifo $fifo }
        $original = "HostKey $fifo`nClientAliveInterval 300`n"
        Write-ConfigText $Config $original
        $filesBefore = @(Get-ChildItem -LiteralPath $TestDrive -Force).Name

        $stopTook = Measure-PipelineStop -Script { param($Path) Set-SshKeepAlive -Scope Server -Path $Path -Interval 30 } -Parameters @{ Path = $Config } -Until {
            pgrep -f -- "sshd -t -f .*/candidates/\.$(Split-Path -Leaf $Config)\.candidate\." > $null; $LASTEXITCODE -eq 0
        }

        $stopTook | Should -BeLessThan ([timespan]::FromSeconds(1))
        Read-ConfigText $Config | Should -BeExactly $original
        @(Get-ChildItem -LiteralPath $TestDrive -Force).Name | Should -Be $filesBefore
        pgrep -f -- "sshd -t -f .*/candidates/\.$(Split-Path -Leaf $Config)\.candidate\." | Should -BeNullOrEmpty
    }

    It 'refuses when a line behind Match exec could win, naming it' {
        Write-ConfigText $Config "Match exec `"exit 1`"`n  ServerAliveInterval 5`nHost web01`n  ServerAliveInterval 10`n"

        $caught = { Set-SshKeepAlive -Path $Config -HostName web01 -Interval 60 } | Should -Throw -ErrorId 'SettingOverriddenElsewhere,SshKeepAlive.Commands.SetSshKeepAliveCommand' -PassThru

        "$($caught.CategoryInfo.Category)" | Should -Be 'ResourceExists'
        "$($caught.TargetObject)" | Should -Be "$($Config):2"
    }
}

Describe 'Set-SshKeepAlive -Scope Server' -Skip:$NotRoot {
    BeforeAll { Initialize-SshTestbedLocalSshd }

    It 'refuses a global edit a Match block overrides, with SettingOverriddenByMatch naming the block' {
        $path = New-ServerConfig "Match User *`n    ClientAliveInterval 99`n"

        $err = { Set-SshKeepAlive -Scope Server -Path $path -Interval 30 -NoBackup } | Should -Throw -ErrorId 'SettingOverriddenByMatch,SshKeepAlive.Commands.SetSshKeepAliveCommand' -PassThru

        $err.Exception.Message | Should -Match ([regex]::Escape("Match User * ($($path):3)"))
        Get-SshdT $path ClientAliveInterval 'user=bob,host=h,addr=192.0.2.1' | Should -Be '99'
    }

    It 'with -MatchUser edits inside that Match block, which sshd -T honours for that user only' {
        $path = New-ServerConfig "ClientAliveInterval 300`n"

        $result = Set-SshKeepAlive -Scope Server -Path $path -MatchUser alice -Interval 30 -NoBackup -PassThru

        $result.Match | Should -Be 'Match User alice'
        $result.Validated | Should -BeTrue
        Get-SshdT $path ClientAliveInterval 'user=alice,host=h,addr=192.0.2.1' | Should -Be '30'
        Get-SshdT $path ClientAliveInterval 'user=bob,host=h,addr=192.0.2.1' | Should -Be '300'
    }

    It 'with -Reload and no daemon reading the file: writes, reports SshdNotReloaded, and claims no restore' {
        $path = New-ServerConfig ''

        $result = Set-SshKeepAlive -Scope Server -Path $path -Interval 30 -NoBackup -Reload -PassThru -ErrorVariable errors -ErrorAction SilentlyContinue

        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -Be 'SshdNotReloaded,SshKeepAlive.Commands.SetSshKeepAliveCommand'
        $errors[0].Exception.Message | Should -Match 'no sshd is running'
        "$($errors[0].Exception.Message) $($errors[0].ErrorDetails.RecommendedAction)" | Should -Not -Match 'restored'
        $result.Changed | Should -BeTrue
        $result.Validated | Should -BeTrue
        $result.Reloaded | Should -BeFalse
        $result.Restored | Should -BeFalse
        Get-SshdT $path ClientAliveInterval | Should -Be '30'
    }

    It 'cites the real file, not a temporary candidate, when sshd -t rejects the edit' {
        $path = New-ServerConfig "ClientAliveIntervall 5`n"

        $err = { Set-SshKeepAlive -Scope Server -Path $path -Interval 30 -NoBackup } | Should -Throw -ErrorId 'SshdConfigRejected,SshKeepAlive.Commands.SetSshKeepAliveCommand' -PassThru

        $err.Exception.Message | Should -Match ([regex]::Escape("$($path): line 3: Bad configuration option"))
        $err.Exception.Message | Should -Not -Match 'candidate'
    }
}

Describe 'Set-SshKeepAlive in the sshd testbed' -Skip:($null -ne $TestbedSkipReason) {
    # The cmdlet checks each server edit with this machine's sshd -t, as on any server.
    BeforeAll { Initialize-SshTestbedLocalSshd }

    It 'with -Scope Server -Reload backs the config up and makes sshd drop a client whose path is cut' {
        $bed = Start-SshTestbed
        $job = $null
        try {
            $result = Set-SshKeepAlive -Scope Server -Path $bed.SERVER_1_SSHD_CONFIG -Interval 1 -CountMax 2 -Reload -PassThru
            $result.ReloadOutcome | Should -Match 'SIGHUP'
            $result.BackupPaths | Should -HaveCount 1
            # The backup is kept in the editor's private folder, never beside sshd_config where an Include could read it.
            $result.BackupPaths[0] | Should -BeLike "$($result.BackupFolder)/*"
            Read-ConfigText $result.BackupPaths[0] | Should -Not -Match 'ClientAliveInterval 1'
            Get-EditCompanionFile $bed.SERVER_1_SSHD_CONFIG | Should -BeNullOrEmpty
            $arguments = Get-SshTestbedClientArgument -Testbed $bed -Option 'ServerAliveInterval=0' -Command 'sleep 60'
            $job = Start-ThreadJob -ScriptBlock { & ssh @args 2>&1 } -ArgumentList $arguments
            Wait-Until { Select-String -LiteralPath $bed.SERVER_1_SSHD_LOG -Pattern 'Starting session:' -Quiet } -Seconds 10 | Should -BeTrue -Because 'the ssh session starts'

            Invoke-SshTestbed -ArgumentList 'cut', $bed.RUN_ID | Out-Null

            Wait-Until { Select-String -LiteralPath $bed.SERVER_1_SSHD_LOG -Pattern 'Timeout, client not responding' -Quiet } -Seconds 20 |
                Should -BeTrue -Because 'sshd gives up on a silent client once it has ClientAliveInterval (by default it never does)'
        }
        finally {
            # A failed assertion must not leave the ssh client's thread job running.
            if ($job) { Stop-Job -Job $job; Remove-Job -Job $job -Force }
            Stop-SshTestbed -Testbed $bed
        }
    }

    It 'on a config sshd -t rejects, stops with SshdConfigRejected, changes nothing and keeps sshd serving' {
        $bed = Start-SshTestbed
        try {
            Add-Content -LiteralPath $bed.SERVER_1_SSHD_CONFIG -Value 'NoSuchKeyword yes'
            $before = Read-ConfigText $bed.SERVER_1_SSHD_CONFIG

            $caught = { Set-SshKeepAlive -Scope Server -Path $bed.SERVER_1_SSHD_CONFIG -Interval 1 -Reload } |
                Should -Throw -ErrorId 'SshdConfigRejected,SshKeepAlive.Commands.SetSshKeepAliveCommand' -PassThru

            "$($caught.CategoryInfo.Category)" | Should -Be 'InvalidResult'
            $caught.Exception.Message | Should -BeLike '*NoSuchKeyword*'
            Read-ConfigText $bed.SERVER_1_SSHD_CONFIG | Should -BeExactly $before
            Get-EditCompanionFile $bed.SERVER_1_SSHD_CONFIG | Should -BeNullOrEmpty
            & ssh @(Get-SshTestbedClientArgument -Testbed $bed -Command 'echo up') 2>&1 | Should -Be 'up'
        }
        finally {
            Stop-SshTestbed -Testbed $bed
        }
    }

    It 'stopped with Ctrl-C while -Reload checks that sshd survived, puts the old config back and has sshd read it again' {
        $bed = Start-SshTestbed
        try {
            $original = Read-ConfigText $bed.SERVER_1_SSHD_CONFIG
            $log = $bed.SERVER_1_SSHD_LOG
            $hangupsBefore = @(Select-String -LiteralPath $log -Pattern 'Received SIGHUP').Count

            $stopTook = Measure-PipelineStop -Script { param($Path) Set-SshKeepAlive -Scope Server -Path $Path -Interval 7 -Reload -NoBackup } -Parameters @{ Path = $bed.SERVER_1_SSHD_CONFIG } -Until {
                @(Select-String -LiteralPath $log -Pattern 'Received SIGHUP').Count -gt $hangupsBefore
            }

            $stopTook | Should -BeLessThan ([timespan]::FromSeconds(1))
            Read-ConfigText $bed.SERVER_1_SSHD_CONFIG | Should -BeExactly $original
            Wait-Until { @(Select-String -LiteralPath $log -Pattern 'Received SIGHUP').Count -ge $hangupsBefore + 2 } -Seconds 10 | Should -BeTrue -Because 'sshd must read the restored config'
            @(Select-String -LiteralPath $log -Pattern 'Received SIGHUP').Count | Should -Be ($hangupsBefore + 2)
            $arguments = Get-SshTestbedClientArgument -Testbed $bed -Command 'echo up'
            & ssh @arguments | Should -Be 'up'
        }
        finally {
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
