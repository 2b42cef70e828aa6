#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.1.0' }
# Error ids, module-wide: the one catalogue (Core's ErrorId) against the README's table, the source that raises
# them, the help and the Pester files that name them.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'ErrorCatalogue.ps1')
    $script:Catalogue = @(Get-ErrorCatalogue)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'ErrorCatalogue.ps1')

    # Noun-Problem: one or more capitalised words naming the thing, then what is wrong with it.
    $script:ProblemPattern = '(NotFound|ReadOnly|Locked|Failed|Invalid|NotFileSystem|Ambiguous|Missing|NotInScope|NotEditable|OverriddenElsewhere|NotEffective|Rejected|Unknown|Changed|Revoked|Unusable|Unavailable|LostDuringCommand|IsDirectory|NotRegular|Unreadable|OverriddenByMatch|NotAllowedInMatch|ChangesOtherHosts|ChangesOtherConnections|Included|NotReloaded|Abandoned|Exhausted|Unsupported)'
    # Ids PowerShell itself raises for our cmdlets (parameter binding), which the catalogue does not own.
    $script:PowerShellIds = @('ParameterArgumentValidationError', 'ParameterArgumentTransformationError', 'AmbiguousParameterSet', 'NamedParameterNotFound')

    $script:Documented = @{}
    foreach ($line in Get-Content -LiteralPath (Join-Path $RepoRoot 'README.md')) {
        if ($line -match '^\| `(\w+)` \| (\w+) \| .+ \|$') { $Documented[$Matches[1]] = $Matches[2] }
    }

    $script:Sources = Get-ChildItem -LiteralPath (Join-Path $RepoRoot 'src') -Recurse -Filter '*.cs' |
        Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' }
    $script:CatalogueIds = @(Get-ErrorCatalogue | ForEach-Object { $_.Id })
}

Describe 'Error id <Id>' -ForEach $Catalogue {
    It 'is in the README''s table with the category it is raised with (<Category>)' {
        $Documented.ContainsKey($Id) | Should -BeTrue -Because "README.md's error table needs a row for $Id"
        $Documented[$Id] | Should -Be $Category
    }

    It 'is named Noun-Problem' {
        $Id | Should -Match "^([A-Z][a-z]+|Sshd)+$ProblemPattern$"
        $Id | Should -Not -Match '^(Invalid|No[A-Z]|PersistentSsh)'
    }

    It 'is raised somewhere in the source' {
        $raisers = $Sources | Where-Object { $_.Name -notin 'ErrorId.cs', 'ErrorAdvice.cs' } |
            Select-String -Pattern "ErrorId\.$Id\b" -List
        $raisers | Should -Not -BeNullOrEmpty -Because "an id nothing raises is dead"
    }
}

Describe 'Error ids across the module' {
    It 'the README documents no id the catalogue does not have' {
        @($Documented.Keys | Where-Object { $_ -notin $CatalogueIds }) | Should -BeNullOrEmpty
    }

    It 'every ErrorRecord is made by ErrorRecords, from a catalogue id' {
        $made = $Sources | Where-Object Name -NE 'ErrorRecords.cs' | Select-String -Pattern 'new\s+ErrorRecord\s*\('
        $made | Should -BeNullOrEmpty
        $literalIds = $Sources | Select-String -Pattern '(ConfigEditException|SshKeepAliveException|ErrorRecords\.Create)\(\s*"'
        $literalIds | Should -BeNullOrEmpty
    }

    It 'the Pester files assert only ids the module has' {
        $asserted = Get-ChildItem -LiteralPath $PSScriptRoot -Filter '*.Tests.ps1' |
            Select-String -Pattern "'(\w+),SshKeepAlive\.Commands\.|ErrorId = '(\w+)'" -AllMatches |
            ForEach-Object { $_.Matches } | ForEach-Object { $_.Groups[1].Value, $_.Groups[2].Value } | Where-Object { $_ } |
            Sort-Object -Unique
        @($asserted | Where-Object { $_ -notin $CatalogueIds -and $_ -notin $PowerShellIds }) | Should -BeNullOrEmpty
    }

    It 'the help names only ids the module has' {
        $help = Get-Content -Raw -LiteralPath (Join-Path $RepoRoot 'en-US/SshKeepAlive.dll-Help.xml')
        $named = [regex]::Matches($help, "\b[A-Z][A-Za-z]+$ProblemPattern\b") | ForEach-Object Value | Sort-Object -Unique
        $categories = [enum]::GetNames([System.Management.Automation.ErrorCategory])
        $findings = @(Get-FindingCatalogue)
        # ssh_config keywords the help names that merely look like ids.
        $openSshKeywords = @('IgnoreUnknown')
        @($named | Where-Object { $_ -notin $CatalogueIds -and $_ -notin $categories -and $_ -notin $findings -and $_ -notin $openSshKeywords }) | Should -BeNullOrEmpty
    }
}
