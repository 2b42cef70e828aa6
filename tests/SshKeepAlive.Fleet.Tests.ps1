#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.1.0' }
# -ComputerName across the cmdlets: Get-SshTimeoutConfig, Set-SshKeepAlive, Set-SshTimeoutConfig and Reset-SshKeepAlive on
# many servers over SSH, in parallel, nothing installed on them. One testbed run of three sshd containers, one per OpenSSH
# release of the matrix (bookworm 9.2p1, trixie 10.0p2, bullseye 8.4p1), serves every test; each test leaves the servers
# as it found them. The servers' own sshd -T, a real login and the config bytes are the judges.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Testbed.ps1')
    $script:SkipReason = Get-SshTestbedSkipReason
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'Testbed.ps1')

    # sshd -T inside server $Server's container, for the connection the test account makes: keyword => value.
    function Get-ServerSshdT($Bed, [int] $Server) {
        $config = $Bed."SERVER_$($Server)_SSHD_CONFIG"
        $connection = "user=$($Bed.USER),host=$($Bed.CLIENT_ADDRESS),addr=$($Bed.CLIENT_ADDRESS),laddr=$($Bed."SERVER_$($Server)_ADDRESS"),lport=22"
        $values = @{}
        foreach ($line in Invoke-SshTestbedServerCommand -Testbed $Bed -Server $Server -Command @('/usr/sbin/sshd', '-T', '-f', $config, '-C', $connection)) {
            $name, $value = "$line" -split ' ', 2
            if (-not $values.ContainsKey($name)) { $values[$name] = $value }
        }
        $values
    }

    # Whether the test account can log in to server $Server now (a brand-new ssh connection).
    function Test-ServerLogin($Bed, [int] $Server) {
        $arguments = @('-F', '/dev/null', '-i', $Bed.PRIVATE_KEY, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes',
            '-o', "UserKnownHostsFile=$($Bed.KNOWN_HOSTS)", '-o', 'ConnectTimeout=10', "$($Bed.USER)@$($Bed."SERVER_$($Server)_ADDRESS")", 'true')
        & ssh @arguments 2>$null
        $LASTEXITCODE -eq 0
    }

    function Read-ServerConfig($Bed, [int] $Server) { Read-ConfigText $Bed."SERVER_$($Server)_SSHD_CONFIG" }
}

Describe 'Fleet: -ComputerName' {
    Context 'without a server' {
        It 'refuses connection parameters without -ComputerName with ComputerNameMissing, changing nothing' {
            $config = Join-Path $TestDrive 'config'
            Write-ConfigText $config "Host *`n"
            { Set-SshKeepAlive -Path $config -Interval 60 -KeyFile (Join-Path $TestDrive 'id') -ErrorAction Stop } |
                Should -Throw -ErrorId 'ComputerNameMissing,SshKeepAlive.Commands.SetSshKeepAliveCommand'
            { Get-SshTimeoutConfig -Scope Client -ThrottleLimit 4 -ErrorAction Stop } |
                Should -Throw -ErrorId 'ComputerNameMissing,SshKeepAlive.Commands.GetSshTimeoutConfigCommand'
            Read-ConfigText $config | Should -BeExactly "Host *`n"
        }

        It 'takes no host name from other objects in the pipeline: Get-SshTimeoutConfig''s rows edit this machine''s file' {
            $config = Join-Path $TestDrive 'piped'
            Write-ConfigText $config "Host web01`n    ServerAliveInterval 10`n"
            Get-SshTimeoutConfig -Path $config -HostName web01 | Where-Object Name -EQ ServerAliveInterval |
                Set-SshKeepAlive -Path $config -Interval 30 -NoBackup
            Read-ConfigText $config | Should -BeExactly "Host web01`n    ServerAliveInterval 30`n"
        }
    }

    Context 'on three sshd containers of three OpenSSH releases' -Skip:($null -ne $SkipReason) {
        BeforeAll {
            $Bed = Start-SshTestbed -Suite bookworm
            $Bed = Add-SshTestbedServer -Testbed $Bed -Suite trixie
            $Bed = Add-SshTestbedServer -Testbed $Bed -Suite bullseye
            foreach ($k in 1..3) { Set-SshTestbedSudo -Testbed $Bed -Server $k -Mode NoPassword }
            $Hosts = @(Get-SshTestbedComputerName -Testbed $Bed)
            $Connect = Get-SshTestbedFleetParameter -Testbed $Bed
            # A comment and an indented Match block the edits must keep byte for byte.
            foreach ($k in 1..3) {
                $path = $Bed."SERVER_$($k)_SSHD_CONFIG"
                Write-ConfigText $path ((Read-ConfigText $path) + "`n# keep: the fleet tests' own block`nMatch User nobody`n`tClientAliveCountMax 7`n")
            }
            $Original = @{}
            foreach ($k in 1..3) { $Original[$k] = Read-ServerConfig $Bed $k }
        }
        AfterAll { if ($Bed) { Stop-SshTestbed -Testbed $Bed } }

        AfterEach {
            # Each test leaves every server as it found it: its config, its sshd, its sudo and its path.
            Invoke-SshTestbed -ArgumentList @('restore', $Bed.RUN_ID) | Out-Null
            foreach ($k in 1..3) {
                Set-SshTestbedSshdFault -Testbed $Bed -Server $k -Remove
                Set-SshTestbedSudo -Testbed $Bed -Server $k -Mode NoPassword
                if ((Read-ServerConfig $Bed $k) -cne $Original[$k]) {
                    Write-ConfigText $Bed."SERVER_$($k)_SSHD_CONFIG" $Original[$k]
                    Invoke-SshTestbed -ArgumentList @('reload', $Bed.RUN_ID, $k) | Out-Null
                }
            }
        }

        It 'sets ClientAliveInterval on all three in one call: each Changed and Verified, its own sshd -T shows it, every other byte kept' {
            $results = Set-SshKeepAlive -Scope Server -Interval 211 -ComputerName $Hosts @Connect

            $results | Should -HaveCount 3
            foreach ($k in 1..3) {
                $result = $results | Where-Object ComputerName -EQ $Hosts[$k - 1]
                $result.Changed | Should -BeTrue
                $result.Verified | Should -BeTrue -Because $result.Error
                $result.RolledBack | Should -BeFalse
                $result.Before.ClientAliveInterval | Should -Be '0'
                $result.After.ClientAliveInterval | Should -Be '211'
                $result.OpenSshVersion | Should -Be $Bed."SERVER_$($k)_OPENSSH_VERSION"
                $result.BackupPath | Should -Not -BeNullOrEmpty
                (Get-ServerSshdT $Bed $k).clientaliveinterval | Should -Be '211'
                # One line more, before the Match block; without it, the file's every byte as it was.
                $now = Read-ServerConfig $Bed $k
                $now.IndexOf("ClientAliveInterval 211`n") | Should -BeLessThan $now.IndexOf('Match User nobody')
                $now.Replace("ClientAliveInterval 211`n", '') | Should -BeExactly $Original[$k]
            }
        }

        It 'a second call reports each host unchanged and confirmed, and writes nothing' {
            Set-SshKeepAlive -Scope Server -Interval 212 -ComputerName $Hosts @Connect | Out-Null
            $written = foreach ($k in 1..3) { (Get-Item -LiteralPath $Bed."SERVER_$($k)_SSHD_CONFIG").LastWriteTimeUtc }

            $again = Set-SshKeepAlive -Scope Server -Interval 212 -ComputerName $Hosts @Connect

            $again | Should -HaveCount 3
            $again | ForEach-Object { $_.Changed | Should -BeFalse; $_.Verified | Should -BeTrue; $_.BackupPath | Should -BeNullOrEmpty }
            foreach ($k in 1..3) { (Get-Item -LiteralPath $Bed."SERVER_$($k)_SSHD_CONFIG").LastWriteTimeUtc | Should -Be $written[$k - 1] }
        }

        It 'checks each host against its own release: UnusedConnectionTimeout (OpenSSH 9.2 on) is set on 9.2p1 and 10.0p2, refused on 8.4p1' {
            # Set-SshTimeoutConfig's own -ConnectTimeout is the ssh_config setting it writes: the hosts are waited for as ssh_config says.
            $reach = $Connect.Clone()
            $reach.Remove('ConnectTimeout')
            $results = Set-SshTimeoutConfig -Scope Server -UnusedConnectionTimeout 5m -ComputerName $Hosts @reach -ErrorVariable failures -ErrorAction SilentlyContinue

            foreach ($k in 1, 2) {
                $result = $results | Where-Object ComputerName -EQ $Hosts[$k - 1]
                $result.Verified | Should -BeTrue -Because $result.Error
                (Get-ServerSshdT $Bed $k).unusedconnectiontimeout | Should -Be '300'
            }
            $old = $results | Where-Object ComputerName -EQ $Hosts[2]
            $old.Changed | Should -BeFalse
            $old.Error | Should -Match '8\.4'
            $failures | Should -HaveCount 1
            $failures[0].TargetObject | Should -Be $Hosts[2]
            Read-ServerConfig $Bed 3 | Should -BeExactly $Original[3]
        }

        It 'Get-SshTimeoutConfig -Scope Server, Shell, Kernel reads each host: its file:line, TMOUT from its profile, its logind, its release' {
            Set-SshKeepAlive -Scope Server -Interval 213 -ComputerName $Hosts[0] @Connect | Out-Null
            Invoke-SshTestbedServerCommand -Testbed $Bed -Server 1 -Command @('sh', '-c', 'printf "# idle shells\nTMOUT=900\n" > /etc/profile.d/zz-tmout.sh; mkdir -p /etc/systemd/logind.conf.d; printf "[Login]\nStopIdleSessionSec=20min\n" > /etc/systemd/logind.conf.d/50-idle.conf') | Out-Null
            try {
                $rows = Get-SshTimeoutConfig -ComputerName $Hosts[0], $Hosts[1] -Scope Server, Shell, Kernel @Connect
            }
            finally {
                Invoke-SshTestbedServerCommand -Testbed $Bed -Server 1 -Command @('rm', '-rf', '/etc/profile.d/zz-tmout.sh', '/etc/systemd/logind.conf.d') | Out-Null
            }

            $interval = $rows | Where-Object { $_.ComputerName -eq $Hosts[0] -and $_.Name -eq 'ClientAliveInterval' }
            $interval.Value | Should -Be 213
            $interval.Location | Should -Be "$($Bed.SERVER_1_SSHD_CONFIG):$(((Read-ServerConfig $Bed 1) -split "`n").IndexOf('ClientAliveInterval 213') + 1)"
            $interval.OpenSshVersion | Should -Be $Bed.SERVER_1_OPENSSH_VERSION
            $tmout = $rows | Where-Object { $_.ComputerName -eq $Hosts[0] -and $_.Name -eq 'TMOUT' -and $_.Target -eq 'login shell' }
            $tmout.Value | Should -Be 900
            $tmout.Location | Should -Be '/etc/profile.d/zz-tmout.sh:2'
            $logind = $rows | Where-Object { $_.ComputerName -eq $Hosts[0] -and $_.Name -eq 'StopIdleSessionSec' }
            $logind.Value | Should -Be 1200
            $logind.Location | Should -Be '/etc/systemd/logind.conf.d/50-idle.conf:2'
            ($rows | Where-Object { $_.ComputerName -eq $Hosts[1] -and $_.Name -eq 'ClientAliveInterval' }).OpenSshVersion | Should -Be $Bed.SERVER_2_OPENSSH_VERSION
            ($rows | Where-Object { $_.ComputerName -eq $Hosts[0] -and $_.Scope -eq 'Kernel' }) | Should -Not -BeNullOrEmpty
        }

        It 'never installs a candidate sshd -t rejects: SshdConfigRejected names the host and the line, the file stays as it was' {
            $path = $Bed.SERVER_2_SSHD_CONFIG
            # sshd refuses this pair (no user to run the command as) only when it checks the whole config, as sshd -t does.
            $broken = "AuthorizedKeysCommand /bin/true`n" + $Original[2]
            Write-ConfigText $path $broken

            $result = Set-SshKeepAlive -Scope Server -Interval 214 -ComputerName $Hosts[1] @Connect -ErrorVariable failures -ErrorAction SilentlyContinue

            $result.Changed | Should -BeFalse
            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -Be 'SshdConfigRejected,SshKeepAlive.Commands.SetSshKeepAliveCommand'
            $failures[0].TargetObject | Should -Be $Hosts[1]
            "$failures" | Should -Match 'AuthorizedKeysCommand set without AuthorizedKeysCommandUser'
            Read-ServerConfig $Bed 2 | Should -BeExactly $broken
            Write-ConfigText $path $Original[2]
        }

        It 'rolls back a config that passes sshd -t but denies the test account''s new logins, and logins work again' {
            Set-SshTestbedSshdFault -Testbed $Bed -Server 1 -Marker 'ClientAliveInterval 4242' -Action deny

            $result = Set-SshKeepAlive -Scope Server -Interval 4242 -ComputerName $Hosts[0] @Connect -ErrorVariable failures -ErrorAction SilentlyContinue

            $result.RolledBack | Should -BeTrue
            $result.Verified | Should -BeFalse
            $result.Changed | Should -BeFalse
            $failures[0].FullyQualifiedErrorId | Should -Be 'EditVerificationFailed,SshKeepAlive.Commands.SetSshKeepAliveCommand'
            $failures[0].TargetObject | Should -Be $Hosts[0]
            "$failures" | Should -Match 'confirms it'
            Read-ServerConfig $Bed 1 | Should -BeExactly $Original[1]
            Test-ServerLogin $Bed 1 | Should -BeTrue
            (Get-ServerSshdT $Bed 1).clientaliveinterval | Should -Be '0'
        }

        It 'restores the config of a daemon that dies on reload and starts it again' {
            Set-SshTestbedSshdFault -Testbed $Bed -Server 2 -Marker 'ClientAliveInterval 4343' -Action die

            $result = Set-SshKeepAlive -Scope Server -Interval 4343 -ComputerName $Hosts[1] @Connect -ErrorVariable failures -ErrorAction SilentlyContinue

            $result.RolledBack | Should -BeTrue
            $failures[0].FullyQualifiedErrorId | Should -Be 'SshdReloadFailed,SshKeepAlive.Commands.SetSshKeepAliveCommand'
            "$failures" | Should -Match 'started again'
            Read-ServerConfig $Bed 2 | Should -BeExactly $Original[2]
            Test-ServerLogin $Bed 2 | Should -BeTrue
        }

        It 'with one host unreachable (path cut), edits the other two and names the third, within its connect timeout' {
            Invoke-SshTestbed -ArgumentList @('cut', $Bed.RUN_ID, 3) | Out-Null
            $quick = Get-SshTestbedFleetParameter -Testbed $Bed -ConnectTimeout 3

            $results = Set-SshKeepAlive -Scope Server -Interval 215 -ComputerName $Hosts @quick -ErrorVariable failures -ErrorAction SilentlyContinue

            ($results | Where-Object Verified).ComputerName | Sort-Object | Should -Be ($Hosts[0..1] | Sort-Object)
            $lost = $results | Where-Object ComputerName -EQ $Hosts[2]
            $lost.Changed | Should -BeFalse
            "$($lost.ErrorId)" | Should -Be 'ConnectionFailed'
            # The connect timeout (3 s) bounds it, not TCP's own minutes.
            $lost.Duration.TotalSeconds | Should -BeLessThan 20
            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -Be 'ConnectionFailed,SshKeepAlive.Commands.SetSshKeepAliveCommand'
            $failures[0].TargetObject | Should -Be $Hosts[2]
            "$failures" | Should -Match ([regex]::Escape($Hosts[2]))
        }

        It 'says SudoPasswordMissing for a host whose sudo wants a password, and edits it with -SudoCredential' {
            Set-SshTestbedSudo -Testbed $Bed -Server 1 -Mode Password

            $refused = Set-SshKeepAlive -Scope Server -Interval 216 -ComputerName $Hosts[0] @Connect -ErrorVariable failures -ErrorAction SilentlyContinue
            $failures[0].FullyQualifiedErrorId | Should -Be 'SudoPasswordMissing,SshKeepAlive.Commands.SetSshKeepAliveCommand'
            "$($failures[0].CategoryInfo.Category)" | Should -Be 'PermissionDenied'
            $refused.Changed | Should -BeFalse
            Read-ServerConfig $Bed 1 | Should -BeExactly $Original[1]

            $password = ConvertTo-SecureString $Bed.PASSWORD -AsPlainText -Force
            $done = Set-SshKeepAlive -Scope Server -Interval 216 -ComputerName $Hosts[0] @Connect -SudoCredential ([pscredential]::new('ignored', $password))
            $done.Verified | Should -BeTrue -Because $done.Error
        }

        It 'edits another user''s ~/.ssh/config on the host with -Scope Client -User: created 0600, theirs, and ssh -G as them agrees' {
            Invoke-SshTestbedServerCommand -Testbed $Bed -Server 2 -Command @('sh', '-c', 'id alice >/dev/null 2>&1 || useradd --create-home alice') | Out-Null

            $result = Set-SshKeepAlive -Scope Client -HostName db01 -Interval 45 -User alice -ComputerName $Hosts[1] @Connect

            $result.Changed | Should -BeTrue
            $result.Verified | Should -BeTrue -Because $result.Error
            $result.After.ServerAliveInterval | Should -Be '45'
            Invoke-SshTestbedServerCommand -Testbed $Bed -Server 2 -Command @('stat', '-c', '%U %a', '/home/alice/.ssh/config') | Should -Be 'alice 600'
            Invoke-SshTestbedServerCommand -Testbed $Bed -Server 2 -Command @('su', '-s', '/bin/sh', '-c', 'ssh -G db01 2>/dev/null | grep "^serveraliveinterval "', 'alice') |
                Should -Be 'serveraliveinterval 45'
        }

        It 'takes hosts from Import-Csv rows by property name, and with -WhatIf shows each host''s diff and changes nothing' {
            $csv = Join-Path $TestDrive 'inventory.csv'
            $Hosts | ForEach-Object { [pscustomobject]@{ ComputerName = $_; Role = 'web' } } | Export-Csv -LiteralPath $csv

            $shown = Invoke-InNewPwsh -ArgumentList $csv, $Connect -ScriptBlock {
                param($Csv, $Connect)
                Import-Csv -LiteralPath $Csv | Set-SshKeepAlive -Scope Server -Interval 217 @Connect -WhatIf
            }

            foreach ($k in 1..3) {
                $shown -match "What if: .*$([regex]::Escape($Hosts[$k - 1]))" | Should -Not -BeNullOrEmpty
                Read-ServerConfig $Bed $k | Should -BeExactly $Original[$k]
            }
            ($shown -match '^\+ClientAliveInterval 217$') | Should -HaveCount 3
        }

        It 'stopped with Ctrl-C, leaves each host untouched or edited and confirmed' {
            $stopped = Measure-PipelineStop -Script {
                param($Hosts, $Connect)
                Set-SshKeepAlive -Scope Server -Interval 218 -ComputerName $Hosts @Connect -ThrottleLimit 1
            } -Parameters @{ Hosts = $Hosts; Connect = $Connect } -Until { (Read-ServerConfig $Bed 1) -cne $Original[1] }

            $stopped.TotalSeconds | Should -BeLessThan 30
            foreach ($k in 1..3) {
                $now = Read-ServerConfig $Bed $k
                if ($now -cne $Original[$k]) {
                    $now.Replace("ClientAliveInterval 218`n", '') | Should -BeExactly $Original[$k]
                    (Get-ServerSshdT $Bed $k).clientaliveinterval | Should -Be '218'
                    Test-ServerLogin $Bed $k | Should -BeTrue
                }
            }
            Read-ServerConfig $Bed 3 | Should -BeExactly $Original[3] -Because 'with one host at a time, the third had not started'
        }

        It 'writes progress from the pipeline thread: done of total, the hosts running, failures so far' {
            $shell = [powershell]::Create()
            try {
                $null = $shell.AddCommand('Import-Module').AddParameter('Name', $ModuleManifest).AddStatement()
                $null = $shell.AddCommand('Set-SshKeepAlive').AddParameters(@{ Scope = 'Server'; Interval = 219; ComputerName = $Hosts; ThrottleLimit = 2 } + $Connect)
                $results = $shell.Invoke()
                $progress = @($shell.Streams.Progress | Where-Object ActivityId -EQ 14)
            }
            finally { $shell.Dispose() }

            $results | Should -HaveCount 3
            $progress.StatusDescription | Should -Contain '3 of 3 hosts done, 0 failed'
            ($progress.CurrentOperation -match ([regex]::Escape($Hosts[0]))) | Should -Not -BeNullOrEmpty
            $progress[-1].RecordType | Should -Be 'Completed'
        }
    }
}
