#Requires -Version 7.4
<#
.SYNOPSIS
    Builds the SshKeepAlive module into out/SshKeepAlive/<version>/, and optionally tests and packages it.

.DESCRIPTION
    Needs only PowerShell 7.4+, the .NET SDK and (for -Test) Pester 5.
    -Test runs the xunit suites (dotnet test) and then Pester in a child pwsh, so this session never
    loads, and so never locks, the freshly built assemblies.

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

    # Run the xunit suites and the Pester suite after building.
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
    Invoke-Native dotnet @('test', (Join-Path $root 'SshKeepAlive.slnx'), '--configuration', $Configuration, '--nologo')

    $pesterScript = {
        param($ModuleRoot, $TestsPath, $ResultPath)
        $env:PSModulePath = $ModuleRoot + [IO.Path]::PathSeparator + $env:PSModulePath
        Import-Module Pester -MinimumVersion 5.0 -ErrorAction Stop
        $config = New-PesterConfiguration
        $config.Run.Path = $TestsPath
        $config.Run.Exit = $true
        $config.Output.Verbosity = 'Detailed'
        $config.TestResult.Enabled = $true
        $config.TestResult.OutputPath = $ResultPath
        Invoke-Pester -Configuration $config
    }
    $pesterArgs = @($outDir, (Join-Path $root 'tests'), (Join-Path $outDir 'pester-results.xml'))
    & ([Environment]::ProcessPath) -NoProfile -NonInteractive -Command $pesterScript -args $pesterArgs
    if ($LASTEXITCODE -ne 0) {
        throw "Pester reported failures (exit code $LASTEXITCODE); see $(Join-Path $outDir 'pester-results.xml')."
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
