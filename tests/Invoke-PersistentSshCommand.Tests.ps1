#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.1.0' }
# Invoke-PersistentSshCommand: errors for unknown or closed sessions, and commands run on the sshd testbed.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Testbed.ps1')
    $script:SkipReason = Get-SshTestbedSkipReason
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'Testbed.ps1')
}

Describe 'Invoke-PersistentSshCommand' {
    Context 'without sessions' {
        It 'writes SessionNotFound for an unknown id' {
            Invoke-PersistentSshCommand -Id 4242 -Command true -ErrorVariable failures -ErrorAction SilentlyContinue |
                Should -BeNullOrEmpty
            $failures[0].FullyQualifiedErrorId | Should -Be 'SessionNotFound,SshKeepAlive.Commands.InvokePersistentSshCommandCommand'
            "$($failures[0].CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
            $failures[0].TargetObject | Should -Be 4242
        }

        It 'refuses an empty command' {
            { Invoke-PersistentSshCommand -Id 1 -Command '' } |
                Should -Throw -ErrorId 'ParameterArgumentValidationError,SshKeepAlive.Commands.InvokePersistentSshCommandCommand'
        }
    }

    Context 'against the sshd testbed' -Skip:($null -ne $SkipReason) {
        BeforeAll {
            $bed = Start-SshTestbed
            $connection = Get-SshTestbedSessionParameter -Testbed $bed
        }
        AfterAll { if ($bed) { Stop-SshTestbed -Testbed $bed } }
        AfterEach { Get-PersistentSshSession | Remove-PersistentSshSession -Confirm:$false }

        It 'returns standard output, standard error and the exit status' {
            $session = New-PersistentSshSession @connection -Name run -ErrorAction Stop
            $result = Invoke-PersistentSshCommand -Session $session -Command 'echo out; echo err >&2; exit 3'
            $result.Output | Should -BeExactly "out`n"
            $result.Error | Should -BeExactly "err`n"
            $result.ExitStatus | Should -Be 3
            $result.Succeeded | Should -BeFalse
        }

        It 'runs on every session piped in, and on sessions named by id' {
            $one = New-PersistentSshSession @connection -Name one -ErrorAction Stop
            $two = New-PersistentSshSession @connection -Name two -ErrorAction Stop
            @($one, $two | Invoke-PersistentSshCommand -Command 'echo hi').Output | Should -Be @("hi`n", "hi`n")
            (Invoke-PersistentSshCommand -Id $two.Id -Command whoami).Output | Should -Be "$($bed.USER)`n"
        }

        It 'returns what a command printed before its connection was lost, then SessionLostDuringCommand' {
            $session = New-PersistentSshSession @connection -Name lost -KeepAliveInterval 1 -KeepAliveCountMax 2 -ErrorAction Stop
            $state = [System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2()
            $state.ImportPSModule($ModuleManifest)
            $shell = [powershell]::Create($state)
            try {
                $null = $shell.AddCommand('Invoke-PersistentSshCommand').AddParameter('Session', $session).AddParameter('Command', 'echo first; echo oops >&2; sleep 60')
                $running = $shell.BeginInvoke()
                Start-Sleep -Seconds 2
                Invoke-SshTestbed -ArgumentList @('cut', $bed.RUN_ID) | Out-Null
                $output = $shell.EndInvoke($running)

                $output | Should -HaveCount 1
                $output[0].Output | Should -BeExactly "first`n"
                $output[0].Error | Should -BeExactly "oops`n"
                $output[0].ExitStatus | Should -BeNullOrEmpty
                $shell.Streams.Error[0].FullyQualifiedErrorId | Should -Be 'SessionLostDuringCommand,SshKeepAlive.Commands.InvokePersistentSshCommandCommand'
            }
            finally {
                Invoke-SshTestbed -ArgumentList @('restore', $bed.RUN_ID) | Out-Null
                $shell.Dispose()
            }
        }

        It 'sends the variables SendEnv names and SetEnv sets as ssh does (SetEnv wins, others stay here), and Debian''s defaults raise no warning' {
            $sshd = Add-SshTestbedSshdConfig -Testbed $bed -Line 'AcceptEnv SSHKA_*'
            $saved = @{}
            foreach ($name in 'SSHKA_SENT', 'SSHKA_NOT', 'SSHKA_BOTH', 'KRB5CCNAME') { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }
            try {
                $env:SSHKA_SENT = 'sent value'; $env:SSHKA_NOT = 'stays here'; $env:SSHKA_BOTH = 'local'
                $env:KRB5CCNAME = "FILE:$(Join-Path $TestDrive 'no-ticket')"
                # Debian's /etc/ssh/ssh_config has SendEnv LANG LC_* and GSSAPIAuthentication yes.
                $config = New-SshTestbedConfig -Testbed $bed -Path (Join-Path $TestDrive 'env_config') -Extra @(
                    'SendEnv LANG LC_*', 'GSSAPIAuthentication yes', 'SendEnv SSHKA_SENT SSHKA_BOTH', 'SetEnv SSHKA_SET="set value" SSHKA_BOTH=setenv')
                $print = 'printf "%s|" "${SSHKA_SENT-unset}" "${SSHKA_NOT-unset}" "${SSHKA_SET-unset}" "${SSHKA_BOTH-unset}"'
                $sshSees = & ssh -F $config -o BatchMode=yes bed1 $print 2>&1
                $session = New-PersistentSshSession -HostName bed1 -ConfigPath $config -Name env -WarningVariable warnings -ErrorAction Stop

                $result = Invoke-PersistentSshCommand -Session $session -Command $print

                $sshSees | Should -BeExactly 'sent value|unset|set value|setenv|'
                $result.Output | Should -BeExactly $sshSees
                $warnings | Should -BeNullOrEmpty
            }
            finally {
                foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
                Restore-SshTestbedSshdConfig -Testbed $bed -Text $sshd
            }
        }

        It 'takes -SendEnv and -SetEnv as ssh -o takes them: before ssh_config, whose SetEnv they then replace' {
            $sshd = Add-SshTestbedSshdConfig -Testbed $bed -Line 'AcceptEnv SSHKA_*'
            $saved = [Environment]::GetEnvironmentVariable('SSHKA_PARAM')
            try {
                $env:SSHKA_PARAM = 'sent by parameter'
                $config = New-SshTestbedConfig -Testbed $bed -Path (Join-Path $TestDrive 'env_param_config') -Extra @('SetEnv SSHKA_A=config SSHKA_C=config')
                $print = 'printf "%s|" "${SSHKA_PARAM-unset}" "${SSHKA_A-unset}" "${SSHKA_B-unset}" "${SSHKA_C-unset}"'
                $sshSees = & ssh -o 'SendEnv=SSHKA_PAR*' -o 'SetEnv=SSHKA_A=param SSHKA_B=param' -F $config -o BatchMode=yes bed1 $print 2>&1
                $session = New-PersistentSshSession -HostName bed1 -ConfigPath $config -Name envparam -SendEnv 'SSHKA_PAR*' -SetEnv 'SSHKA_A=param', 'SSHKA_B=param' -ErrorAction Stop

                $result = Invoke-PersistentSshCommand -Session $session -Command $print

                $sshSees | Should -BeExactly 'sent by parameter|param|param|unset|'
                $result.Output | Should -BeExactly $sshSees
            }
            finally {
                [Environment]::SetEnvironmentVariable('SSHKA_PARAM', $saved)
                Restore-SshTestbedSshdConfig -Testbed $bed -Text $sshd
            }
        }

        It 'asks as ssh does, in the server''s log: each env with want-reply false before exec, and none on a forwarded connection''s channel' {
            $original = Get-Content -LiteralPath $bed.SERVER_1_SSHD_CONFIG -Raw
            ($original -replace '(?m)^LogLevel VERBOSE', 'LogLevel DEBUG1') + "AcceptEnv SSHKA_*`n" | Set-Content -LiteralPath $bed.SERVER_1_SSHD_CONFIG -NoNewline
            Invoke-SshTestbed -ArgumentList @('reload', $bed.RUN_ID, 1) | Out-Null
            $saved = [Environment]::GetEnvironmentVariable('SSHKA_SENT')
            # The channel requests sshd logs (server_input_channel_req) from line $From on: "request reply" pairs.
            function Get-ChannelRequest([int] $From) {
                @(Get-Content -LiteralPath $bed.SERVER_1_SSHD_LOG | Select-Object -Skip $From |
                    Where-Object { $_ -match 'server_input_channel_req: channel \d+ request (\S+) reply (\d)' } | ForEach-Object { "$($Matches[1]) $($Matches[2])" })
            }
            try {
                $env:SSHKA_SENT = 'sent'
                $config = New-SshTestbedConfig -Testbed $bed -Path (Join-Path $TestDrive 'env_log_config') -Extra @('SendEnv SSHKA_SENT', 'SetEnv SSHKA_SET=set')
                $port = Get-Random -Minimum 20000 -Maximum 40000
                $before = (Get-Content -LiteralPath $bed.SERVER_1_SSHD_LOG).Count
                & ssh -F $config -o BatchMode=yes bed1 true 2>&1 | Out-Null
                $between = (Get-Content -LiteralPath $bed.SERVER_1_SSHD_LOG).Count
                $session = New-PersistentSshSession -HostName bed1 -ConfigPath $config -Name envlog -LocalForward "${port}:$($bed.SERVER_1_ADDRESS):22" -ErrorAction Stop
                $client = [Net.Sockets.TcpClient]::new('127.0.0.1', $port)
                try { [IO.StreamReader]::new($client.GetStream()).ReadLine() | Should -BeLike 'SSH-2.0-OpenSSH*' } finally { $client.Dispose() }

                Invoke-PersistentSshCommand -Session $session -Command true | Out-Null

                $sshAsked = Get-ChannelRequest $before | Select-Object -First 3
                $sshAsked | Should -Be @('env 0', 'env 0', 'exec 1')
                Wait-Until { (Get-ChannelRequest $between) -contains 'exec 1' } | Should -BeTrue
                Get-ChannelRequest $between | Should -Be $sshAsked
                @(Get-Content -LiteralPath $bed.SERVER_1_SSHD_LOG | Select-Object -Skip $between) -match 'server_request_direct_tcpip' |
                    Should -Not -BeNullOrEmpty -Because 'the forwarded connection opened a direct-tcpip channel on the same connection'
            }
            finally {
                [Environment]::SetEnvironmentVariable('SSHKA_SENT', $saved)
                Restore-SshTestbedSshdConfig -Testbed $bed -Text $original
            }
        }

        It 'with keepalives off, finds a connection the firewall forgot, reconnects, and runs the command once' {
            Invoke-SshTestbed -ArgumentList @('idle-timeout', $bed.RUN_ID, 3) | Out-Null
            try {
                $session = New-PersistentSshSession @connection -Name bare -KeepAliveInterval 0 -ConnectTimeout 3 -ReconnectDelay 0.2 -ErrorAction Stop
                (Invoke-PersistentSshCommand -Session $session -Command 'echo a').Output | Should -Be "a`n"
                Start-Sleep -Seconds 6

                $timer = [Diagnostics.Stopwatch]::StartNew()
                (Invoke-PersistentSshCommand -Session $session -Command 'echo b' -ErrorAction Stop).Output | Should -Be "b`n"
                $timer.Elapsed.TotalSeconds | Should -BeLessThan 15
                $session.ReconnectCount | Should -Be 1
                ($session.History | Where-Object Kind -eq Disconnected).Message | Should -BeLike '*keepalive sent before a command*'
            }
            finally { Invoke-SshTestbed -ArgumentList @('idle-timeout', $bed.RUN_ID, 300) | Out-Null }
        }

        It 'runs the RemoteCommand of ssh_config when given no -Command' {
            $config = New-SshTestbedConfig -Testbed $bed -Path (Join-Path $TestDrive 'remote_command') -PerHost @{ bed1 = 'RemoteCommand echo from %r' }
            $session = New-PersistentSshSession -HostName bed1 -ConfigPath $config -ErrorAction Stop
            (Invoke-PersistentSshCommand -Session $session).Output | Should -Be "from $($bed.USER)`n"
        }

        It 'writes CommandMissing without -Command for a session whose ssh_config has no RemoteCommand' {
            $session = New-PersistentSshSession @connection -ErrorAction Stop
            Invoke-PersistentSshCommand -Session $session -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $failures[0].FullyQualifiedErrorId | Should -Be 'CommandMissing,SshKeepAlive.Commands.InvokePersistentSshCommandCommand'
            $failures[0].ErrorDetails.RecommendedAction | Should -BeLike '*RemoteCommand*'
        }

        It 'writes SessionUnavailable for a closed session' {
            $session = New-PersistentSshSession @connection -Name closed -ErrorAction Stop
            Remove-PersistentSshSession -Session $session -Confirm:$false
            Invoke-PersistentSshCommand -Session $session -Command true -ErrorVariable failures -ErrorAction SilentlyContinue |
                Should -BeNullOrEmpty
            $failures[0].FullyQualifiedErrorId | Should -Be 'SessionUnavailable,SshKeepAlive.Commands.InvokePersistentSshCommandCommand'
            "$($failures[0].CategoryInfo.Category)" | Should -Be 'ConnectionError'
        }
    }
}
