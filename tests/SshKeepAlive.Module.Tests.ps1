#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.1.0' }
# The module as a whole: manifest, built layout, dependency isolation, and the conventions every cmdlet keeps
# (complete help with examples that bind, a format view for every output type, host name completion).

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $cmdletNames = @((Get-Command -Module SshKeepAlive -CommandType Cmdlet).Name)
    # Every cmdlet with a -HostName completes it from the config file it would read (-Path or -ConfigPath).
    $hostNameCompletions = foreach ($command in Get-Command -Module SshKeepAlive -CommandType Cmdlet) {
        if ($command.Parameters.ContainsKey('HostName')) {
            @{ Name = $command.Name; PathParameter = @('Path', 'ConfigPath').Where({ $command.Parameters.ContainsKey($_) }, 'First')[0] }
        }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Module = Get-Module -Name SshKeepAlive
    $script:ModuleDirectory = Split-Path -Parent $ModuleManifest
}

Describe 'SshKeepAlive module' {
    It 'imports from the built layout at the manifest version' {
        $Module | Should -Not -BeNullOrEmpty
        $Module.Version.ToString(3) | Should -Be $ModuleVersion
        Split-Path -Parent $Module.Path | Should -Be $ModuleDirectory
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

    It 'exports no functions, variables or aliases: empty lists, not wildcards' {
        $text = Get-Content -LiteralPath $ModuleManifest -Raw
        foreach ($list in 'FunctionsToExport', 'VariablesToExport', 'AliasesToExport') {
            $text | Should -Match "$list\s*=\s*@\(\)"
        }
    }

    It 'diffs through the DiffPlex in its own deps folder and load context' -Skip:($PSVersionTable.PSEdition -ne 'Core') {
        $plain = Join-Path $TestDrive 'plain_config'
        [System.IO.File]::WriteAllText($plain, "Host web01`n    ServerAliveInterval 5`n")
        $null = Set-SshKeepAlive -Path $plain -HostName web01 -Interval 7 -WhatIf

        $loaded = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'DiffPlex' })
        $loaded.Count | Should -Be 1 -Because 'DiffPlex is loaded once'
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($loaded[0]).GetType().FullName | Should -Be 'SshKeepAlive.ModuleLoadContext'
        $loaded[0].Location | Should -Be (Join-Path $ModuleDirectory 'deps/DiffPlex.dll')
    }

    It 'runs 40,000 short programs from 8 threads through the shipped Core, each returning its own output' {
        # CliWrap 3.10's netstandard2.0 build, once Core's process runner, lost a completion about once in 10,000 runs
        # here and hung past its own time limit, unstoppable. So in a pwsh of its own, killed if it never ends: a hang
        # fails this test instead of the run.
        $script = @"
Import-Module '$($ModuleManifest.Replace("'", "''"))' -ErrorAction Stop
`$null = Get-SshTimeoutConfig -HostName localhost -ErrorAction Ignore  # loads Core into the module's load context
1..8 | ForEach-Object -ThrottleLimit 8 -Parallel {
    `$core = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'SshKeepAlive.Core' }
    `$run = `$core.GetType('SshKeepAlive.Core.Platform.ExternalCommand', `$true).GetMethod('Run')
    `$worker = `$_
    foreach (`$i in 1..5000) {
        `$output = `$run.Invoke(`$null, @('/bin/echo', [string[]]@("`$worker.`$i"), [TimeSpan]::FromSeconds(30), [Threading.CancellationToken]::None)).Output
        if (`$output -ne "`$worker.`$i``n") { "worker `$worker run `$i printed '`$output'" }
    }
    "worker `$worker done"
}
"@
        $pwsh = Get-PwshCommand
        $start = [System.Diagnostics.ProcessStartInfo]::new($pwsh.FilePath)
        foreach ($argument in @($pwsh.Arguments) + @('-NoProfile', '-NonInteractive', '-EncodedCommand', [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script)))) {
            $start.ArgumentList.Add($argument)
        }
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $process = [System.Diagnostics.Process]::Start($start)
        try {
            $output = $process.StandardOutput.ReadToEndAsync()
            $errors = $process.StandardError.ReadToEndAsync()
            $process.WaitForExit(600000) | Should -BeTrue -Because 'a run that never returns hangs the process'
            $lines = @($output.Result -split "`\r?`\n" | Where-Object { $_ })
            $lines | Where-Object { $_ -notmatch '^worker \d done$' } | Should -BeNullOrEmpty -Because $errors.Result
            $lines.Count | Should -Be 8
        }
        finally {
            if (-not $process.HasExited) {
                $process.Kill($true)
            }
            $process.Dispose()
        }
    }

    It 'lays out the cmdlets at the root and Core with SSH.NET in deps/, shipping no engine' {
        $files = Get-ChildItem -LiteralPath $ModuleDirectory -Recurse -File |
            ForEach-Object { [IO.Path]::GetRelativePath($ModuleDirectory, $_.FullName).Replace('\', '/') }

        $files | Should -Contain 'SshKeepAlive.dll'
        $files | Should -Contain 'SshKeepAlive.Format.ps1xml'
        $files | Should -Contain 'en-US/SshKeepAlive.dll-Help.xml'
        $files | Should -Contain 'deps/SshKeepAlive.Core.dll'
        $files | Should -Contain 'deps/Renci.SshNet.dll'
        $files | Should -Not -Contain 'SshKeepAlive.Core.dll'
        $files | Where-Object { $_ -like '*System.Management.Automation.dll' } | Should -BeNullOrEmpty
    }

    It 'stamps the manifest version into its assemblies' {
        foreach ($assembly in 'SshKeepAlive.dll', 'deps/SshKeepAlive.Core.dll') {
            [Reflection.AssemblyName]::GetAssemblyName((Join-Path $ModuleDirectory $assembly)).Version |
                Should -Be ([version]"$ModuleVersion.0") -Because $assembly
        }
    }

    It 'uses its own SSH.NET beside an older one already loaded in the session, as with Posh-SSH imported first' {
        $olderSshNet = Join-Path $RepoRoot 'out/tools/older-ssh.net/Renci.SshNet.dll'
        $key = New-TestKey (Join-Path $TestDrive 'id_isolation')

        $printed = Invoke-InNewPwsh -NoImport {
            param($OlderSshNet, $Manifest, $Key)
            Add-Type -LiteralPath $OlderSshNet
            Import-Module -Name $Manifest -ErrorAction Stop
            $sessionCopy = [Renci.SshNet.SshClient].Assembly
            $moduleCopy = [SshKeepAlive.ModuleLoadContext]::Instance.LoadFromAssemblyName([System.Reflection.AssemblyName] 'Renci.SshNet')
            "session copy: $($sessionCopy.GetName().Version) default=$([System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($sessionCopy) -eq [System.Runtime.Loader.AssemblyLoadContext]::Default)"
            "module copy: $($moduleCopy.GetName().Version) $([System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($moduleCopy).GetType().FullName)"
            # The module's own SSH.NET reads the key and tries to connect: a clean ConnectFailed, no type clash.
            New-PersistentSshSession -HostName 127.0.0.1 -Port 1 -KeyFile $Key -ConnectTimeout 5 -ErrorAction SilentlyContinue -ErrorVariable failures
            "connect: $($failures.FullyQualifiedErrorId)"
        } -ArgumentList $olderSshNet, $ModuleManifest, $key

        $printed | Should -Contain "session copy: $([Reflection.AssemblyName]::GetAssemblyName($olderSshNet).Version) default=True"
        $printed | Should -Contain "module copy: $([Reflection.AssemblyName]::GetAssemblyName((Join-Path $ModuleDirectory 'deps/Renci.SshNet.dll')).Version) SshKeepAlive.ModuleLoadContext"
        $printed | Should -Contain 'connect: ConnectionFailed,SshKeepAlive.Commands.NewPersistentSshSessionCommand'
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

    It 'has at least two examples, each of which parses and binds every command it runs' {
        @($Help.examples.example).Count | Should -BeGreaterOrEqual 2
        foreach ($example in $Help.examples.example) {
            $errors = $null
            $ast = [System.Management.Automation.Language.Parser]::ParseInput(($example.code -join "`n"), [ref] $null, [ref] $errors)
            $errors | Should -BeNullOrEmpty -Because "$($example.title) must parse"
            $calls = $ast.FindAll({ $args[0] -is [System.Management.Automation.Language.CommandAst] }, $true)
            $calls.GetCommandName() | Should -Contain $_ -Because "$($example.title) shows $_"
            foreach ($call in $calls) {
                Get-Command -Name $call.GetCommandName() -ErrorAction Ignore | Should -Not -BeNullOrEmpty -Because "$($example.title) runs $($call.GetCommandName())"
                $binding = [System.Management.Automation.Language.StaticParameterBinder]::BindCommand($call, $true)
                $binding.BindingExceptions.Values.BindingException.Message | Should -BeNullOrEmpty -Because "$($example.title): $call"
            }
        }
    }
}

Describe 'Output types' {
    It '<_> declares its output types, and each has a format view' -ForEach $cmdletNames {
        $declared = (Get-Command -Name $_).OutputType
        $declared | Should -Not -BeNullOrEmpty -Because 'every cmdlet says what it writes, [OutputType(typeof(void))] if nothing'
        # Primitives (Test-SshKeepAlive -Quiet's [bool]) and strings are rendered by PowerShell itself.
        $types = $declared.Type | Where-Object { $_ -ne [void] -and -not $_.IsPrimitive -and $_ -ne [string] }
        foreach ($type in $types) {
            Get-FormatData -TypeName $type.FullName | Should -Not -BeNullOrEmpty -Because "$($type.FullName) needs a view"
        }
    }
}

Describe 'Completion of -HostName in <Name>' -ForEach $hostNameCompletions {
    It 'offers the literal Host names of the -<PathParameter> file, keeping a typed user@' {
        $config = Join-Path $TestDrive 'completion_config'
        Write-ConfigText $config "Host web01 web02 web*`nHost db01`n"
        $line = "$Name -$PathParameter '$config' -HostName admin@we"

        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches

        # CompletionText quotes anything with '@', which is harmless to type.
        @($completions.CompletionText) | Should -Be @("'admin@web01'", "'admin@web02'")
    }
}
