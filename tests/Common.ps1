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

# An sshd_config that sshd -t and -T accept (its own host key and PidFile in a new folder under $TestDrive), then $Text.
function New-ServerConfig([string] $Text) {
    $folder = Join-Path $TestDrive ("server-" + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $folder | Out-Null
    & ssh-keygen -q -t ed25519 -N '' -f (Join-Path $folder 'host_key')
    $path = Join-Path $folder 'sshd_config'
    Write-ConfigText $path "HostKey $folder/host_key`nPidFile $folder/sshd.pid`n$Text"
    $path
}
