#Requires -Version 7.4
<#
.SYNOPSIS
    Builds the SshKeepAlive module into out/SshKeepAlive/<version>/, and optionally tests and packages it.

.DESCRIPTION
    Needs PowerShell 7.4+ and the .NET SDK; the repository pins PowerShell as a local .NET tool, so on a machine
    with only the SDK: dotnet tool restore, then dotnet pwsh ./build.ps1.

    -Test runs the whole suite: the Core xunit tests (dotnet test), then the cmdlets' Pester suite
    (tests/*.Tests.ps1) with the Pester that tests/Tools restores from NuGet first on PSModulePath, in a child
    pwsh so this session never loads, and so never locks, the freshly built assemblies. It ends with one line,
    "N passed, N failed, N skipped", summed over both, and exits 1 when anything failed. Under
    SSHKA_REQUIRE_TESTBED=1 (CI) a skipped test fails the run too.

.EXAMPLE
    ./build.ps1 -Clean -Test

.EXAMPLE
    ./build.ps1 -Configuration Release -Package
#>
[CmdletBinding()]
param(
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug',

    # Remove out/ and every bin/ and obj/ folder first.
    [switch] $Clean,

    # Run the xunit suite and the Pester suite after building.
    [switch] $Test,

    # Write a gallery-ready SshKeepAlive.<version>.nupkg of the built module to out/.
    [switch] $Package
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$root = $PSScriptRoot
$outDir = Join-Path $root 'out'
$version = (Import-PowerShellDataFile -Path (Join-Path $root 'SshKeepAlive.psd1')).ModuleVersion
$moduleDir = Join-Path $outDir "SshKeepAlive/$version"

function Invoke-Native {
    param([string] $FilePath, [string[]] $ArgumentList)
    Write-Verbose "$FilePath $($ArgumentList -join ' ')"
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) {
        throw "$FilePath $($ArgumentList -join ' ') failed with exit code $LASTEXITCODE."
    }
}

# Runs the Core xunit suite; its counts come from the TRX files it writes. (Out-Host: the runners' output is shown,
# not returned with the counts.)
function Invoke-XunitSuite([string] $ResultsDir) {
    & dotnet test (Join-Path $root 'SshKeepAlive.slnx') --configuration $Configuration --nologo `
        --logger 'trx;LogFilePrefix=xunit' --results-directory $ResultsDir | Out-Host
    $succeeded = $LASTEXITCODE -eq 0
    $passed = $failed = $skipped = 0
    foreach ($trx in Get-ChildItem -LiteralPath $ResultsDir -Filter 'xunit*.trx' -ErrorAction Ignore) {
        $counters = ([xml] (Get-Content -LiteralPath $trx.FullName -Raw)).TestRun.ResultSummary.Counters
        $passed += [int] $counters.passed
        $failed += [int] $counters.failed
        $skipped += [int] $counters.notExecuted
    }
    [pscustomobject]@{ Runner = 'xunit'; Succeeded = $succeeded; Passed = $passed; Failed = $failed; Skipped = $skipped }
}

# Runs the Pester suite in a child pwsh with the restored Pester and the built module first on PSModulePath.
function Invoke-PesterSuite([string] $ResultsDir) {
    Invoke-Native dotnet @('build', (Join-Path $root 'tests/Tools/SshKeepAlive.TestTools.csproj'), '--nologo', '-verbosity:quiet') | Out-Host
    $summaryPath = Join-Path $ResultsDir 'pester-summary.json'
    $pesterScript = {
        param($PesterModules, $BuiltModules, $TestsPath, $ResultPath, $SummaryPath)
        $env:PSModulePath = $PesterModules, $BuiltModules, $env:PSModulePath -join [IO.Path]::PathSeparator
        Import-Module (Join-Path $PesterModules 'Pester') -ErrorAction Stop
        $config = New-PesterConfiguration
        $config.Run.Path = $TestsPath
        $config.Run.PassThru = $true
        $config.Output.Verbosity = 'Detailed'
        $config.TestResult.Enabled = $true
        $config.TestResult.OutputPath = $ResultPath
        $result = Invoke-Pester -Configuration $config
        # A file that could not run counts as a failed test; a block whose setup or teardown failed fails the run
        # (Result) even when its tests passed.
        @{
            Result  = $result.Result
            Passed  = $result.PassedCount
            Failed  = $result.FailedCount + $result.FailedContainersCount
            Skipped = $result.SkippedCount + $result.NotRunCount
        } | ConvertTo-Json | Set-Content -LiteralPath $SummaryPath
    }
    $pwsh = Get-PwshCommand
    & $pwsh.FilePath $pwsh.Arguments -NoProfile -NonInteractive -OutputFormat Text -Command $pesterScript -args @(
        (Join-Path $outDir 'tools/modules'), $outDir, (Join-Path $root 'tests'), (Join-Path $ResultsDir 'pester.xml'), $summaryPath) | Out-Host
    $exitCode = $LASTEXITCODE
    $summary = if (Test-Path -LiteralPath $summaryPath) { Get-Content -LiteralPath $summaryPath -Raw | ConvertFrom-Json } else { $null }
    if (-not $summary) {
        return [pscustomobject]@{ Runner = 'Pester'; Succeeded = $false; Passed = 0; Failed = 0; Skipped = 0 }
    }
    [pscustomobject]@{
        Runner = 'Pester'; Succeeded = $exitCode -eq 0 -and $summary.Result -eq 'Passed'
        Passed = $summary.Passed; Failed = $summary.Failed; Skipped = $summary.Skipped
    }
}

. (Join-Path $root 'tests/Pwsh.ps1')

if ($Clean) {
    Write-Host "Cleaning $outDir and build outputs"
    Remove-Item -LiteralPath $outDir -Recurse -Force -ErrorAction Ignore
    Get-ChildItem -Path (Join-Path $root 'src'), (Join-Path $root 'tests'), (Join-Path $root 'bench') -Directory -Recurse -Include bin, obj |
        Remove-Item -Recurse -Force
}

# Building the cmdlet project lays out the module (manifest, assemblies, deps/, en-US/, format file).
Invoke-Native dotnet @('build', (Join-Path $root 'src/SshKeepAlive/SshKeepAlive.csproj'), '--configuration', $Configuration, '--nologo')
Write-Host "Built SshKeepAlive $version in $moduleDir"

if ($Test) {
    $resultsDir = Join-Path $outDir 'test-results'
    Remove-Item -LiteralPath $resultsDir -Recurse -Force -ErrorAction Ignore
    New-Item -ItemType Directory -Path $resultsDir | Out-Null
    $runs = @((Invoke-XunitSuite $resultsDir), (Invoke-PesterSuite $resultsDir))

    $passed = ($runs | Measure-Object -Property Passed -Sum).Sum
    $failed = ($runs | Measure-Object -Property Failed -Sum).Sum
    $skipped = ($runs | Measure-Object -Property Skipped -Sum).Sum
    $problems = @($runs | Where-Object { -not $_.Succeeded } | ForEach-Object { "$($_.Runner) reported a failure." })
    if ($env:SSHKA_REQUIRE_TESTBED -eq '1' -and $skipped -gt 0) {
        $problems += "SSHKA_REQUIRE_TESTBED=1 allows no skipped test; this run skipped $skipped."
    }
    $problems | ForEach-Object { Write-Host $_ }
    Write-Host "Test results: $resultsDir"
    # The one closing line of the whole suite.
    Write-Host "$passed passed, $failed failed, $skipped skipped"
    if ($problems) {
        exit 1
    }
}

if ($Package) {
    # A throw-away local repository: Publish-PSResource validates the manifest and writes the .nupkg there.
    $repoName = "SshKeepAliveBuild$PID"
    $repoDir = Join-Path $outDir 'package'
    New-Item -ItemType Directory -Path $repoDir -Force | Out-Null
    Register-PSResourceRepository -Name $repoName -Uri $repoDir -Trusted
    try {
        Publish-PSResource -Path $moduleDir -Repository $repoName -SkipDependenciesCheck
    }
    finally {
        Unregister-PSResourceRepository -Name $repoName
    }
    Get-ChildItem -LiteralPath $repoDir -Filter "SshKeepAlive.$version.nupkg" | Move-Item -Destination $outDir -Force -PassThru |
        ForEach-Object { Write-Host "Packaged $($_.FullName)" }
}
