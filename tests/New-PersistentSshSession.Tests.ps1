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

        It 'refuses -SetEnv without = and -SendEnv with =, as ssh refuses such lines, and registers no session' {
            { New-PersistentSshSession -HostName 127.0.0.1 -SetEnv 'NAME' } |
                Should -Throw -ErrorId 'ParameterArgumentValidationError,SshKeepAlive.Commands.NewPersistentSshSessionCommand' -ExpectedMessage "*'NAME' is not NAME=VALUE: -SetEnv takes*"
            { New-PersistentSshSession -HostName 127.0.0.1 -SendEnv 'NAME=VALUE' } |
                Should -Throw -ErrorId 'ParameterArgumentValidationError,SshKeepAlive.Commands.NewPersistentSshSessionCommand' -ExpectedMessage "*'NAME=VALUE' has an '=': -SendEnv takes names or patterns*"
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

Describe 'New-PersistentSshSession reading ssh_config as ssh does' {
    AfterEach { Get-PersistentSshSession | Remove-PersistentSshSession -Confirm:$false }

    Context 'without a server' {
        It 'refuses a misspelt keyword as ssh does, naming the line' {
            $config = Join-Path $TestDrive 'misspelt_config'
            Set-Content -LiteralPath $config -Value "Host web01`n  ServerAliveIntervall 5"
            { New-PersistentSshSession -HostName web01 -ConfigPath $config } |
                Should -Throw -ErrorId 'ConfigKeywordUnknown,SshKeepAlive.Commands.NewPersistentSshSessionCommand' -ExpectedMessage "*${config}:2*Bad configuration option: ServerAliveIntervall*"
            & ssh -G -F $config web01 2>&1 | Out-Null
            $LASTEXITCODE | Should -Not -Be 0 -Because 'ssh refuses it too'
        }

        It 'refuses <Case> with <ErrorId>' -ForEach @(
            @{ Case = 'a -LocalForward ssh would refuse'; Arguments = @{ LocalForward = '8080' }; ErrorId = 'ForwardSpecInvalid' }
            @{ Case = 'a -JumpHost ssh would refuse'; Arguments = @{ JumpHost = 'bastion:notaport' }; ErrorId = 'JumpHostInvalid' }
        ) {
            $caught = { New-PersistentSshSession -HostName web01 -ConfigPath none @Arguments } |
                Should -Throw -ErrorId "$ErrorId,SshKeepAlive.Commands.NewPersistentSshSessionCommand" -PassThru
            "$($caught.CategoryInfo.Category)" | Should -Be 'InvalidArgument'
            $caught.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        }

        It 'names the parameter that runs a Match exec it did not run' {
            $config = Join-Path $TestDrive 'exec_config'
            Set-Content -LiteralPath $config -Value "Match exec `"true`"`n  Port 1"
            $null = New-PersistentSshSession -HostName 127.0.0.1 -ConfigPath $config -KeyFile (New-TestKey (Join-Path $TestDrive 'id_exec')) -ConnectTimeout 2 -WarningVariable warned -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
            "$warned" | Should -BeLike '*Match exec "true" was not run*-AllowMatchExec*'
            (Get-Command New-PersistentSshSession).Parameters.Keys | Should -Contain 'AllowMatchExec'
        }
    }

    Context 'against the sshd testbed' -Skip:($null -ne $SkipReason) {
        BeforeAll {
            $Bed = Start-SshTestbed
            $script:Pane = "sshka-prompts-$PID"
        }
        AfterAll {
            Stop-PwshPane $Pane
            if ($Bed) { Stop-SshTestbed -Testbed $Bed }
        }

        It 'connects with an IdentityFile named with %d, %u, %h and %r, as ssh expands them' {
            $folder = Join-Path $HOME ".sshka-test-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
            try {
                $keys = New-Item -ItemType Directory -Path (Join-Path $folder "$([Environment]::UserName)/$($Bed.SERVER_1_ADDRESS)")
                Copy-Item -LiteralPath $Bed.PRIVATE_KEY -Destination (Join-Path $keys "$($Bed.USER)_key")
                & chmod 600 (Join-Path $keys "$($Bed.USER)_key")
                $config = New-SshTestbedConfig -Testbed $Bed -Path (Join-Path $TestDrive 'tokens_config') -NoKey -PerHost @{
                    bed1 = "IdentityFile %d/$(Split-Path -Leaf $folder)/%u/%h/%r_key", 'IdentitiesOnly yes', 'IdentityAgent none' }

                $session = New-PersistentSshSession -HostName bed1 -ConfigPath $config -ErrorAction Stop
                "$($session.State)" | Should -Be 'Connected'
            }
            finally { Remove-Item -LiteralPath $folder -Recurse -Force -ErrorAction Ignore }
        }

        It 'offers only the configured key with IdentitiesOnly yes although the agent holds six others; without it the server gives up' {
            Invoke-WithTestAgent -KeyPath (1..6 | ForEach-Object { New-TestKey (Join-Path $TestDrive "agent_key_$_") }) {
                $only = New-SshTestbedConfig -Testbed $Bed -Path (Join-Path $TestDrive 'only_config') -PerHost @{ bed1 = 'IdentitiesOnly yes' }
                $all = New-SshTestbedConfig -Testbed $Bed -Path (Join-Path $TestDrive 'all_config')

                "$((New-PersistentSshSession -HostName bed1 -ConfigPath $only -ErrorAction Stop).State)" | Should -Be 'Connected'
                $caught = { New-PersistentSshSession -HostName bed1 -ConfigPath $all -ErrorAction Stop } |
                    Should -Throw -ErrorId 'AuthenticationAttemptsExhausted,SshKeepAlive.Commands.NewPersistentSshSessionCommand' -PassThru
                $caught.Exception.Message | Should -BeLike '*Too many authentication failures*'
                $caught.ErrorDetails.RecommendedAction | Should -BeLike '*IdentitiesOnly*'
            }
        }

        It 'names the keywords it does not honour in one warning with their lines, and connects' {
            $config = New-SshTestbedConfig -Testbed $Bed -Path (Join-Path $TestDrive 'unsupported_config') -Extra 'ForwardX11 yes', 'ForwardAgent yes', 'ForwardX11Trusted yes'
            $session = New-PersistentSshSession -HostName bed1 -ConfigPath $config -WarningVariable warned -WarningAction SilentlyContinue
            "$($session.State)" | Should -Be 'Connected'
            $warned | Should -HaveCount 1
            "$warned" | Should -Be ("ForwardX11 at ${config}:1, ForwardAgent at ${config}:2 (SSH.NET cannot forward the agent: it drops the connection when the server opens an agent channel; " +
                'ProxyJump reaches hosts beyond this one with the local keys) are not supported by persistent sessions (they connect as if those lines were absent).')
        }

        It 'with ForwardAgent yes names why it cannot forward the agent ssh -A forwards, and its commands keep working without one' {
            $key = New-TestKey (Join-Path $TestDrive 'forwarded_key')
            Invoke-WithTestAgent -KeyPath $key {
                $fingerprint = (& ssh-keygen -lf "$key.pub") -split ' ' | Select-Object -Index 1
                $config = New-SshTestbedConfig -Testbed $Bed -Path (Join-Path $TestDrive 'agent_config') -PerHost @{ bed1 = 'ForwardAgent yes' }
                "$(& ssh -F $config -o BatchMode=yes bed1 'ssh-add -l 2>&1')" | Should -BeLike "*$fingerprint*" -Because 'ssh -A forwards the agent with this configuration'

                $session = New-PersistentSshSession -HostName bed1 -ConfigPath $config -WarningVariable warned -WarningAction SilentlyContinue -ErrorAction Stop
                "$warned" | Should -BeLike "ForwardAgent at ${config}:*SSH.NET cannot forward the agent*ProxyJump*"
                (Invoke-PersistentSshCommand -Session $session -Command 'ssh-add -l 2>&1; echo "exit $?"').Output |
                    Should -Be "Could not open a connection to your authentication agent.`nexit 2`n"
                (Invoke-PersistentSshCommand -Session $session -Command 'echo still here').Output | Should -Be "still here`n"
                "$($session.State)" | Should -Be 'Connected'
            }
        }

        It 'fails at once with CredentialMissing under BatchMode yes when the server wants a password' {
            $config = New-SshTestbedConfig -Testbed $Bed -Path (Join-Path $TestDrive 'batch_config') -PerHost @{ bed1 = 'BatchMode yes', 'PubkeyAuthentication no' }
            $timer = [Diagnostics.Stopwatch]::StartNew()
            $caught = { New-PersistentSshSession -HostName bed1 -ConfigPath $config -ErrorAction Stop } |
                Should -Throw -ErrorId 'CredentialMissing,SshKeepAlive.Commands.NewPersistentSshSessionCommand' -PassThru
            $timer.Elapsed.TotalSeconds | Should -BeLessThan 10
            $caught.Exception.Message | Should -BeLike '*password*BatchMode is yes*'
            "$($caught.CategoryInfo.Category)" | Should -Be 'AuthenticationError'
        }

        It 'fails at once with CredentialMissing in a runspace that cannot prompt' {
            $config = New-SshTestbedConfig -Testbed $Bed -Path (Join-Path $TestDrive 'scripted_config') -PerHost @{ bed1 = 'PubkeyAuthentication no' }
            $state = [System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2()
            $state.ImportPSModule($ModuleManifest)
            $shell = [powershell]::Create($state)
            try {
                $null = $shell.AddCommand('New-PersistentSshSession').AddParameter('HostName', 'bed1').AddParameter('ConfigPath', $config)
                $shell.Invoke() | Should -BeNullOrEmpty
                $shell.Streams.Error[0].FullyQualifiedErrorId | Should -Be 'CredentialMissing,SshKeepAlive.Commands.NewPersistentSshSessionCommand'
            }
            finally { $shell.Dispose() }
        }

        It 'asks for the passphrase of an encrypted key named in ssh_config, in a terminal, and connects' {
            $key = Join-Path $TestDrive 'id_encrypted'
            Copy-Item -LiteralPath $Bed.PRIVATE_KEY -Destination $key
            & chmod 600 $key
            & ssh-keygen -q -p -N 'correct horse' -f $key
            $config = New-SshTestbedConfig -Testbed $Bed -Path (Join-Path $TestDrive 'passphrase_config') -NoKey -PerHost @{ bed1 = "IdentityFile $key", 'IdentitiesOnly yes', 'IdentityAgent none' }

            Start-PwshPane $Pane
            Send-PaneKey $Pane "`$s = New-PersistentSshSession -HostName bed1 -ConfigPath $config; 'state: ' + `$s.State" -Enter
            Wait-Until { (Get-PaneScreen $Pane) -match "Enter passphrase for key '$([regex]::Escape($key))': " } | Should -BeTrue -Because "ssh's question shows:`n$(Get-PaneScreen $Pane)"
            Send-PaneKey $Pane 'correct horse' -Enter
            Wait-Until { (Get-PaneScreen $Pane) -match 'state: Connected' } | Should -BeTrue -Because "the session connects:`n$(Get-PaneScreen $Pane)"
            Get-PaneScreen $Pane | Should -Not -BeLike '*correct horse*'
        }

        It 'asks for the password as ssh does when no key is accepted, in a terminal, and keeps it for the reconnect' {
            $config = New-SshTestbedConfig -Testbed $Bed -Path (Join-Path $TestDrive 'password_config') -PerHost @{ bed1 = 'PubkeyAuthentication no', 'ServerAliveInterval 1', 'ServerAliveCountMax 2' }

            Start-PwshPane $Pane
            Send-PaneKey $Pane "`$s = New-PersistentSshSession -HostName bed1 -ConfigPath $config -ReconnectDelay 0.2; 'state: ' + `$s.State" -Enter
            Wait-Until { (Get-PaneScreen $Pane) -match "$($Bed.USER)@$([regex]::Escape($Bed.SERVER_1_ADDRESS))'s password: " } | Should -BeTrue -Because "ssh's question shows:`n$(Get-PaneScreen $Pane)"
            Send-PaneKey $Pane $Bed.PASSWORD -Enter
            Wait-Until { (Get-PaneScreen $Pane) -match 'state: Connected' } | Should -BeTrue -Because "the session connects:`n$(Get-PaneScreen $Pane)"
            Invoke-SshTestbed -ArgumentList @('cut', $Bed.RUN_ID) | Out-Null
            Start-Sleep -Seconds 4
            Invoke-SshTestbed -ArgumentList @('restore', $Bed.RUN_ID) | Out-Null
            Send-PaneKey $Pane "`$t = [datetime]::Now.AddSeconds(20); while ((`$s.ReconnectCount -lt 1 -or `"`$(`$s.State)`" -ne 'Connected') -and [datetime]::Now -lt `$t) { Start-Sleep -Milliseconds 200 }; 'after: ' + `$s.State + ' ' + `$s.ReconnectCount" -Enter

            Wait-Until { (Get-PaneScreen $Pane) -match 'after: Connected 1' } | Should -BeTrue -Because "the session reconnects with the password it was given:`n$(Get-PaneScreen $Pane)"
            Get-PaneScreen $Pane | Should -Not -BeLike "*$($Bed.PASSWORD)*"
        }

        It 'shows each keyboard-interactive question as the server asks it, after the key (two factors), and connects' {
            $sshd = Get-Content -LiteralPath $Bed.SERVER_1_SSHD_CONFIG -Raw
            try {
                ($sshd -replace '(?m)^UsePAM no', 'UsePAM yes' -replace '(?m)^KbdInteractiveAuthentication no', 'KbdInteractiveAuthentication yes') +
                    "AuthenticationMethods publickey,keyboard-interactive`n" | Set-Content -LiteralPath $Bed.SERVER_1_SSHD_CONFIG -NoNewline
                Invoke-SshTestbed -ArgumentList 'reload', $Bed.RUN_ID | Out-Null
                $config = New-SshTestbedConfig -Testbed $Bed -Path (Join-Path $TestDrive 'mfa_config')

                Start-PwshPane $Pane
                Send-PaneKey $Pane "`$s = New-PersistentSshSession -HostName bed1 -ConfigPath $config; 'state: ' + `$s.State" -Enter
                # PAM's own prompt, as sshd sends it: at the start of a line, or after the blanks of a typed line that
                # reached the pane's last column (capture-pane -J joins a wrapped line with the next).
                Wait-Until { (Get-PaneScreen $Pane) -cmatch '(?m)(^|\s)Password: ' } | Should -BeTrue -Because "the server's question shows:`n$(Get-PaneScreen $Pane)"
                Send-PaneKey $Pane $Bed.PASSWORD -Enter
                Wait-Until { (Get-PaneScreen $Pane) -match 'state: Connected' } | Should -BeTrue -Because "the session connects:`n$(Get-PaneScreen $Pane)"
                Get-Content -LiteralPath $Bed.SERVER_1_SSHD_LOG -Raw | Should -Match 'Accepted keyboard-interactive/pam for'
            }
            finally {
                Set-Content -LiteralPath $Bed.SERVER_1_SSHD_CONFIG -Value $sshd -NoNewline
                Invoke-SshTestbed -ArgumentList 'reload', $Bed.RUN_ID | Out-Null
            }
        }

        It 'keeps a -LocalForward listening through a cut, carrying connections again once the path is back' {
            $port = Get-Random -Minimum 20000 -Maximum 40000
            $common = Get-SshTestbedSessionParameter -Testbed $Bed
            $session = New-PersistentSshSession @common -Name fwd -KeepAliveInterval 1 -KeepAliveCountMax 2 -ReconnectDelay 0.2 -ReconnectMaxDelay 1 `
                -LocalForward "${port}:$($Bed.SERVER_1_ADDRESS):22"
            function Read-Banner { $client = [Net.Sockets.TcpClient]::new('127.0.0.1', $port); try { [IO.StreamReader]::new($client.GetStream()).ReadLine() } finally { $client.Dispose() } }
            Read-Banner | Should -BeLike 'SSH-2.0-OpenSSH*'
            ($session.PortForwards | Format-Table | Out-String -Width 300) | Should -BeLike "*Local*localhost:$port*$($Bed.SERVER_1_ADDRESS):22*Active*"

            Invoke-SshTestbed -ArgumentList @('cut', $Bed.RUN_ID) | Out-Null
            Wait-Until { "$($session.State)" -eq 'Reconnecting' } | Should -BeTrue
            "$($session.PortForwards[0].State)" | Should -Be 'Waiting'
            { $probe = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, $port); $probe.Start(); $probe.Stop() } | Should -Throw -Because 'the listener stays bound'
            Invoke-SshTestbed -ArgumentList @('restore', $Bed.RUN_ID) | Out-Null

            Read-Banner | Should -BeLike 'SSH-2.0-OpenSSH*'
            "$($session.PortForwards[0].State)" | Should -Be 'Active'
            (Get-PersistentSshSession -Name fwd | Out-String -Width 300) | Should -BeLike "*L$port Active*"
        }
    }

    Context 'through a bastion on the sshd testbed' -Skip:($null -ne $SkipReason) {
        BeforeAll {
            $Bed = Start-SshTestbed -Servers 2
            Set-SshTestbedBastion -Testbed $Bed
        }
        AfterAll { if ($Bed) { Stop-SshTestbed -Testbed $Bed } }

        It 'reaches a host only the bastion reaches with <Case>' -ForEach @(
            @{ Case = '-JumpHost'; Extra = @(); Parameters = @{ JumpHost = 'bed1' } }
            @{ Case = 'ProxyJump in ssh_config'; Extra = @(); PerHost = @{ bed2 = 'ProxyJump bed1' }; Parameters = @{} }
            @{ Case = 'ProxyCommand in ssh_config'; PerHost = 'proxycommand'; Parameters = @{} }
        ) {
            $perHost = if ($PerHost -eq 'proxycommand') {
                @{ bed2 = "ProxyCommand ssh -F /dev/null -i $($Bed.PRIVATE_KEY) -o BatchMode=yes -o UserKnownHostsFile=$($Bed.KNOWN_HOSTS) -W %h:%p $($Bed.USER)@$($Bed.SERVER_1_ADDRESS)" }
            } elseif ($PerHost) { $PerHost } else { @{} }
            $config = New-SshTestbedConfig -Testbed $Bed -Path (Join-Path $TestDrive "jump_$($Case.GetHashCode())") -PerHost $perHost

            $session = New-PersistentSshSession -HostName bed2 -ConfigPath $config @Parameters -ErrorAction Stop

            (Invoke-PersistentSshCommand -Session $session -Command 'echo $SSH_CONNECTION').Output | Should -BeLike "$($Bed.SERVER_1_ADDRESS) *"
            Remove-PersistentSshSession -Session $session -Confirm:$false
        }

        It 'checks the bastion''s host key against known_hosts too' {
            $config = New-SshTestbedConfig -Testbed $Bed -Path (Join-Path $TestDrive 'jump_unknown') -PerHost @{ bed1 = "UserKnownHostsFile $(Join-Path $TestDrive 'nothing_known')" }
            { New-PersistentSshSession -HostName bed2 -ConfigPath $config -JumpHost bed1 -ErrorAction Stop } |
                Should -Throw -ErrorId 'HostKeyUnknown,SshKeepAlive.Commands.NewPersistentSshSessionCommand' -ExpectedMessage "*$($Bed.SERVER_1_ADDRESS)*"
        }
    }
}
