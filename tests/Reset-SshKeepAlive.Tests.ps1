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

        Read-ConfigText $Config | Should -BeExactly "Host db01`n  ServerAliveInterval 60`n"
    }

    It 'after Set, gives the file back byte for byte, the emptied Host block gone' {
        Write-ConfigText $Config "Host db01`n  User x`n"

        foreach ($round in 1..3) {
            Set-SshKeepAlive -Path $Config -HostName web01 -Interval 60 -CountMax 4 -NoBackup
            Reset-SshKeepAlive -Path $Config -HostName web01 -NoBackup
        }

        Read-ConfigText $Config | Should -BeExactly "Host db01`n  User x`n"
    }

    It 'leaves an uppercase host''s block alone: ssh matches host names case-sensitively' {
        Write-ConfigText $Config "Host WEB01`n  ServerAliveInterval 30`n"

        $result = Reset-SshKeepAlive -Path $Config -HostName web01 -PassThru

        $result.Changed | Should -BeFalse
        Read-ConfigText $Config | Should -BeExactly "Host WEB01`n  ServerAliveInterval 30`n"
    }

    It 'removes nothing from a file other hosts include too, and warns naming them' {
        $common = Join-Path $TestDrive ("common-" + [guid]::NewGuid().ToString('N') + '.conf')
        Write-ConfigText $common "ServerAliveInterval 30`n"
        Write-ConfigText $Config "Host web01`n  Include $common`nHost db01`n  Include $common`n"

        Reset-SshKeepAlive -Path $Config -HostName web01 -NoBackup -WarningVariable warnings -WarningAction SilentlyContinue

        Read-ConfigText $common | Should -BeExactly "ServerAliveInterval 30`n"
        "$warnings" | Should -Match ([regex]::Escape("$($common):1"))
        "$warnings" | Should -Match 'Host db01'
    }

    It 'refuses a host pattern with whitespace with HostPatternInvalid' {
        Write-ConfigText $Config "Host web01`n  ServerAliveInterval 60`n"

        { Reset-SshKeepAlive -Path $Config -HostName 'web 01' } | Should -Throw -ErrorId 'HostPatternInvalid,SshKeepAlive.Commands.ResetSshKeepAliveCommand'

        Read-ConfigText $Config | Should -BeExactly "Host web01`n  ServerAliveInterval 60`n"
    }
}
