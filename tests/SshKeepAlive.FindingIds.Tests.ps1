#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.1.0' }
# Finding ids of Test-SshKeepAlive, module-wide: the one catalogue (Core's FindingId) against the README's findings
# table and the help, and every id made by one check.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'ErrorCatalogue.ps1')
    $script:FindingIds = @(Get-FindingCatalogue | ForEach-Object { @{ Id = $_ } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'ErrorCatalogue.ps1')

    $readme = Get-Content -LiteralPath (Join-Path $RepoRoot 'README.md')
    $findings = $readme.IndexOf('## Findings')
    $script:Documented = @($readme[$findings..($readme.Count - 1)] | Where-Object { $_ -match '^\| `(\w+)` \| ' } | ForEach-Object { $Matches[1] })
    $script:Help = Get-Help -Name Test-SshKeepAlive -Full | Out-String -Width 4000
    $script:Checks = Get-ChildItem -LiteralPath (Join-Path $RepoRoot 'src/SshKeepAlive.Core/Diagnostics/Checks') -Filter '*.cs' |
        Select-String -Pattern 'FindingId Id => FindingId\.(\w+);' | ForEach-Object { $_.Matches[0].Groups[1].Value }
}

Describe 'Finding id <Id>' -ForEach $FindingIds {
    It 'is in the README''s findings table' {
        $Documented | Should -Contain $Id
    }

    It 'is explained in the help of Test-SshKeepAlive' {
        $Help | Should -Match "\b$Id\b:"
    }

    It 'is made by exactly one check' {
        @($Checks | Where-Object { $_ -eq $Id }).Count | Should -Be 1
    }

    It 'is not also an error id' {
        @(Get-ErrorCatalogue | ForEach-Object { $_.Id }) | Should -Not -Contain $Id
    }
}

Describe 'Finding ids across the module' {
    It 'the README documents no finding id the catalogue does not have' {
        $catalogue = @(Get-FindingCatalogue)
        @($Documented | Where-Object { $_ -notin $catalogue }) | Should -BeNullOrEmpty
    }
}
