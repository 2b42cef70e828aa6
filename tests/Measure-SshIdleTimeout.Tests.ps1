#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.1.0' }
# Measure-SshIdleTimeout against the sshd testbed's firewall, which forgets idle flows after a set time and then
# silently drops their packets: the cutoff within a second, none found without a limit, the fix that beats it,
# progress, and Ctrl-C closing every probe connection.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Testbed.ps1')
    $script:TestbedSkipReason = Get-SshTestbedSkipReason
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'Testbed.ps1')

    # Established TCP connections of this process to the server (ss -tnp), which probes hold while they idle.
    function Get-ProbeSocketCount($Testbed) {
        @(& ss -Htnp state established dst $Testbed.SERVER_1_ADDRESS | Where-Object { $_ -match "pid=$PID," }).Count
    }
}

Describe 'Measure-SshIdleTimeout in the sshd testbed' -Skip:($null -ne $TestbedSkipReason) {
    Context 'behind a firewall that forgets idle flows after 6 s' {
        BeforeAll {
            $script:Bed = Start-SshTestbed -IdleTimeout 6
            $script:Parameters = Get-SshTestbedSessionParameter -Testbed $Bed
            $script:ClientConfig = Join-Path $TestDrive 'client_config'
            Write-ConfigText $ClientConfig ''
            $script:Result = Measure-SshIdleTimeout @Parameters -ConfigPath $ClientConfig -Maximum 20 -Resolution 1
        }
        AfterAll { if ($Bed) { Stop-SshTestbed -Testbed $Bed } }

        It 'reports 6 +- 1 s, dropped silently by the path' {
            $Result.LimitFound | Should -BeTrue
            [math]::Abs($Result.CutoffSeconds - 6) | Should -BeLessOrEqual 1
            $Result.UncertaintySeconds | Should -BeLessOrEqual 1
            "$($Result.DroppedBy)" | Should -Be 'Path'
            $Result.Message | Should -Match 'silently drops'
        }

        It 'opened no more connections than probes of one round, and closed them all' {
            $Result.ProbeConnections | Should -BeLessOrEqual 20
            $Result.LargestIdleProbed | Should -BeLessOrEqual ($Result.UpperBoundSeconds + 0.01)
            # The ones the firewall dropped finish closing in the background, within a second or so.
            $deadline = (Get-Date).AddSeconds(5)
            while ((Get-ProbeSocketCount $Bed) -gt 0 -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }
            Get-ProbeSocketCount $Bed | Should -Be 0
        }

        It 'recommends at most half the cutoff, as a Fix that is runnable as is' {
            $Result.RecommendedInterval | Should -BeLessOrEqual ($Result.LowerBoundSeconds / 2)
            $Result.Fix | Should -Be "Set-SshKeepAlive -HostName $($Parameters.HostName) -Path $ClientConfig -Interval $($Result.RecommendedInterval)"

            Invoke-Expression ($Result.Fix + ' -NoBackup')

            (& ssh -G -F $ClientConfig $Bed.SERVER_1_ADDRESS 2>$null | Where-Object { $_ -like 'serveraliveinterval *' }) | Should -Be "serveraliveinterval $($Result.RecommendedInterval)"
        }

        It 'feeds Test-SshKeepAlive through the pipeline: a missing keepalive is then an Error against the measured limit' {
            $emptyConfig = Join-Path $TestDrive 'empty_config'
            Write-ConfigText $emptyConfig ''

            $finding = $Result | Test-SshKeepAlive -Scope Client -Path $emptyConfig | Where-Object Id -EQ 'KeepAliveMissing'

            $finding.Severity | Should -Be 'Error'
            $finding.IdleSeconds | Should -Be $Result.PathIdleTimeout
        }

        It 'renders the cutoff, who dropped it and the fix' {
            $text = $Result | Out-String -Width 300

            $text | Should -Match 'IdleTimeout\s+: [\d.]+ s \+- [\d.]+ s'
            $text | Should -Match 'DroppedBy\s+: Path'
            $text | Should -Match 'Fix\s+: Set-SshKeepAlive'
        }
    }

    Context 'without an idle limit' {
        BeforeAll { $script:Bed = Start-SshTestbed -IdleTimeout 300 }
        AfterAll { if ($Bed) { Stop-SshTestbed -Testbed $Bed } }

        It 'says none was found up to -Maximum, and writes progress while it runs' {
            $parameters = Get-SshTestbedSessionParameter -Testbed $Bed
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddCommand('Import-Module').AddParameter('Name', $ModuleManifest).AddStatement()
                $null = $ps.AddCommand('Measure-SshIdleTimeout').AddParameters($parameters).AddParameter('Maximum', 4).AddParameter('Resolution', 2)
                $result = $ps.Invoke()[0]

                $result.LimitFound | Should -BeFalse
                $result.Message | Should -BeLike 'No idle limit found up to 4 s*'
                $result.Fix | Should -BeNullOrEmpty
                @($ps.Streams.Progress | Where-Object { $_.StatusDescription -like 'Round 1:*' }).Count | Should -BeGreaterThan 0
            }
            finally { $ps.Dispose() }
        }

        It 'stops on Ctrl-C and closes every probe connection' {
            $parameters = Get-SshTestbedSessionParameter -Testbed $Bed
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddCommand('Import-Module').AddParameter('Name', $ModuleManifest).AddStatement()
                $null = $ps.AddCommand('Measure-SshIdleTimeout').AddParameters($parameters).AddParameter('Maximum', 120).AddParameter('Resolution', 10)
                $running = $ps.BeginInvoke()
                $deadline = (Get-Date).AddSeconds(30)
                while ((Get-ProbeSocketCount $Bed) -lt 12 -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 200 }
                Get-ProbeSocketCount $Bed | Should -BeGreaterOrEqual 12

                $stopped = [Diagnostics.Stopwatch]::StartNew()
                $ps.Stop()

                $stopped.Elapsed.TotalSeconds | Should -BeLessThan 10
                $running.AsyncWaitHandle.WaitOne([timespan]::FromSeconds(10)) | Should -BeTrue
                $deadline = (Get-Date).AddSeconds(10)
                while ((Get-ProbeSocketCount $Bed) -gt 0 -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 200 }
                Get-ProbeSocketCount $Bed | Should -Be 0
                @(Invoke-SshTestbed -ArgumentList 'procs', $Bed.RUN_ID | Where-Object { $_ -match ' cat$' }) | Should -BeNullOrEmpty
            }
            finally { $ps.Dispose() }
        }
    }

    It 'refuses an unknown host key with HostKeyUnknown before probing' {
        $bed = Start-SshTestbed
        try {
            $parameters = Get-SshTestbedSessionParameter -Testbed $bed
            $parameters.KnownHostsFile = Join-Path $TestDrive 'no_known_hosts'
            Write-ConfigText $parameters.KnownHostsFile ''

            { Measure-SshIdleTimeout @parameters -Maximum 4 -Resolution 2 } |
                Should -Throw -ErrorId 'HostKeyUnknown,SshKeepAlive.Commands.MeasureSshIdleTimeoutCommand'
        }
        finally { Stop-SshTestbed -Testbed $bed }
    }
}

Describe 'Measure-SshIdleTimeout through a jump host' {
    It 'refuses a host ssh_config reaches through ProxyJump with JumpHostUnsupported, before connecting' {
        $config = Join-Path $TestDrive 'jump_config'
        Write-ConfigText $config "Host inner`n  ProxyJump bastion.invalid`n"

        $err = { Measure-SshIdleTimeout -HostName inner -ConfigPath $config -Maximum 4 } |
            Should -Throw -ErrorId 'JumpHostUnsupported,SshKeepAlive.Commands.MeasureSshIdleTimeoutCommand' -PassThru
        $err.Exception.Message | Should -BeLike '*through bastion.invalid (ProxyJump)*'
    }
}
