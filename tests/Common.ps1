# Dot-sourced by every *.Tests.ps1 in BeforeAll: where the built module is, and how to import it.
$script:RepoRoot = Split-Path -Parent $PSScriptRoot
$script:ModuleVersion = (Import-PowerShellDataFile -Path (Join-Path $RepoRoot 'SshKeepAlive.psd1')).ModuleVersion
$script:ModuleManifest = Join-Path $RepoRoot "out/SshKeepAlive/$ModuleVersion/SshKeepAlive.psd1"

if (-not (Test-Path -LiteralPath $ModuleManifest)) {
    throw "The built module is missing at $ModuleManifest. Build it first: dotnet build (or ./build.ps1)."
}

Import-Module -Name $ModuleManifest -Force -ErrorAction Stop

# Config files with exact bytes (Set-Content and Get-Content would add or drop line endings).
function Write-ConfigText([string] $Path, [string] $Text) { [System.IO.File]::WriteAllText($Path, $Text) }
function Read-ConfigText([string] $Path) { [System.IO.File]::ReadAllText($Path) }

# Runs $Script in a runspace of its own with the module imported, waits (30 s at most) until $Until holds,
# then stops it as Ctrl-C does (PowerShell calls StopProcessing) and returns how long stopping took.
function Measure-PipelineStop([scriptblock] $Script, [hashtable] $Parameters, [scriptblock] $Until) {
    # One statement in a runspace that imports the module: a batch (AddStatement) would go on to its next statement
    # on a pool thread after Stop, and fail there once the runspace is disposed, ending the process.
    $state = [System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2()
    $state.ImportPSModule($ModuleManifest)
    $shell = [powershell]::Create($state)
    try {
        $null = $shell.AddScript($Script.ToString()).AddParameters($Parameters)
        $running = $shell.BeginInvoke()
        $deadline = [datetime]::UtcNow.AddSeconds(30)
        while (-not (& $Until)) {
            if ($running.IsCompleted -or [datetime]::UtcNow -gt $deadline) {
                throw "The command ended or never got to the point of stopping: $($shell.Streams.Error)"
            }
            Start-Sleep -Milliseconds 20
        }
        $stopping = [System.Diagnostics.Stopwatch]::StartNew()
        $shell.Stop()
        $stopping.Elapsed
    }
    finally {
        $shell.Dispose()
    }
}
