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
}

Describe 'New-PersistentSshSession' {
    AfterEach { Get-PersistentSshSession | Remove-PersistentSshSession -Confirm:$false }

    Context 'without a server' {
        It 'refuses <Case> with <ErrorId> and registers no session' -ForEach @(
            @{ Case = 'a malformed destination'; Arguments = @{ HostName = 'bad host' }; ErrorId = 'HostNameInvalid' }
            @{ Case = 'a key file that does not exist'; Arguments = @{ HostName = '127.0.0.1'; KeyFile = '/nonexistent/id_ed25519' }; ErrorId = 'KeyFileUnusable' }
            @{ Case = 'a first reconnect delay longer than the longest'; Arguments = @{ HostName = '127.0.0.1'; ReconnectDelay = 10; ReconnectMaxDelay = 5 }; ErrorId = 'ReconnectDelayInvalid' }
        ) {
            $caught = { New-PersistentSshSession @Arguments -ErrorAction Stop } |
                Should -Throw -ErrorId "$ErrorId,SshKeepAlive.Commands.NewPersistentSshSessionCommand" -PassThru

            "$($caught.CategoryInfo.Category)" | Should -Be 'InvalidArgument'
            $caught.TargetObject | Should -Not -BeNullOrEmpty
            $caught.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
            Get-PersistentSshSession | Should -BeNullOrEmpty
        }

        It 'refuses an ssh_config that ssh would refuse, naming the line' {
            $config = Join-Path $TestDrive 'ssh_config'
            Set-Content -LiteralPath $config -Value "Host web01`n  Port notaport"
            $caught = { New-PersistentSshSession -HostName web01 -ConfigPath $config } |
                Should -Throw -ErrorId 'ConfigInvalid,SshKeepAlive.Commands.NewPersistentSshSessionCommand' -ExpectedMessage "*${config}:2*" -PassThru
            "$($caught.CategoryInfo.Category)" | Should -Be 'InvalidData'
        }

        It 'reports an unreachable server as a non-terminating ConnectionFailed error' {
            $key = New-TestKey (Join-Path $TestDrive 'id_unreachable')
            $result = New-PersistentSshSession -HostName 127.0.0.1 -Port 1 -KeyFile $key -ConnectTimeout 5 -ErrorVariable failures -ErrorAction SilentlyContinue
            $result | Should -BeNullOrEmpty
            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -Be 'ConnectionFailed,SshKeepAlive.Commands.NewPersistentSshSessionCommand'
            "$($failures[0].CategoryInfo.Category)" | Should -Be 'ConnectionError'
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

        It 'says with -WhatIf what it would open, and connects to nothing' {
            $printed = Invoke-InNewPwsh {
                "objects: $(@(New-PersistentSshSession -HostName admin@127.0.0.1 -Port 1 -WhatIf).Count)"
                "sessions: $(@(Get-PersistentSshSession).Count)"
            }

            $printed | Should -Contain 'What if: Performing the operation "Open a persistent SSH session" on target "admin@127.0.0.1:1".'
            $printed | Should -Contain 'objects: 0'
            $printed | Should -Contain 'sessions: 0'
        }
    }

    Context 'against the sshd testbed' -Skip:($null -ne $SkipReason) {
        BeforeAll { $Bed = Start-SshTestbed }
        AfterAll { if ($Bed) { Stop-SshTestbed -Testbed $Bed } }

        BeforeEach {
            $script:Common = Get-SshTestbedSessionParameter -Testbed $Bed
        }

        It 'opens a session that is listed and runs commands, saying with -Verbose which known_hosts line matched' {
            $written = New-PersistentSshSession @Common -Name bed -Verbose 4>&1
            $session = $written | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
            "$($session.State)" | Should -Be 'Connected'
            $written.Where({ $_ -is [System.Management.Automation.VerboseRecord] }).Message -like "*matches $($Bed.KNOWN_HOSTS):*" |
                Should -Not -BeNullOrEmpty
            (Get-PersistentSshSession -Name bed).Id | Should -Be $session.Id
            (Invoke-PersistentSshCommand -Session $session -Command whoami).Output | Should -Be "$($Bed.USER)`n"
        }

        It 'notices a cut path, shows the reconnect once it is restored, and runs commands again' {
            $null = New-PersistentSshSession @Common -Name bed -KeepAliveInterval 1 -KeepAliveCountMax 2 -ReconnectDelay 0.2 -ReconnectMaxDelay 1
            Invoke-SshTestbed -ArgumentList @('cut', $Bed.RUN_ID) | Out-Null
            Wait-Until { "$((Get-PersistentSshSession -Name bed).State)" -eq 'Reconnecting' } | Should -BeTrue -Because 'keepalives go unanswered'
            Invoke-SshTestbed -ArgumentList @('restore', $Bed.RUN_ID) | Out-Null
            Wait-Until { "$((Get-PersistentSshSession -Name bed).State)" -eq 'Connected' } | Should -BeTrue -Because 'the path is back'
            (Get-PersistentSshSession -Name bed).ReconnectCount | Should -Be 1
            (Get-PersistentSshSession -Name bed | Invoke-PersistentSshCommand -Command 'echo ok').Output | Should -Be "ok`n"
        }

        It 'refuses a server whose key is not known, saying what to do' {
            $common.KnownHostsFile = Join-Path $TestDrive 'empty_known_hosts'
            $caught = { New-PersistentSshSession @Common -ErrorAction Stop } |
                Should -Throw -ErrorId 'HostKeyUnknown,SshKeepAlive.Commands.NewPersistentSshSessionCommand' -PassThru
            "$($caught.CategoryInfo.Category)" | Should -Be 'SecurityError'
            $caught.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
            Test-Path -LiteralPath $common.KnownHostsFile | Should -BeFalse
            Get-PersistentSshSession | Should -BeNullOrEmpty
        }

        It 'refuses a server whose key changed, showing both fingerprints' {
            $other = New-TestKey (Join-Path $TestDrive 'other_host_key')
            $common.KnownHostsFile = Join-Path $TestDrive 'changed_known_hosts'
            Set-Content -LiteralPath $common.KnownHostsFile -Value "$($Bed.SERVER_1_ADDRESS) $(Get-Content -LiteralPath "$other.pub")"
            $oldFingerprint = (& ssh-keygen -l -E sha256 -f "$other.pub").Split(' ')[1]
            $common.StrictHostKeyChecking = 'AcceptNew'
            $caught = { New-PersistentSshSession @Common -ErrorAction Stop } |
                Should -Throw -ErrorId 'HostKeyChanged,SshKeepAlive.Commands.NewPersistentSshSessionCommand' -ExpectedMessage "*$oldFingerprint*" -PassThru
            "$($caught.CategoryInfo.Category)" | Should -Be 'SecurityError'
            $caught.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
            Get-PersistentSshSession | Should -BeNullOrEmpty
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
            $caught = { New-PersistentSshSession @Common -Credential $credential -ErrorAction Stop } |
                Should -Throw -ErrorId 'AuthenticationFailed,SshKeepAlive.Commands.NewPersistentSshSessionCommand' -PassThru
            "$($caught.CategoryInfo.Category)" | Should -Be 'AuthenticationError'
            $caught.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
            Get-PersistentSshSession | Should -BeNullOrEmpty
        }

        It 'connects to a Host alias as ssh_config says, parameters overriding it' {
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
                '  ServerAliveCountMax 5'
            )
            $session = New-PersistentSshSession -HostName bed -ConfigPath $config -KeepAliveCountMax 2
            $session.Target | Should -Be 'bed'
            $session.KeepAliveInterval.TotalSeconds | Should -Be 7
            $session.KeepAliveCountMax | Should -Be 2
            (Invoke-PersistentSshCommand -Session $session -Command whoami).Output | Should -Be "$($Bed.USER)`n"
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
    }
}
