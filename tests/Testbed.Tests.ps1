#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.1.0' }
# The sshd testbed itself, proven with OpenSSH's client: the firewall black-holes idle flows, keepalives
# save them, a cut path refuses connections until restored, and teardown leaves nothing behind.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Testbed.ps1')
    $script:SkipReason = Get-SshTestbedSkipReason
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Testbed.ps1')
}

Describe 'sshd testbed' -Skip:($null -ne $SkipReason) {
    Context 'with a 5 s firewall idle timeout' {
        BeforeAll { $Bed = Start-SshTestbed -IdleTimeout 5 }
        AfterAll { if ($Bed) { Stop-SshTestbed -Testbed $Bed } }

        It 'black-holes an idle session without keepalives' {
            $arguments = Get-SshTestbedClientArgument -Testbed $Bed -Option 'ServerAliveInterval=0' -Command 'echo a; sleep 12; echo b'
            $job = Start-ThreadJob -ScriptBlock { & ssh @args 2>$null } -ArgumentList $arguments
            $finished = Wait-Job -Job $job -Timeout 20
            $output = @(Receive-Job -Job $job)
            Stop-Job -Job $job; Remove-Job -Job $job -Force
            $finished | Should -BeNullOrEmpty -Because 'the server''s last line is dropped, so ssh hangs'
            $output | Should -Be @('a')
        }

        It 'keeps a session alive with ServerAliveInterval shorter than the idle timeout' {
            $arguments = Get-SshTestbedClientArgument -Testbed $Bed -Option 'ServerAliveInterval=2' -Command 'echo a; sleep 12; echo b'
            $output = & ssh @arguments
            $LASTEXITCODE | Should -Be 0
            $output | Should -Be @('a', 'b')
        }
    }

    Context 'cut and restore' {
        BeforeAll { $Bed = Start-SshTestbed }
        AfterAll { if ($Bed) { Stop-SshTestbed -Testbed $Bed } }

        It 'refuses new connections while cut and accepts them after restore' {
            Invoke-SshTestbed -ArgumentList @('cut', $Bed.RUN_ID) | Out-Null
            $null = & ssh @(Get-SshTestbedClientArgument -Testbed $Bed -Option 'ConnectTimeout=2' -Command 'true') 2>&1
            $LASTEXITCODE | Should -Not -Be 0

            Invoke-SshTestbed -ArgumentList @('restore', $Bed.RUN_ID) | Out-Null
            & ssh @(Get-SshTestbedClientArgument -Testbed $Bed -Command 'echo up') | Should -Be 'up'
        }
    }

    It 'runs each server in its own podman container, behind the firewall namespace' {
        $bed = Start-SshTestbed -Suite 'trixie'
        try {
            $conf = "CONTAINERS_CONF=$(Join-Path $PSScriptRoot 'testbed/containers.conf')"
            @(& env $conf podman ps --filter status=running --format '{{.Names}}') | Should -Contain $bed.SERVER_1_CONTAINER
            @(& ip netns list) -match "^$([regex]::Escape($bed.FIREWALL_NETNS))( |$)" | Should -Not -BeNullOrEmpty
            $bed.SERVER_1_OPENSSH_VERSION | Should -Be '10.0p2'
            Invoke-SshTestbedServerCommand -Testbed $bed -Command 'sh', '-c', 'ssh -V 2>&1' | Should -BeLike "OpenSSH_$($bed.SERVER_1_OPENSSH_VERSION) *"
            & ssh @(Get-SshTestbedClientArgument -Testbed $bed -Command 'cat /etc/debian_version') | Should -Match '^13\.'
        }
        finally {
            Stop-SshTestbed -Testbed $bed
        }
    }

    It 'leaves no namespace behind after teardown' {
        $bed = Start-SshTestbed -Servers 2
        @(& ip netns list) -match [regex]::Escape($bed.RUN_ID) | Should -Not -BeNullOrEmpty
        Stop-SshTestbed -Testbed $bed
        @(& ip netns list) -match [regex]::Escape($bed.RUN_ID) | Should -BeNullOrEmpty
        Test-Path -LiteralPath $bed.STATE_DIR | Should -BeFalse
    }
}
