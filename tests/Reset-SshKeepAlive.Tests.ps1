#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.1.0' }
# Reset-SshKeepAlive: the target's own keepalive lines go, everything else stays byte for byte.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

Describe 'Reset-SshKeepAlive' {
    BeforeEach {
        $script:Config = Join-Path $TestDrive ("config-" + [guid]::NewGuid().ToString('N'))
    }

    It 'removes the host''s keepalive lines and leaves other hosts'' alone, and -PassThru says it changed' {
        Write-ConfigText $Config "Host web01`n  ServerAliveInterval 60`n  ServerAliveCountMax 2`n  User x`nHost *`n  ServerAliveInterval 10`n"

        $result = Reset-SshKeepAlive -Path $Config -HostName web01 -NoBackup -PassThru

        Read-ConfigText $Config | Should -BeExactly "Host web01`n  User x`nHost *`n  ServerAliveInterval 10`n"
        $result.Changed | Should -BeTrue
    }

    It 'with -WhatIf prints the lines it would remove and changes nothing' {
        Write-ConfigText $Config "Host web01`n  ServerAliveInterval 60`n"

        $printed = Invoke-InNewPwsh { param($Path) Reset-SshKeepAlive -Path $Path -HostName web01 -WhatIf } -ArgumentList $Config

        $printed | Should -Contain "What if: --- $Config"
        $printed | Should -Contain '-  ServerAliveInterval 60'
        Read-ConfigText $Config | Should -BeExactly "Host web01`n  ServerAliveInterval 60`n"
    }

    It 'reports Changed = false when there is nothing to remove' {
        Write-ConfigText $Config "Host web01`n  User x`n"

        $result = Reset-SshKeepAlive -Path $Config -HostName web01 -PassThru

        $result.Changed | Should -BeFalse
    }

    It 'takes HostName from the pipeline by property name' {
        Write-ConfigText $Config "Host web01`n  ServerAliveInterval 60`nHost db01`n  ServerAliveInterval 60`n"

        [pscustomobject]@{ HostName = 'web01'; Path = $Config } | Reset-SshKeepAlive -NoBackup

        Read-ConfigText $Config | Should -BeExactly "Host web01`nHost db01`n  ServerAliveInterval 60`n"
    }

    It 'refuses a host pattern with whitespace with HostPatternInvalid' {
        Write-ConfigText $Config "Host web01`n  ServerAliveInterval 60`n"

        { Reset-SshKeepAlive -Path $Config -HostName 'web 01' } | Should -Throw -ErrorId 'HostPatternInvalid,SshKeepAlive.Commands.ResetSshKeepAliveCommand'

        Read-ConfigText $Config | Should -BeExactly "Host web01`n  ServerAliveInterval 60`n"
    }
}
