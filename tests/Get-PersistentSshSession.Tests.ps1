#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.1.0' }
# Get-PersistentSshSession: errors for unknown sessions, pipeline binding, and listing sessions to the sshd testbed.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Testbed.ps1')
    $script:SkipReason = Get-SshTestbedSkipReason
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'Testbed.ps1')
}

Describe 'Get-PersistentSshSession' {
    Context 'without sessions' {
        It 'writes a non-terminating SessionNotFound for an unknown <Parameter>' -ForEach @(
            @{ Parameter = 'Id'; Value = 4242 }
            @{ Parameter = 'Name'; Value = 'nosuchsession' }
        ) {
            $selection = @{ $Parameter = $Value }
            $output = Get-PersistentSshSession @selection -ErrorVariable failures -ErrorAction SilentlyContinue
            $output | Should -BeNullOrEmpty
            $failures.Count | Should -Be 1
            $failures[0].FullyQualifiedErrorId | Should -Be 'SessionNotFound,SshKeepAlive.Commands.GetPersistentSshSessionCommand'
            "$($failures[0].CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
            $failures[0].TargetObject | Should -Be $Value
        }

        It 'stops with -ErrorAction Stop on an unknown name' {
            { Get-PersistentSshSession -Name nosuchsession -ErrorAction Stop } |
                Should -Throw -ErrorId 'SessionNotFound,SshKeepAlive.Commands.GetPersistentSshSessionCommand'
        }

        It 'writes nothing for a wildcard that matches nothing' {
            Get-PersistentSshSession -Name 'web*' -ErrorVariable failures | Should -BeNullOrEmpty
            $failures | Should -BeNullOrEmpty
        }

        It 'binds Id by property name from the pipeline' {
            [pscustomobject]@{ Id = 7 }, [pscustomobject]@{ Id = 8 } |
                Get-PersistentSshSession -ErrorVariable failures -ErrorAction SilentlyContinue
            @($failures.TargetObject) | Should -Be @(7, 8)
        }
    }

    Context 'against the sshd testbed' -Skip:($null -ne $SkipReason) {
        BeforeAll {
            $bed = Start-SshTestbed
            $connection = Get-SshTestbedSessionParameter -Testbed $bed
            $web = New-PersistentSshSession @connection -Name web-a -ErrorAction Stop
            $db = New-PersistentSshSession @connection -Name db-a -ErrorAction Stop
        }
        AfterAll {
            Get-PersistentSshSession | Remove-PersistentSshSession -Confirm:$false
            if ($bed) { Stop-SshTestbed -Testbed $bed }
        }

        It 'lists every session by default' {
            @(Get-PersistentSshSession).Name | Sort-Object | Should -Be @('db-a', 'web-a')
        }

        It 'selects sessions by wildcard name and by id' {
            (Get-PersistentSshSession -Name 'web*').Id | Should -Be $web.Id
            (Get-PersistentSshSession -Id $db.Id).Name | Should -Be 'db-a'
        }

        It 'shows state and keepalive health' {
            $session = Get-PersistentSshSession -Name web-a
            "$($session.State)" | Should -Be 'Connected'
            $session.ConnectedSince | Should -Not -BeNullOrEmpty
            $session.ReconnectCount | Should -Be 0
        }

        It 'completes -Name from the sessions of this session state' {
            $line = 'Get-PersistentSshSession -Name we'
            @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) | Should -Be @('web-a')
        }

        It 'formats sessions as a table' {
            $table = Get-PersistentSshSession -Name web-a | Out-String
            $table | Should -Match 'Id\s+Name\s+Target\s+State\s+KeepAlive'
            $table | Should -Match 'web-a'
        }
    }
}
