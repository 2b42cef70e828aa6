#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.1.0' }
# Set-SshTimeoutConfig: ConnectTimeout (client); LoginGraceTime, ChannelTimeout, UnusedConnectionTimeout (server).

BeforeDiscovery {
    $script:NotRoot = $env:SSHKA_REQUIRE_TESTBED -ne '1' -and (-not $IsLinux -or (& id -u) -ne '0')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'Testbed.ps1')
}

Describe 'Set-SshTimeoutConfig' {
    BeforeEach {
        $script:Config = Join-Path $TestDrive ("config-" + [guid]::NewGuid().ToString('N'))
    }

    It 'adds ConnectTimeout to the host''s own block' {
        Write-ConfigText $Config "Host web01`n  User x`n"

        Set-SshTimeoutConfig -Path $Config -HostName web01 -ConnectTimeout 10s -NoBackup

        Read-ConfigText $Config | Should -BeExactly "Host web01`n  User x`n  ConnectTimeout 10`n"
    }

    It 'with -WhatIf prints the diff and changes nothing' {
        Write-ConfigText $Config "Host web01`n  User x`n"

        $printed = Invoke-InNewPwsh { param($Path) Set-SshTimeoutConfig -Path $Path -HostName web01 -ConnectTimeout 10 -WhatIf } -ArgumentList $Config

        $printed | Should -Contain "What if: --- $Config"
        $printed | Should -Contain '+  ConnectTimeout 10'
        Read-ConfigText $Config | Should -BeExactly "Host web01`n  User x`n"
    }

    It 'with -PassThru reports the change' {
        Write-ConfigText $Config ''

        $result = Set-SshTimeoutConfig -Path $Config -ConnectTimeout none -NoBackup -PassThru

        $result.Changed | Should -BeTrue
        # ssh reads "ConnectTimeout none" as unset (a later line would win); 0 is its "no timeout" that holds.
        $result.Settings | Should -Contain 'ConnectTimeout 0'
    }

    It 'takes Path by property name from the pipeline' {
        Write-ConfigText $Config ''

        [pscustomobject]@{ Path = $Config; HostName = 'web01' } | Set-SshTimeoutConfig -ConnectTimeout 20 -NoBackup

        Read-ConfigText $Config | Should -Match 'ConnectTimeout 20'
    }

    It 'merges -ChannelTimeout into the list in force, keeping the other channel types' -Skip:$NotRoot {
        Initialize-SshTestbedLocalSshd
        $path = New-ServerConfig "ChannelTimeout direct-tcpip=1m session=5m`n"

        Set-SshTimeoutConfig -Scope Server -Path $path -ChannelTimeout session=10m -NoBackup

        (& /usr/sbin/sshd -T -f $path | Where-Object { $_ -like 'channeltimeout *' }) | Should -Be 'channeltimeout direct-tcpip=1m session=600'
    }

    It 'accepts -ChannelTimeout none, which sshd accepts' -Skip:$NotRoot {
        Initialize-SshTestbedLocalSshd
        $path = New-ServerConfig "ChannelTimeout session=5m`n"

        $result = Set-SshTimeoutConfig -Scope Server -Path $path -ChannelTimeout none -NoBackup -PassThru

        $result.Validated | Should -BeTrue
        Read-ConfigText $path | Should -Match "`nChannelTimeout none`n"
    }

    It 'refuses bad input with <ErrorId> and changes no byte' -ForEach @(
        @{ Arguments = @{ LoginGraceTime = '30' }; ErrorId = 'SettingNotInScope' }
        @{ Arguments = @{ Scope = 'Server'; ConnectTimeout = '30' }; ErrorId = 'SettingNotInScope' }
        @{ Arguments = @{}; ErrorId = 'SettingMissing' }
        @{ Arguments = @{ ConnectTimeout = '-1' }; ErrorId = 'TimeoutInvalid' }
        @{ Arguments = @{ Scope = 'Server'; ChannelTimeout = 'session' }; ErrorId = 'ChannelTimeoutInvalid' }
        @{ Arguments = @{ Scope = 'Server'; ChannelTimeout = 'session=forever' }; ErrorId = 'ChannelTimeoutInvalid' }
        @{ Arguments = @{ Scope = 'Server'; ChannelTimeout = 'none', 'session=1m' }; ErrorId = 'ChannelTimeoutInvalid' }
        @{ Arguments = @{ Scope = 'Server'; MatchUser = 'alice'; LoginGraceTime = '30' }; ErrorId = 'SettingNotAllowedInMatch' }
    ) {
        Write-ConfigText $Config "Host *`n"

        $caught = { Set-SshTimeoutConfig -Path $Config @Arguments } | Should -Throw -ErrorId "$ErrorId,SshKeepAlive.Commands.SetSshTimeoutConfigCommand" -PassThru

        "$($caught.CategoryInfo.Category)" | Should -Be 'InvalidArgument'
        Read-ConfigText $Config | Should -BeExactly "Host *`n"
        Get-EditCompanionFile $Config | Should -BeNullOrEmpty
    }
}
