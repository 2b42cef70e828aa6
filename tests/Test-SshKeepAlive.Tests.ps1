#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.1.0' }
# Test-SshKeepAlive on real files: each check from a file that triggers it, none from a clean file, and the finding's
# own Fix (run as written, or the manual step it names) makes it disappear on the next run; ssh -G and sshd -t as the
# oracles; in the sshd testbed, a daemon that has not loaded its file until it is reloaded. The shell, logind, kernel,
# macOS and Windows checks read the machine itself and are covered with fixtures by Core's DiagnosisTests.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Testbed.ps1')
    $script:TestbedSkipReason = Get-SshTestbedSkipReason
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'Testbed.ps1')

    # A fresh folder per test: config files, and the PidFile that no daemon writes.
    function New-Fixture {
        $folder = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $folder | Out-Null
        $folder
    }

    function Get-ClientFinding([string] $Path, [string] $HostName = 'web01', [int] $PathIdleTimeout) {
        $extra = if ($PathIdleTimeout) { @{ PathIdleTimeout = $PathIdleTimeout } } else { @{} }
        @(Test-SshKeepAlive -Scope Client -Path $Path -HostName $HostName @extra)
    }

    function Get-ServerFinding([string] $Path) { @(Test-SshKeepAlive -Scope Server -Path $Path) }

    # A server config that names its own PidFile, so no running daemon is taken for its reader.
    function New-ServerConfig([string] $Folder, [string] $Text) {
        $path = Join-Path $Folder 'sshd_config'
        Write-ConfigText $path ("PidFile $Folder/sshd.pid`n" + $Text)
        $path
    }

    function Invoke-Fix($Finding) {
        $Finding.FixKind | Should -Be 'Command'
        Invoke-Expression ($Finding.Fix + ' -NoBackup') | Out-Null
    }

    function Get-SshG([string] $Path, [string] $HostName, [string] $Keyword) {
        $line = & ssh -G -F $Path $HostName 2>$null | Where-Object { $_ -like "$($Keyword.ToLowerInvariant()) *" }
        $line.Substring($Keyword.Length + 1)
    }

    & install -d -m 0755 /run/sshd 2>$null
}

Describe 'Test-SshKeepAlive on client configs' {
    BeforeEach { $script:Folder = New-Fixture; $script:Config = Join-Path $Folder 'config' }

    It 'finds nothing in a clean config and says $true with -Quiet' {
        Write-ConfigText $Config "Host *`n    ServerAliveInterval 60`n"

        Get-ClientFinding $Config | Should -BeNullOrEmpty
        Test-SshKeepAlive -Scope Client -Path $Config -HostName web01 -Quiet | Should -BeTrue
    }

    It 'finds <Id> and its Fix, run as written, makes it disappear' -ForEach @(
        @{ Id = 'KeepAliveMissing'; Text = "Host *`n    ServerAliveInterval 0`n    TCPKeepAlive no`n"; Interval = '120' }
        @{ Id = 'DeadPeerUndetected'; Text = "Host *`n    ServerAliveInterval 0`n    TCPKeepAlive no`n"; Interval = '120' }
        @{ Id = 'KeepAliveTooSlow'; Text = "Host *`n    ServerAliveInterval 600`n"; Interval = '120' }
        @{ Id = 'SettingShadowed'; Text = "Host *`n    ServerAliveInterval 30`nHost web01`n    ServerAliveInterval 90`n"; Interval = '90' }
    ) {
        Write-ConfigText $Config $Text
        $finding = @(Get-ClientFinding $Config | Where-Object Id -EQ $Id)
        $finding.Count | Should -Be 1
        Test-SshKeepAlive -Scope Client -Path $Config -HostName web01 -Quiet | Should -BeFalse

        Invoke-Fix $finding[0]

        Get-ClientFinding $Config | Where-Object Id -EQ $Id | Should -BeNullOrEmpty
        Get-SshG $Config web01 ServerAliveInterval | Should -Be $Interval
    }

    It 'takes a known path limit: a keepalive slower than it is an Error, fixed with half the limit' {
        Write-ConfigText $Config "Host *`n    ServerAliveInterval 60`n"

        $finding = Get-ClientFinding $Config -PathIdleTimeout 50 | Where-Object Id -EQ 'KeepAliveTooSlow'
        $finding.Severity | Should -Be 'Error'
        $finding.IdleSeconds | Should -Be 50
        $finding.Fix | Should -Match '-Interval 25$'
        Invoke-Fix $finding

        Get-ClientFinding $Config -PathIdleTimeout 50 | Should -BeNullOrEmpty
    }

    It 'binds HostName and PathIdleTimeout from the pipeline by property name' {
        Write-ConfigText $Config "Host *`n    ServerAliveInterval 60`n"

        $findings = [pscustomobject]@{ HostName = 'web01'; PathIdleTimeout = 50 }, [pscustomobject]@{ HostName = 'db01'; PathIdleTimeout = 600 } |
            Test-SshKeepAlive -Scope Client -Path $Config

        @($findings.Target) | Should -Be @('web01')
    }

    It 'names a Host line of negations only, and rewriting it as its Fix says makes it apply' {
        Write-ConfigText $Config "Host !bastion`n    ServerAliveInterval 30`nHost *`n    ServerAliveInterval 60`n"
        $finding = Get-ClientFinding $Config | Where-Object Id -EQ 'SettingShadowed'
        $finding.Fix | Should -BeLike "Write line 1 of $Config as 'Host * !bastion'*"

        Write-ConfigText $Config "Host * !bastion`n    ServerAliveInterval 30`nHost *`n    ServerAliveInterval 60`n"

        Get-ClientFinding $Config | Should -BeNullOrEmpty
        Get-SshG $Config web01 ServerAliveInterval | Should -Be '30'
    }

    It 'quotes ssh''s own words for a byte-order mark, and the sed of its Fix removes it' {
        [System.IO.File]::WriteAllBytes($Config, [byte[]](0xEF, 0xBB, 0xBF) + [System.Text.Encoding]::ASCII.GetBytes("Host *`n    ServerAliveInterval 60`n"))
        $finding = Get-ClientFinding $Config | Where-Object Id -EQ 'ClientConfigInvalid'
        $finding.Message | Should -BeLike "*${Config}: line 1: Bad configuration option: \357\273\277host"
        $finding.Fix | Should -BeLike 'Save * as UTF-8 without a byte-order mark, e.g. run: sed *'

        & /bin/sh -c ($finding.Fix -replace '^.*e\.g\. run: ', '')

        & ssh -G -F $Config web01 2>&1 | Out-Null
        $LASTEXITCODE | Should -Be 0
        Get-ClientFinding $Config | Should -BeNullOrEmpty
    }

    It 'quotes ssh for an unknown keyword; removing the named line clears it' {
        Write-ConfigText $Config "Host *`n    ServerAliveInterval 60`n    ServerAliveIntervall 30`n"
        $finding = Get-ClientFinding $Config | Where-Object Id -EQ 'ClientConfigInvalid'
        $finding.Message | Should -BeLike "*${Config}: line 3: Bad configuration option: serveraliveintervall"
        $finding.Fix | Should -BeLike "Remove or correct line 3 of $Config*IgnoreUnknown*"

        Write-ConfigText $Config "Host *`n    ServerAliveInterval 60`n"

        Get-ClientFinding $Config | Should -BeNullOrEmpty
    }

    It 'finds an included file ssh refuses for its mode, and the chmod of its Fix clears it' -Skip:$IsWindows {
        $included = Join-Path $Folder 'inc.conf'
        Write-ConfigText $included "Host web01`n    ServerAliveInterval 30`n"
        Write-ConfigText $Config "Include $included`nHost *`n    ServerAliveInterval 60`n"
        chmod 666 $included
        $finding = Get-ClientFinding $Config | Where-Object Id -EQ 'ClientConfigInsecure'
        $finding.Message | Should -Be "ssh refuses to run: Bad owner or permissions on $included"
        (& ssh -G -F $Config web01 2>&1 | Out-String) | Should -Match ([regex]::Escape("Bad owner or permissions on $included"))

        & /bin/sh -c ($finding.Fix -replace '^Run: ', '')

        Get-ClientFinding $Config | Should -BeNullOrEmpty
        Get-SshG $Config web01 ServerAliveInterval | Should -Be '30'
    }
}

Describe 'Test-SshKeepAlive on server configs' {
    BeforeEach { $script:Folder = New-Fixture }

    It 'finds nothing in a clean config' {
        $config = New-ServerConfig $Folder "ClientAliveInterval 60`n"

        Get-ServerFinding $config | Should -BeNullOrEmpty
    }

    It 'finds <Id> and its Fix, run as written, makes it disappear (sshd -T agrees: <Keyword> <After>)' -ForEach @(
        @{ Id = 'SessionChannelTimeout'; Text = "ClientAliveInterval 60`nChannelTimeout session:*=10m`n"; Keyword = 'channeltimeout'; After = 'session:*=0' }
        @{ Id = 'UnusedConnectionTimeout'; Text = "ClientAliveInterval 60`nUnusedConnectionTimeout 5m`n"; Keyword = 'unusedconnectiontimeout'; After = 'none' }
        @{ Id = 'ClientAliveCountMaxZero'; Text = "ClientAliveInterval 60`nClientAliveCountMax 0`n"; Keyword = 'clientalivecountmax'; After = '3' }
        @{ Id = 'LoginGraceTimeZero'; Text = "ClientAliveInterval 60`nLoginGraceTime 0`n"; Keyword = 'logingracetime'; After = '120' }
        @{ Id = 'DeadPeerUndetected'; Text = "TCPKeepAlive no`n"; Keyword = 'clientaliveinterval'; After = '120' }
    ) {
        $config = New-ServerConfig $Folder $Text
        $finding = @(Get-ServerFinding $config | Where-Object Id -EQ $Id)
        $finding.Count | Should -Be 1

        Invoke-Fix $finding[0]

        Get-ServerFinding $config | Where-Object Id -EQ $Id | Should -BeNullOrEmpty
        (& /usr/sbin/sshd -T -f $config | Where-Object { $_ -like "$Keyword *" }) | Should -Be "$Keyword $After"
    }

    It 'does not report ChannelTimeout session=, which sshd never applies to a shell' {
        $config = New-ServerConfig $Folder "ClientAliveInterval 60`nChannelTimeout session=10m`n"

        Get-ServerFinding $config | Should -BeNullOrEmpty
    }

    It 'quotes sshd -t for a config it rejects; removing the named line clears it' {
        $config = New-ServerConfig $Folder "ClientAliveInterval 60`nClientAliveIntervall 5`n"
        $said = (& /usr/sbin/sshd -t -f $config 2>&1 | Select-Object -First 1).ToString().Trim()

        $finding = Get-ServerFinding $config | Where-Object Id -EQ 'SshdConfigInvalid'
        $finding.Message | Should -BeLike "*$said"
        $finding.Fix | Should -BeLike "*sshd -t -f $config"

        Write-ConfigText $config (Read-ConfigText $config).Replace("ClientAliveIntervall 5`n", '')
        Get-ServerFinding $config | Should -BeNullOrEmpty
    }

    It 'names both lines of a setting written twice; keeping one clears it' {
        $config = New-ServerConfig $Folder "ClientAliveInterval 0`nClientAliveInterval 60`n"
        $finding = Get-ServerFinding $config | Where-Object Id -EQ 'SettingShadowed'
        $finding.Message | Should -BeLike "*${config}:3*${config}:2*"

        Write-ConfigText $config (Read-ConfigText $config).Replace("ClientAliveInterval 0`n", '')

        Get-ServerFinding $config | Should -BeNullOrEmpty
    }

    It 'names a line at the left margin after an indented Match block; moving it above clears it' {
        $config = New-ServerConfig $Folder "ClientAliveInterval 60`nMatch User backup`n    X11Forwarding no`nClientAliveCountMax 5`n"
        $finding = Get-ServerFinding $config | Where-Object Id -EQ 'SettingShadowed'
        $finding.Fix | Should -BeLike "Move line 5 of $config above line 3*"

        $config = New-ServerConfig $Folder "ClientAliveInterval 60`nClientAliveCountMax 5`nMatch User backup`n    X11Forwarding no`n"

        Get-ServerFinding $config | Should -BeNullOrEmpty
        (& /usr/sbin/sshd -T -f $config | Where-Object { $_ -like 'clientalivecountmax *' }) | Should -Be 'clientalivecountmax 5'
    }

    It 'puts what Get-SshTimeoutConfig -Summary says ends an idle session first on top' -ForEach @(
        @{ Text = "ClientAliveInterval 60`nChannelTimeout session:*=10m`nLoginGraceTime 0`n" }
        @{ Text = "ClientAliveInterval 60`nChannelTimeout global=5m session:shell=1h`nClientAliveCountMax 0`n" }
    ) {
        $config = New-ServerConfig $Folder $Text

        $summary = Get-SshTimeoutConfig -Scope Server -Path $config -Summary
        $top = @(Test-SshKeepAlive -Scope Server -Path $config)[0]

        $top.IdleSeconds | Should -Be $summary.IdleTimeoutSeconds
        $top.Evidence | Should -BeLike "*$($summary.IdleTimeoutSource -replace '^ChannelTimeout \((.*)\)$', '$1')*"
    }

    It 'agrees with Get-SshTimeoutConfig -Summary on this machine, for every scope' {
        $summary = Get-SshTimeoutConfig -HostName web01 -Summary
        $findings = @(Test-SshKeepAlive -HostName web01)

        if ($null -ne $summary.IdleTimeoutSeconds) {
            $findings[0].IdleSeconds | Should -Be $summary.IdleTimeoutSeconds
        }
        else {
            $findings | Where-Object { $null -ne $_.IdleSeconds -and $_.Severity -ne 'Info' } | Should -BeNullOrEmpty
        }
    }
}

Describe 'Test-SshKeepAlive views and errors' {
    It 'renders findings as a report grouped by target, with evidence and fix' {
        $folder = New-Fixture
        $config = Join-Path $folder 'config'
        Write-ConfigText $config "Host *`n    ServerAliveInterval 600`n"

        $text = Test-SshKeepAlive -Scope Client -Path $config -HostName web01 | Out-String -Width 300

        $text | Should -Match 'Target: web01'
        $text | Should -Match 'Warning\s+KeepAliveTooSlow'
        $text | Should -Match 'Evidence: soonest keepalive: every 600 s'
        $text | Should -Match "Fix:\s+Set-SshKeepAlive -HostName web01 -Path $([regex]::Escape($config)) -Interval 120"
    }

    It 'reports an invalid host as a non-terminating error, and -Quiet is then $false' {
        $folder = New-Fixture
        $config = Join-Path $folder 'config'
        Write-ConfigText $config "Host *`n    ServerAliveInterval 60`n"

        $quiet = Test-SshKeepAlive -Scope Client -Path $config -HostName 'two words' -Quiet -ErrorVariable hostErrors -ErrorAction SilentlyContinue

        $quiet | Should -BeFalse
        $hostErrors[0].FullyQualifiedErrorId | Should -Be 'HostNameInvalid,SshKeepAlive.Commands.TestSshKeepAliveCommand'
    }

    It 'throws ConfigFileNotFound for a missing -Path' {
        { Test-SshKeepAlive -Path (Join-Path $TestDrive 'nosuch') } | Should -Throw -ErrorId 'ConfigFileNotFound,SshKeepAlive.Commands.TestSshKeepAliveCommand'
    }
}

Describe 'Test-SshKeepAlive in the sshd testbed' -Skip:($null -ne $TestbedSkipReason) {
    BeforeAll { $script:Bed = Start-SshTestbed }
    AfterAll { if ($Bed) { Stop-SshTestbed -Testbed $Bed } }

    It 'reports a server whose sshd_config changed after it started as not loaded, and not after Set-SshKeepAlive -Scope Server -Reload' {
        $config = $Bed.SERVER_1_SSHD_CONFIG
        Get-ServerFinding $config | Where-Object Id -EQ 'SshdConfigNotLoaded' | Should -BeNullOrEmpty
        Start-Sleep -Milliseconds 1500
        Add-Content -LiteralPath $config -Value 'ClientAliveInterval 30'

        $finding = Get-ServerFinding $config | Where-Object Id -EQ 'SshdConfigNotLoaded'
        $finding.Severity | Should -Be 'Error'
        $finding.Message | Should -BeLike "*pid $(Get-Content -LiteralPath $Bed.SERVER_1_PID_FILE)*"
        $finding.Fix | Should -Be "Set-SshKeepAlive -Scope Server -Path $config -Reload"

        $result = Invoke-Expression ($finding.Fix + ' -PassThru')

        $result.Changed | Should -BeFalse
        $result.ReloadOutcome | Should -Match 'SIGHUP'
        Get-ServerFinding $config | Where-Object Id -EQ 'SshdConfigNotLoaded' | Should -BeNullOrEmpty
    }
}

Describe 'Test-SshKeepAlive -ComputerName on three sshd containers of three OpenSSH releases' -Skip:($null -ne $TestbedSkipReason) {
    BeforeAll {
        $script:Bed = Start-SshTestbed -Suite bookworm
        $script:Bed = Add-SshTestbedServer -Testbed $Bed -Suite trixie
        $script:Bed = Add-SshTestbedServer -Testbed $Bed -Suite bullseye
        foreach ($k in 1..3) { Set-SshTestbedSudo -Testbed $Bed -Server $k -Mode NoPassword }
        $script:Hosts = @(Get-SshTestbedComputerName -Testbed $Bed)
        $script:Connect = Get-SshTestbedFleetParameter -Testbed $Bed
        # How a Fix reaches the testbed (its key and known_hosts), as ssh_config would say it; Set-SshTimeoutConfig's own
        # -ConnectTimeout is the ssh_config setting it writes, so the hosts are waited for as ssh_config says.
        $script:Reach = $Connect.Clone()
        $Reach.Remove('ConnectTimeout')
        # Every server keeps its dead clients' sessions in check, so a finding below is the test's own.
        foreach ($k in 1..3) {
            $path = $Bed."SERVER_$($k)_SSHD_CONFIG"
            Write-ConfigText $path ((Read-ConfigText $path) + "ClientAliveInterval 60`n")
            Invoke-SshTestbed -ArgumentList @('reload', $Bed.RUN_ID, $k) | Out-Null
        }
        $script:Original = @{}
        foreach ($k in 1..3) { $Original[$k] = Read-ConfigText $Bed."SERVER_$($k)_SSHD_CONFIG" }

        function Get-RemoteFinding([int] $Server, [string] $Id) {
            @(Test-SshKeepAlive -ComputerName $Hosts[$Server - 1] -Scope Server, Shell @Connect | Where-Object Id -EQ $Id)
        }
    }
    AfterAll { if ($Bed) { Stop-SshTestbed -Testbed $Bed } }

    AfterEach {
        Invoke-SshTestbed -ArgumentList @('restore', $Bed.RUN_ID) | Out-Null
        foreach ($k in 1..3) {
            Invoke-SshTestbedServerCommand -Testbed $Bed -Server $k -Command @('rm', '-f', '/etc/profile.d/zz-idle.sh') | Out-Null
            if ((Read-ConfigText $Bed."SERVER_$($k)_SSHD_CONFIG") -cne $Original[$k]) {
                Write-ConfigText $Bed."SERVER_$($k)_SSHD_CONFIG" $Original[$k]
                Invoke-SshTestbed -ArgumentList @('reload', $Bed.RUN_ID, $k) | Out-Null
            }
        }
    }

    It 'finds nothing worth a warning on a clean server: -Quiet says $true for all three' {
        Test-SshKeepAlive -ComputerName $Hosts -Scope Server, Shell @Connect -Quiet | Should -BeTrue
    }

    It 'finds <Id> in the server''s config, names the host and its file:line, and the Fix run as given clears it (sshd -T there: <Keyword> <After>)' -ForEach @(
        @{ Id = 'ClientAliveCountMaxZero'; Line = 'ClientAliveCountMax 0'; Keyword = 'clientalivecountmax'; After = '3' }
        @{ Id = 'SessionChannelTimeout'; Line = 'ChannelTimeout session:*=10m'; Keyword = 'channeltimeout'; After = 'session:*=0' }
    ) {
        $config = $Bed.SERVER_1_SSHD_CONFIG
        Write-ConfigText $config ($Original[1] + "$Line`n")
        Invoke-SshTestbed -ArgumentList @('reload', $Bed.RUN_ID, 1) | Out-Null
        $line = @((Read-ConfigText $config) -split "`n").IndexOf($Line) + 1

        $finding = Get-RemoteFinding 1 $Id

        $finding | Should -HaveCount 1
        $finding[0].ComputerName | Should -Be $Hosts[0]
        $finding[0].Evidence | Should -BeLike "$($Hosts[0]): *$($config):$line*"
        $finding[0].FixKind | Should -Be 'Command'
        $finding[0].Fix | Should -BeLike "* -ComputerName $($Hosts[0]) *"

        # The Fix as given; only how to reach the testbed is added.
        Invoke-Expression ($finding[0].Fix + ' @Reach') | Out-Null

        Get-RemoteFinding 1 $Id | Should -BeNullOrEmpty
        $said = Invoke-SshTestbedServerCommand -Testbed $Bed -Server 1 -Command @('/usr/sbin/sshd', '-T', '-f', $config) | Where-Object { $_ -like "$Keyword *" }
        $said | Should -Be "$Keyword $After"
    }

    It 'finds TMOUT in /etc/profile.d there as ShellIdleLogout, names the host, and taking its manual step there clears it' {
        Invoke-SshTestbedServerCommand -Testbed $Bed -Server 2 -Command @('sh', '-c', 'printf "# idle shells\nTMOUT=600\n" > /etc/profile.d/zz-idle.sh') | Out-Null

        $finding = Get-RemoteFinding 2 'ShellIdleLogout'

        $finding | Should -HaveCount 1
        $finding[0].IdleSeconds | Should -Be 600
        $finding[0].Evidence | Should -BeLike "$($Hosts[1]): *TMOUT 600 (/etc/profile.d/zz-idle.sh:2)*"
        $finding[0].FixKind | Should -Be 'Manual'
        $finding[0].Fix | Should -BeLike "On $($Hosts[1]): Remove line 2 of /etc/profile.d/zz-idle.sh*"

        Invoke-SshTestbedServerCommand -Testbed $Bed -Server 2 -Command @('sed', '-i', '2d', '/etc/profile.d/zz-idle.sh') | Out-Null

        Get-RemoteFinding 2 'ShellIdleLogout' | Should -BeNullOrEmpty
    }

    It 'reports a server whose sshd_config changed after its last reload as not loaded, and not after its Fix reloads it there' {
        $config = $Bed.SERVER_3_SSHD_CONFIG
        Get-RemoteFinding 3 'SshdConfigNotLoaded' | Should -BeNullOrEmpty
        Start-Sleep -Milliseconds 1500
        Write-ConfigText $config ($Original[3] + "LoginGraceTime 90`n")

        $finding = Get-RemoteFinding 3 'SshdConfigNotLoaded'

        $finding | Should -HaveCount 1
        $finding[0].Severity | Should -Be 'Error'
        $finding[0].Message | Should -BeLike "*pid $(Get-Content -LiteralPath $Bed.SERVER_3_PID_FILE)*"
        $finding[0].Evidence | Should -BeLike "$($Hosts[2]): *$config modified*"
        $finding[0].Fix | Should -Be "Set-SshKeepAlive -Scope Server -ComputerName $($Hosts[2]) -Reload"

        $result = Invoke-Expression ($finding[0].Fix + ' @Reach')

        $result.Changed | Should -BeFalse
        $result.Error | Should -BeNullOrEmpty
        Get-RemoteFinding 3 'SshdConfigNotLoaded' | Should -BeNullOrEmpty
    }

    It 'with one host unreachable, diagnoses the other two and names the third in a non-terminating error; -Quiet is then $false' {
        Write-ConfigText $Bed.SERVER_2_SSHD_CONFIG ($Original[2] + "ClientAliveCountMax 0`n")
        Invoke-SshTestbed -ArgumentList @('reload', $Bed.RUN_ID, 2) | Out-Null
        Invoke-SshTestbed -ArgumentList @('cut', $Bed.RUN_ID, 3) | Out-Null
        $reach = Get-SshTestbedFleetParameter -Testbed $Bed -ConnectTimeout 3

        $findings = @(Test-SshKeepAlive -ComputerName $Hosts -Scope Server, Shell @reach -ErrorVariable failures -ErrorAction SilentlyContinue)
        $quiet = Test-SshKeepAlive -ComputerName $Hosts[0], $Hosts[2] -Scope Server @reach -Quiet -ErrorAction SilentlyContinue

        ($findings | Where-Object Id -EQ 'ClientAliveCountMaxZero').ComputerName | Should -Be $Hosts[1]
        $findings.ComputerName | Should -Not -Contain $Hosts[2]
        $failures | Should -HaveCount 1
        $failures[0].TargetObject | Should -Be $Hosts[2]
        "$failures" | Should -Match ([regex]::Escape($Hosts[2]))
        $failures[0].FullyQualifiedErrorId | Should -BeLike '*,SshKeepAlive.Commands.TestSshKeepAliveCommand'
        $quiet | Should -BeFalse
    }

    It 'takes hosts from the pipeline by property name (Import-Csv rows) and each pipeline input''s host (-ComputerName { $_ })' {
        Write-ConfigText $Bed.SERVER_2_SSHD_CONFIG ($Original[2] + "ClientAliveCountMax 0`n")
        Invoke-SshTestbed -ArgumentList @('reload', $Bed.RUN_ID, 2) | Out-Null

        $byName = @([pscustomobject] @{ ComputerName = $Hosts[1] } | Test-SshKeepAlive -Scope Server @Connect)
        $byValue = @($Hosts[0], $Hosts[1] | Test-SshKeepAlive -ComputerName { $_ } -Scope Server @Connect)

        ($byName | Where-Object Id -EQ 'ClientAliveCountMaxZero').ComputerName | Should -Be $Hosts[1]
        ($byValue | Where-Object Id -EQ 'ClientAliveCountMaxZero').ComputerName | Should -Be $Hosts[1]
        ($byValue | Where-Object ComputerName -EQ $Hosts[0]) | Where-Object Severity -NE 'Info' | Should -BeNullOrEmpty
    }

    It 'writes progress while -ThrottleLimit 2 of the three hosts run: done of total, the hosts running, then Completed' {
        $shell = [powershell]::Create()
        try {
            $null = $shell.AddCommand('Import-Module').AddParameter('Name', $ModuleManifest).AddStatement()
            $null = $shell.AddCommand('Test-SshKeepAlive').AddParameters(@{ ComputerName = $Hosts; Scope = 'Server'; ThrottleLimit = 2; Quiet = $true } + $Connect)
            $results = $shell.Invoke()
            $progress = @($shell.Streams.Progress | Where-Object ActivityId -EQ 14)
        }
        finally { $shell.Dispose() }

        $results | Should -Be @($true)
        $progress.Activity | Select-Object -Unique | Should -Be 'Test-SshKeepAlive'
        $progress.StatusDescription | Should -Contain '3 of 3 hosts done, 0 failed'
        ($progress.CurrentOperation -match ([regex]::Escape($Hosts[0]))) | Should -Not -BeNullOrEmpty
        $progress[-1].RecordType | Should -Be 'Completed'
    }

    It 'renders a host''s findings as a report naming it' {
        Write-ConfigText $Bed.SERVER_2_SSHD_CONFIG ($Original[2] + "ClientAliveCountMax 0`n")
        Invoke-SshTestbed -ArgumentList @('reload', $Bed.RUN_ID, 2) | Out-Null

        $shown = Test-SshKeepAlive -ComputerName $Hosts[1] -Scope Server @Connect | Out-String -Width 300

        $shown | Should -Match "Target: sshd .* on $([regex]::Escape($Hosts[1]))"
        $shown | Should -Match 'Warning ClientAliveCountMaxZero'
        $shown | Should -Match "Fix: +Set-SshKeepAlive -Scope Server -ComputerName $([regex]::Escape($Hosts[1]))"
    }
}
