#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.1.0' }
# Enter-PersistentSsh: what it refuses before any terminal is touched. The interactive behaviour (tmux
# re-attached across a cut path) is covered by the xunit tests with a scripted terminal.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Testbed.ps1')
    $script:SkipReason = Get-SshTestbedSkipReason
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'Testbed.ps1')
}

Describe 'Enter-PersistentSsh' {
    It 'refuses a malformed destination' {
        { Enter-PersistentSsh -HostName 'user@' } | Should -Throw -ErrorId 'HostNameInvalid,SshKeepAlive.Commands.EnterPersistentSshCommand'
    }

    It 'refuses a multiplexer session name the remote shell could misread' {
        { Enter-PersistentSsh -HostName 127.0.0.1 -SessionName 'a b' } | Should -Throw -ErrorId 'MultiplexerSessionNameInvalid,SshKeepAlive.Commands.EnterPersistentSshCommand'
    }

    It 'accepts only the known multiplexers' {
        { Enter-PersistentSsh -HostName 127.0.0.1 -Multiplexer byobu } | Should -Throw -ErrorId 'ParameterArgumentValidationError,SshKeepAlive.Commands.EnterPersistentSshCommand'
    }

    It 'refuses a key file that does not exist' {
        { Enter-PersistentSsh -HostName 127.0.0.1 -KeyFile '/nonexistent/id_ed25519' } | Should -Throw -ErrorId 'KeyFileUnusable,SshKeepAlive.Commands.EnterPersistentSshCommand'
    }

    It 'documents every parameter with examples' {
        $help = Get-Help -Name Enter-PersistentSsh -Full
        @($help.examples.example).Count | Should -BeGreaterOrEqual 2
        $help.parameters.parameter.name | Should -Contain 'Multiplexer'
        $help.parameters.parameter.name | Should -Contain 'SessionName'
    }

    Context 'against the sshd testbed' -Skip:($null -ne $SkipReason) {
        BeforeAll { $Bed = Start-SshTestbed }
        AfterAll { if ($Bed) { Stop-SshTestbed -Testbed $Bed } }

        It 'refuses a server whose key is not known, before opening a shell' {
            $knownHosts = Join-Path $TestDrive 'empty_known_hosts'
            {
                Enter-PersistentSsh -HostName "$($Bed.USER)@$($Bed.SERVER_1_ADDRESS)" -Port $Bed.SERVER_1_PORT -KeyFile $Bed.PRIVATE_KEY `
                    -KnownHostsFile $knownHosts -StrictHostKeyChecking Yes
            } | Should -Throw -ErrorId 'HostKeyUnknown,SshKeepAlive.Commands.EnterPersistentSshCommand'
            Test-Path -LiteralPath $knownHosts | Should -BeFalse
        }
    }
}
