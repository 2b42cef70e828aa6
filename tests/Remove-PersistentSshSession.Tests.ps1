#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.1.0' }
# Remove-PersistentSshSession: errors for unknown sessions, -WhatIf, and closing sessions to the sshd testbed.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Testbed.ps1')
    $script:SkipReason = Get-SshTestbedSkipReason
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'Testbed.ps1')
}

Describe 'Remove-PersistentSshSession' {
    Context 'without sessions' {
        It 'writes SessionNotFound for an unknown id' {
            Remove-PersistentSshSession -Id 4242 -ErrorVariable failures -ErrorAction SilentlyContinue
            $failures[0].FullyQualifiedErrorId | Should -Be 'SessionNotFound,SshKeepAlive.Commands.RemovePersistentSshSessionCommand'
            "$($failures[0].CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
            $failures[0].TargetObject | Should -Be 4242
        }
    }

    Context 'against the sshd testbed' -Skip:($null -ne $SkipReason) {
        BeforeAll {
            $bed = Start-SshTestbed
            $connection = Get-SshTestbedSessionParameter -Testbed $bed
        }
        AfterAll {
            Get-PersistentSshSession | Remove-PersistentSshSession -Confirm:$false
            if ($bed) { Stop-SshTestbed -Testbed $bed }
        }

        It 'says with -WhatIf which session it would close, and keeps it' {
            $printed = Invoke-InNewPwsh {
                param($Connection)
                $session = New-PersistentSshSession @Connection -Name kept -ErrorAction Stop
                Remove-PersistentSshSession -Session $session -WhatIf
                "state: $((Get-PersistentSshSession -Name kept).State)"
                "session: $($session.Id)"
            } -ArgumentList $connection

            $id = ($printed -match '^session: ') -replace '^session: '
            $printed | Should -Contain "What if: Performing the operation `"Close`" on target `"session $id ($($bed.USER)@$($bed.SERVER_1_ADDRESS))`"."
            $printed | Should -Contain 'state: Connected'
        }

        It 'closes the session and forgets it' {
            $session = New-PersistentSshSession @connection -Name gone -ErrorAction Stop
            Remove-PersistentSshSession -Session $session -Confirm:$false
            "$($session.State)" | Should -Be 'Closed'
            { Get-PersistentSshSession -Name gone -ErrorAction Stop } |
                Should -Throw -ErrorId 'SessionNotFound,SshKeepAlive.Commands.GetPersistentSshSessionCommand'
        }

        It 'closes every session piped in from Get-PersistentSshSession' {
            $null = New-PersistentSshSession @connection -Name first -ErrorAction Stop
            $null = New-PersistentSshSession @connection -Name second -ErrorAction Stop
            Get-PersistentSshSession | Remove-PersistentSshSession -Confirm:$false
            Get-PersistentSshSession | Should -BeNullOrEmpty
        }
    }
}
