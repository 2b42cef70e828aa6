#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.1.0' }
# New-PersistentSshSession: its errors without a server, and sessions to the sshd testbed (host keys,
# authentication, ssh_config, reconnect after a cut path).

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Testbed.ps1')
    $script:SkipReason = Get-SshTestbedSkipReason
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'Testbed.ps1')

    function New-TestKey([string] $Path) {
        & ssh-keygen -q -t ed25519 -N '' -f $Path
        if ($LASTEXITCODE -ne 0) { throw "ssh-keygen failed for $Path" }
        $Path
    }

    function Wait-SessionState([string] $Name, [string] $State, [int] $Seconds = 30) {
        $deadline = [datetime]::UtcNow.AddSeconds($Seconds)
        while ([datetime]::UtcNow -lt $deadline) {
            if ("$((Get-PersistentSshSession -Name $Name).State)" -eq $State) { return $true }
            Start-Sleep -Milliseconds 100
        }
        $false
    }
}

Describe 'New-PersistentSshSession' {
    AfterEach { Get-PersistentSshSession | Remove-PersistentSshSession -Confirm:$false }

    Context 'without a server' {
        It 'refuses a malformed destination' {
            { New-PersistentSshSession -HostName 'bad host' } | Should -Throw -ErrorId 'HostNameInvalid,SshKeepAlive.Commands.NewPersistentSshSessionCommand'
        }

        It 'refuses a key file that does not exist, before connecting' {
            { New-PersistentSshSession -HostName 127.0.0.1 -KeyFile '/nonexistent/id_ed25519' -ErrorAction Stop } |
                Should -Throw -ErrorId 'KeyFileUnusable,SshKeepAlive.Commands.NewPersistentSshSessionCommand'
        }

        It 'refuses a first reconnect delay longer than the longest' {
            { New-PersistentSshSession -HostName 127.0.0.1 -ReconnectDelay 10 -ReconnectMaxDelay 5 } |
                Should -Throw -ErrorId 'ReconnectDelayInvalid,SshKeepAlive.Commands.NewPersistentSshSessionCommand'
        }

        It 'refuses an ssh_config that ssh would refuse, naming the line' {
            $config = Join-Path $TestDrive 'ssh_config'
            Set-Content -LiteralPath $config -Value "Host web01`n  Port notaport"
            { New-PersistentSshSession -HostName web01 -ConfigPath $config } |
                Should -Throw -ErrorId 'ConfigInvalid,SshKeepAlive.Commands.NewPersistentSshSessionCommand' -ExpectedMessage "*${config}:2*"
        }

        It 'reports an unreachable server as a non-terminating ConnectFailed error' {
            $key = New-TestKey (Join-Path $TestDrive 'id_unreachable')
            $result = New-PersistentSshSession -HostName 127.0.0.1 -Port 1 -KeyFile $key -ConnectTimeout 5 -ErrorVariable failures -ErrorAction SilentlyContinue
            $result | Should -BeNullOrEmpty
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'ConnectionFailed,*'
            Get-PersistentSshSession | Should -BeNullOrEmpty
        }

        It 'reads no config file with -ConfigPath <_>, as ssh -F none' -ForEach 'none', 'NONE' {
            $folder = New-Item -ItemType Directory -Path (Join-Path $TestDrive ([guid]::NewGuid().ToString('N')))
            # A file by that name, which ssh would refuse, must not be read.
            Set-Content -LiteralPath (Join-Path $folder $_) -Value 'Port notaport'
            $key = New-TestKey (Join-Path $folder 'id_none')
            Push-Location -LiteralPath $folder
            try {
                $result = New-PersistentSshSession -HostName 127.0.0.1 -Port 1 -ConfigPath $_ -KeyFile $key -ConnectTimeout 5 -ErrorVariable failures -ErrorAction SilentlyContinue
            }
            finally { Pop-Location }

            $result | Should -BeNullOrEmpty
            $failures[0].FullyQualifiedErrorId | Should -Be 'ConnectionFailed,SshKeepAlive.Commands.NewPersistentSshSessionCommand'
        }

        It 'refuses a -ConfigPath of another provider with PathNotFileSystem' {
            { New-PersistentSshSession -HostName 127.0.0.1 -ConfigPath 'Env:/HOME' } |
                Should -Throw -ErrorId 'PathNotFileSystem,SshKeepAlive.Commands.NewPersistentSshSessionCommand'
        }

        It 'connects to nothing with -WhatIf' {
            New-PersistentSshSession -HostName 127.0.0.1 -Port 1 -WhatIf | Should -BeNullOrEmpty
            Get-PersistentSshSession | Should -BeNullOrEmpty
        }
    }

    Context 'against the sshd testbed' -Skip:($null -ne $SkipReason) {
        BeforeAll { $Bed = Start-SshTestbed }
        AfterAll { if ($Bed) { Stop-SshTestbed -Testbed $Bed } }

        BeforeEach {
            $script:Common = Get-SshTestbedSessionParameter -Testbed $Bed
        }

        It 'opens a session that is listed and runs commands' {
            $session = New-PersistentSshSession @Common -Name bed
            $session.State | Should -Be 'Connected'
            (Get-PersistentSshSession -Name bed).Id | Should -Be $session.Id
            (Invoke-PersistentSshCommand -Session $session -Command whoami).Output | Should -Be "$($Bed.USER)`n"
        }

        It 'notices a cut path and shows the reconnect once it is restored' {
            $null = New-PersistentSshSession @Common -Name bed -KeepAliveInterval 1 -KeepAliveCountMax 2 -ReconnectDelay 0.2 -ReconnectMaxDelay 1
            Invoke-SshTestbed -ArgumentList @('cut', $Bed.RUN_ID) | Out-Null
            Wait-SessionState -Name bed -State Reconnecting | Should -BeTrue
            Invoke-SshTestbed -ArgumentList @('restore', $Bed.RUN_ID) | Out-Null
            Wait-SessionState -Name bed -State Connected | Should -BeTrue
            (Get-PersistentSshSession -Name bed).ReconnectCount | Should -Be 1
        }

        It 'refuses a server whose key is not known' {
            $common.KnownHostsFile = Join-Path $TestDrive 'empty_known_hosts'
            { New-PersistentSshSession @Common -ErrorAction Stop } | Should -Throw -ErrorId 'HostKeyUnknown,SshKeepAlive.Commands.NewPersistentSshSessionCommand'
            Test-Path -LiteralPath $common.KnownHostsFile | Should -BeFalse
        }

        It 'refuses a server whose key changed, showing both fingerprints' {
            $other = New-TestKey (Join-Path $TestDrive 'other_host_key')
            $common.KnownHostsFile = Join-Path $TestDrive 'changed_known_hosts'
            Set-Content -LiteralPath $common.KnownHostsFile -Value "$($Bed.SERVER_1_ADDRESS) $(Get-Content -LiteralPath "$other.pub")"
            $oldFingerprint = (& ssh-keygen -l -E sha256 -f "$other.pub").Split(' ')[1]
            $common.StrictHostKeyChecking = 'AcceptNew'
            { New-PersistentSshSession @Common -ErrorAction Stop } |
                Should -Throw -ErrorId 'HostKeyChanged,SshKeepAlive.Commands.NewPersistentSshSessionCommand' -ExpectedMessage "*$oldFingerprint*"
        }

        It 'adds a new server once under accept-new' {
            $common.KnownHostsFile = Join-Path $TestDrive 'new_known_hosts'
            $common.StrictHostKeyChecking = 'accept-new'
            New-PersistentSshSession @Common | Remove-PersistentSshSession -Confirm:$false
            New-PersistentSshSession @Common | Remove-PersistentSshSession -Confirm:$false
            @(Get-Content -LiteralPath $common.KnownHostsFile).Count | Should -Be 1
        }

        It 'authenticates with the password of -Credential' {
            $common.Remove('KeyFile')
            $common.HostName = $Bed.SERVER_1_ADDRESS
            $credential = [pscredential]::new($Bed.USER, (ConvertTo-SecureString -String $Bed.PASSWORD -AsPlainText -Force))
            (New-PersistentSshSession @Common -Credential $credential).State | Should -Be 'Connected'
        }

        It 'fails once with a wrong password' {
            $common.Remove('KeyFile')
            $common.HostName = $Bed.SERVER_1_ADDRESS
            $credential = [pscredential]::new($Bed.USER, (ConvertTo-SecureString -String 'wrong' -AsPlainText -Force))
            { New-PersistentSshSession @Common -Credential $credential -ErrorAction Stop } | Should -Throw -ErrorId 'AuthenticationFailed,SshKeepAlive.Commands.NewPersistentSshSessionCommand'
        }

        It 'closes the sessions of a runspace when that runspace closes' {
            $runspace = [runspacefactory]::CreateRunspace()
            $runspace.Open()
            $shell = [powershell]::Create()
            $shell.Runspace = $runspace
            $null = $shell.AddCommand('Import-Module').AddParameter('Name', $ModuleManifest).AddStatement().AddCommand('New-PersistentSshSession').AddParameters($Common)
            $session = @($shell.Invoke())[0]
            "$($session.State)" | Should -Be 'Connected'

            $runspace.Close()

            $deadline = [datetime]::UtcNow.AddSeconds(10)
            while ("$($session.State)" -ne 'Closed' -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            "$($session.State)" | Should -Be 'Closed'
            $shell.Dispose()
            $runspace.Dispose()
        }

        It 'closes the sessions of a runspace when the module is removed from it' {
            $runspace = [runspacefactory]::CreateRunspace()
            $runspace.Open()
            try {
                $shell = [powershell]::Create()
                $shell.Runspace = $runspace
                $null = $shell.AddCommand('Import-Module').AddParameter('Name', $ModuleManifest).AddStatement().AddCommand('New-PersistentSshSession').AddParameters($Common)
                $session = @($shell.Invoke())[0]
                $shell.Commands.Clear()
                $null = $shell.AddCommand('Remove-Module').AddParameter('Name', 'SshKeepAlive')

                $shell.Invoke()

                "$($session.State)" | Should -Be 'Closed'
            }
            finally { $runspace.Dispose() }
        }

        It 'connects to a Host alias as ssh_config says' {
            $config = Join-Path $TestDrive 'alias_config'
            Set-Content -LiteralPath $config -Value @(
                'Host bed'
                "  HostName $($Bed.SERVER_1_ADDRESS)"
                "  Port $($Bed.SERVER_1_PORT)"
                "  User $($Bed.USER)"
                "  IdentityFile $($Bed.PRIVATE_KEY)"
                "  UserKnownHostsFile $($Bed.KNOWN_HOSTS)"
                '  StrictHostKeyChecking yes'
                '  ServerAliveInterval 7'
            )
            $session = New-PersistentSshSession -HostName bed -ConfigPath $config
            $session.KeepAliveInterval.TotalSeconds | Should -Be 7
            (Invoke-PersistentSshCommand -Session $session -Command whoami).Output | Should -Be "$($Bed.USER)`n"
        }
    }
}
