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
