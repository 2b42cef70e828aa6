#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.1.0' }

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $cmdletNames = @((Get-Command -Module SshKeepAlive -CommandType Cmdlet).Name)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Module = Get-Module -Name SshKeepAlive
}

Describe 'SshKeepAlive module' {
    It 'imports from the built layout at the manifest version' {
        $Module | Should -Not -BeNullOrEmpty
        $Module.Version.ToString(3) | Should -Be $ModuleVersion
        Split-Path -Parent $Module.Path | Should -Be (Split-Path -Parent $ModuleManifest)
    }

    It 'has a manifest that passes Test-ModuleManifest' {
        $manifest = Test-ModuleManifest -Path $ModuleManifest -ErrorAction Stop
        $manifest.CompatiblePSEditions | Should -Contain 'Core'
        $manifest.CompatiblePSEditions | Should -Contain 'Desktop'
        $manifest.PowerShellVersion | Should -Be ([version]'5.1')
    }

    It 'exports exactly the cmdlets its assembly implements' {
        $implemented = $Module.ImplementingAssembly.GetTypes() |
            ForEach-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { "$($_.VerbName)-$($_.NounName)" } |
            Sort-Object
        $declared = (Test-ModuleManifest -Path $ModuleManifest).ExportedCmdlets.Keys | Sort-Object
        @($declared) | Should -Be @($implemented)
    }

    It 'exports no functions, variables or aliases' {
        $data = Import-PowerShellDataFile -Path $ModuleManifest
        $data.FunctionsToExport | Should -BeNullOrEmpty
        $data.VariablesToExport | Should -BeNullOrEmpty
        $data.AliasesToExport | Should -BeNullOrEmpty
    }

    It 'runs external commands through the CliWrap and diffs through the DiffPlex in its own deps folder and load context' -Skip:($PSVersionTable.PSEdition -ne 'Core') {
        $config = Join-Path $TestDrive 'exec_config'
        [System.IO.File]::WriteAllText($config, "Match exec `"true`"`n    ServerAliveInterval 5`n")
        $null = Get-SshTimeoutConfig -Path $config -HostName web01 -AllowMatchExec
        $plain = Join-Path $TestDrive 'plain_config'
        [System.IO.File]::WriteAllText($plain, "Host web01`n    ServerAliveInterval 5`n")
        $null = Set-SshKeepAlive -Path $plain -HostName web01 -Interval 7 -WhatIf

        foreach ($name in 'CliWrap', 'DiffPlex') {
            $loaded = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq $name })
            $loaded.Count | Should -Be 1 -Because "$name is loaded once"
            [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($loaded[0]).GetType().FullName | Should -Be 'SshKeepAlive.ModuleLoadContext'
            $loaded[0].Location | Should -Be (Join-Path (Split-Path -Parent $ModuleManifest) "deps/$name.dll")
        }
    }

    It 'ships no System.Management.Automation assembly' {
        Get-ChildItem -LiteralPath (Split-Path -Parent $ModuleManifest) -Recurse -Filter 'System.Management.Automation.dll' |
            Should -BeNullOrEmpty
    }
}

Describe 'Help for <_>' -ForEach $cmdletNames {
    BeforeAll {
        $script:Help = Get-Help -Name $_ -Full
        $script:Command = Get-Command -Name $_
    }

    It 'has a synopsis and a description' {
        $Help.Synopsis | Should -Not -BeNullOrEmpty
        $Help.Synopsis | Should -Not -Match '^\s*\w+-\w+\s*(\[|$)'
        ($Help.description.Text -join '') | Should -Not -BeNullOrEmpty
    }

    It 'documents every parameter' {
        $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
        $documented = @($Help.parameters.parameter | ForEach-Object { $_.name })
        foreach ($name in $Command.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $documented | Should -Contain $name -Because "parameter -$name needs help"
        }
    }

    It 'has at least two examples' {
        @($Help.examples.example).Count | Should -BeGreaterOrEqual 2
    }
}
