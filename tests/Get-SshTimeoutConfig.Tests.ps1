#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.1.0' }

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')

    $script:ClientConfig = Join-Path $TestDrive 'client_config'
    Set-Content -LiteralPath $ClientConfig -Value @(
        'Host web01'
        '    ServerAliveInterval 1m30s'
        'Host *'
        '    ServerAliveInterval 15'
        '    ServerAliveCountMax 5'
    )

    $script:ServerConfig = Join-Path $TestDrive 'sshd_config'
    Set-Content -LiteralPath $ServerConfig -Value @(
        'ClientAliveInterval 60'
        'Match User alice Address 198.18.0.0/15'
        '    ClientAliveInterval 30'
        '    ChannelTimeout session:*=5m'
    )

    $script:ExecConfig = Join-Path $TestDrive 'exec_config'
    Set-Content -LiteralPath $ExecConfig -Value @(
        '# exec'
        'Match exec "true"'
        '    ServerAliveInterval 5'
    )
}

Describe 'Get-SshTimeoutConfig' {
    Context 'client settings from -Path' {
        It 'reports the winning value with its file and line, as objects of its declared output type' {
            $rows = Get-SshTimeoutConfig -Path $ClientConfig -HostName web01
            $interval = $rows | Where-Object Name -EQ 'ServerAliveInterval'

            $rows | ForEach-Object { $_.GetType() } | Select-Object -Unique | Should -BeIn (Get-Command Get-SshTimeoutConfig).OutputType.Type

            $interval.Scope | Should -Be 'Client'
            $interval.Target | Should -Be 'web01'
            $interval.Value | Should -Be 90
            $interval.IsDefault | Should -BeFalse
            $interval.Source | Should -Be $ClientConfig
            $interval.Line | Should -Be 2
        }

        It 'reports defaults with Source default and no line' {
            $channel = Get-SshTimeoutConfig -Path $ClientConfig -HostName web01 | Where-Object Name -EQ 'ChannelTimeout'

            $channel.Value | Should -BeNullOrEmpty
            $channel.IsDefault | Should -BeTrue
            $channel.Source | Should -Be 'default'
            $channel.Line | Should -BeNullOrEmpty
        }

        It 'takes host names from the pipeline by value, in order' {
            $rows = 'web01', 'db01' | Get-SshTimeoutConfig -Path $ClientConfig | Where-Object Name -EQ 'ServerAliveInterval'

            @($rows.Target) | Should -Be @('web01', 'db01')
            @($rows.Value) | Should -Be @(90, 15)
        }

        It 'takes host names from the pipeline by property name (HostName or Host)' {
            $summaries = [pscustomobject]@{ HostName = 'web01' }, [pscustomobject]@{ Host = 'admin@db01' } |
                Get-SshTimeoutConfig -Path $ClientConfig -Summary

            $summaries | ForEach-Object { $_.GetType() } | Select-Object -Unique | Should -BeIn (Get-Command Get-SshTimeoutConfig).OutputType.Type
            @($summaries.Target) | Should -Be @('web01', 'admin@db01')
            @($summaries.ClientDeadPeerSeconds) | Should -Be @(450, 75)
        }

        It 'accepts -Host as an alias of -HostName' {
            (Get-SshTimeoutConfig -Path $ClientConfig -Host web01 | Select-Object -First 1).Target | Should -Be 'web01'
        }
    }

    Context 'server settings from -Path with a connection spec' {
        It 'applies the Match block for the connection' {
            $interval = Get-SshTimeoutConfig -Scope Server -Path $ServerConfig -User alice -ClientAddress 198.18.0.9 |
                Where-Object Name -EQ 'ClientAliveInterval'

            $interval.Value | Should -Be 30
            $interval.Line | Should -Be 3
            $interval.Target | Should -Be 'sshd user=alice,addr=198.18.0.9'
        }

        It 'names the local port of the connection in the target' {
            $interval = Get-SshTimeoutConfig -Scope Server -Path $ServerConfig -User alice -ClientAddress 198.18.0.9 -LocalPort 22 |
                Where-Object Name -EQ 'ClientAliveInterval'

            $interval.Value | Should -Be 30
            $interval.Target | Should -Be 'sshd user=alice,addr=198.18.0.9,lport=22'
        }

        It 'summarises ChannelTimeout as what ends an idle session' {
            $summary = Get-SshTimeoutConfig -Scope Server -Path $ServerConfig -User alice -ClientAddress 198.18.0.9 -Summary

            $summary.ServerDeadPeerSeconds | Should -Be 90
            $summary.IdleTimeoutSeconds | Should -Be 300
            $summary.IdleTimeoutSource | Should -Be "ChannelTimeout (${ServerConfig}:4)"
        }
    }

    Context 'paths' {
        It 'reads the file -LiteralPath names, wildcard characters and all' {
            $literal = Join-Path $TestDrive 'client[1]'
            Copy-Item -LiteralPath $ClientConfig -Destination $literal

            $interval = Get-SshTimeoutConfig -LiteralPath $literal -HostName web01 | Where-Object Name -EQ 'ServerAliveInterval'

            $interval.Source | Should -Be $literal
            $interval.Value | Should -Be 90
        }

        It 'reads the one file the wildcards of -Path match, through a PowerShell drive' {
            $interval = Get-SshTimeoutConfig -Path 'TestDrive:/client_conf?g' -HostName web01 | Where-Object Name -EQ 'ServerAliveInterval'

            $interval.Source | Should -Be $ClientConfig
        }

        It 'refuses a path of another provider with PathNotFileSystem' {
            { Get-SshTimeoutConfig -Path 'Variable:/PSHOME' } |
                Should -Throw -ErrorId 'PathNotFileSystem,SshKeepAlive.Commands.GetSshTimeoutConfigCommand'
        }
    }

    Context 'errors' {
        It 'throws ConfigFileNotFound for a missing -Path' {
            { Get-SshTimeoutConfig -Path (Join-Path $TestDrive 'nosuch_config') -HostName web01 } |
                Should -Throw -ErrorId 'ConfigFileNotFound,SshKeepAlive.Commands.GetSshTimeoutConfigCommand'
        }

        It 'names the missing path as the target, with category ObjectNotFound' {
            $missing = Join-Path $TestDrive 'nosuch_config'
            $caught = $null
            try { Get-SshTimeoutConfig -Path $missing } catch { $caught = $_ }

            $caught.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $caught.TargetObject | Should -Be $missing
        }

        It 'throws PathScopeAmbiguous for -Path with a scope that has no config file' {
            $caught = { Get-SshTimeoutConfig -Path $ClientConfig -Scope Shell } |
                Should -Throw -ErrorId 'PathScopeAmbiguous,SshKeepAlive.Commands.GetSshTimeoutConfigCommand' -PassThru

            "$($caught.CategoryInfo.Category)" | Should -Be 'InvalidArgument'
        }

        It 'reports an invalid host as a non-terminating error and goes on with the others' {
            $rows = 'web01', 'two words', 'db01' | Get-SshTimeoutConfig -Path $ClientConfig -ErrorVariable hostErrors -ErrorAction SilentlyContinue |
                Where-Object Name -EQ 'ServerAliveInterval'

            @($rows.Target) | Should -Be @('web01', 'db01')
            $hostErrors.Count | Should -Be 1
            $hostErrors[0].FullyQualifiedErrorId | Should -Be 'HostNameInvalid,SshKeepAlive.Commands.GetSshTimeoutConfigCommand'
            $hostErrors[0].TargetObject | Should -Be 'two words'
            "$($hostErrors[0].CategoryInfo.Category)" | Should -Be 'InvalidArgument'
        }
    }

    Context 'streams' {
        It 'warns about an unevaluated Match exec naming file and line, and runs nothing' {
            $rows = Get-SshTimeoutConfig -Path $ExecConfig -HostName web01 -WarningVariable execWarnings -WarningAction SilentlyContinue

            ($execWarnings -join "`n") | Should -BeLike "*${ExecConfig}:2*"
            ($rows | Where-Object Name -EQ 'ServerAliveInterval').Value | Should -Be 0
        }

        It 'stopped with Ctrl-C while a Match exec command runs, stops within a second and leaves no process behind' -Skip:$IsWindows {
            $started = Join-Path $TestDrive 'exec-started'
            $sleep = 'sleep 300.{0}' -f (Get-Random -Minimum 100000 -Maximum 999999)
            $config = Join-Path $TestDrive 'slow_exec_config'
            Write-ConfigText $config "Match exec `"touch $started; $sleep; true`"`n    ServerAliveInterval 5`n"

            $stopTook = Measure-PipelineStop -Script { param($Path) Get-SshTimeoutConfig -Path $Path -HostName web01 -AllowMatchExec } -Parameters @{ Path = $config } -Until {
                Test-Path -LiteralPath $started
            }

            $stopTook | Should -BeLessThan ([timespan]::FromSeconds(1))
            pgrep -x -f $sleep | Should -BeNullOrEmpty
        }

        It 'says on the verbose stream which files it read' {
            $verbose = Get-SshTimeoutConfig -Path $ClientConfig -HostName web01 -Verbose 4>&1 |
                Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }

            @($verbose.Message) | Should -Contain "Read $ClientConfig"
        }
    }

    Context 'views' {
        It 'renders the settings table with value and file:line' {
            $text = Get-SshTimeoutConfig -Path $ClientConfig -HostName web01 | Out-String -Width 400

            $text | Should -Match 'Scope\s+Target\s+Name\s+Value\s+Source'
            $text | Should -Match ('Client\s+web01\s+ServerAliveInterval\s+90\s+' + [regex]::Escape("${ClientConfig}:2"))
            $text | Should -Match 'ChannelTimeout\s+none\s+default'
        }

        It 'renders the summary table' {
            $text = Get-SshTimeoutConfig -Path $ClientConfig -HostName web01 -Summary | Out-String -Width 400

            $text | Should -Match 'Target\s+ClientDeadPeer\s+ServerDeadPeer\s+KeepAlive\s+IdleTimeout'
            $text | Should -Match 'web01\s+450s\s+never\s+90s\s+never'
        }
    }

    # Every cmdlet's -HostName completion is in SshKeepAlive.Module.Tests.ps1; here, how the file is read for it.
    Context 'completion' {
        It 'completes from the file as it is now, once it is written again' {
            $config = Join-Path $TestDrive 'completion_config'
            Set-Content -LiteralPath $config -Value 'Host web01'
            $line = "Get-SshTimeoutConfig -Path '$config' -HostName we"
            @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) | Should -Be @('web01')

            Set-Content -LiteralPath $config -Value 'Host web01 web02'

            @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) | Should -Be @('web01', 'web02')
        }

        It 'does not read the file again on each Tab while it is unchanged' {
            $config = Join-Path $TestDrive 'cached_config'
            $longAgo = [datetime]::SpecifyKind([datetime]'2020-01-01', 'Utc')
            Set-Content -LiteralPath $config -Value 'Host web01'
            (Get-Item -LiteralPath $config).LastWriteTimeUtc = $longAgo
            $line = "Get-SshTimeoutConfig -LiteralPath '$config' -HostName we"
            @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) | Should -Be @('web01')

            # Other bytes behind the same modification time: only the cached answer still says web01.
            Set-Content -LiteralPath $config -Value 'Host web02'
            (Get-Item -LiteralPath $config).LastWriteTimeUtc = $longAgo

            @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) | Should -Be @('web01')
        }
    }
}
