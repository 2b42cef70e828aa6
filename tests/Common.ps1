# Dot-sourced by the cmdlet test files in BeforeAll: where the built module is, how to import it, and helpers.
$script:RepoRoot = Split-Path -Parent $PSScriptRoot
$script:ModuleVersion = (Import-PowerShellDataFile -Path (Join-Path $RepoRoot 'SshKeepAlive.psd1')).ModuleVersion
$script:ModuleManifest = Join-Path $RepoRoot "out/SshKeepAlive/$ModuleVersion/SshKeepAlive.psd1"

if (-not (Test-Path -LiteralPath $ModuleManifest)) {
    throw "The built module is missing at $ModuleManifest. Build it first: ./build.ps1 (or dotnet build)."
}

Import-Module -Name $ModuleManifest -Force -ErrorAction Stop
. (Join-Path $PSScriptRoot 'Pwsh.ps1')

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

# The files an edit of $Path leaves beside it: backups, and temporary files (dot files, hence -Force).
function Get-EditCompanionFile([string] $Path) {
    Get-ChildItem -LiteralPath (Split-Path -Parent $Path) -Force -Filter "*$(Split-Path -Leaf $Path).sshka-*"
}

# A new unencrypted ed25519 key pair at $Path and $Path.pub; returns $Path.
function New-TestKey([string] $Path) {
    & ssh-keygen -q -t ed25519 -N '' -f $Path
    if ($LASTEXITCODE -ne 0) { throw "ssh-keygen failed for $Path" }
    $Path
}

# Runs $ScriptBlock with SSH_AUTH_SOCK naming a new ssh-agent that holds the keys at $KeyPath; then stops the agent
# and puts SSH_AUTH_SOCK back.
function Invoke-WithTestAgent {
    param([string[]] $KeyPath = @(), [Parameter(Mandatory)] [scriptblock] $ScriptBlock)
    $folder = New-Item -ItemType Directory -Path (Join-Path $TestDrive ('agent-' + [guid]::NewGuid().ToString('N').Substring(0, 8)))
    $socket = Join-Path $folder 'agent.sock'
    $agent = Start-Process -FilePath ssh-agent -ArgumentList '-D', '-a', $socket -PassThru -RedirectStandardOutput (Join-Path $folder 'agent.out')
    $saved = $env:SSH_AUTH_SOCK
    try {
        Wait-Until { Test-Path -LiteralPath $socket } | Should -BeTrue
        $env:SSH_AUTH_SOCK = $socket
        foreach ($key in $KeyPath) {
            & ssh-add -q $key 2>&1 | Out-Null
            if ($LASTEXITCODE -ne 0) { throw "ssh-add failed for $key" }
        }
        & $ScriptBlock
    }
    finally {
        $env:SSH_AUTH_SOCK = $saved
        Stop-Process -Id $agent.Id -ErrorAction Ignore
    }
}

# What a console shows for $ScriptBlock: it runs in a new pwsh with the built module imported, and the lines that
# pwsh prints come back, host output included (the "What if:" text of -WhatIf and the -Confirm prompt reach the
# host only, never a stream this session could redirect). $ArgumentList arrives as the script's $args, serialized
# as for remoting; $InputLine is what the user types at prompts (without it the pwsh is non-interactive).
# -NoImport leaves the import to the script.
function Invoke-InNewPwsh {
    param(
        [Parameter(Mandatory)] [scriptblock] $ScriptBlock,
        [object[]] $ArgumentList = @(),
        [string[]] $InputLine = @(),
        [switch] $NoImport
    )
    $serialized = [System.Management.Automation.PSSerializer]::Serialize($ArgumentList)
    $script = @(
        "`$PSStyle.OutputRendering = 'PlainText'"
        if (-not $NoImport) { "Import-Module -Name '$($ModuleManifest.Replace("'", "''"))' -ErrorAction Stop" }
        "`$arguments = @([System.Management.Automation.PSSerializer]::Deserialize('$($serialized.Replace("'", "''"))'))"
        "& { $ScriptBlock } @arguments"
    ) -join "`n"
    $pwsh = Get-PwshCommand
    $options = @('-NoProfile', '-NoLogo') + @(if (-not $InputLine) { '-NonInteractive' })
    $encoded = [Convert]::ToBase64String([System.Text.Encoding]::Unicode.GetBytes($script))
    $InputLine | & $pwsh.FilePath $pwsh.Arguments @options -EncodedCommand $encoded 2>&1 | ForEach-Object { "$_" }
}

# True as soon as $Condition returns something true, false when $Seconds pass first.
function Wait-Until {
    param([Parameter(Mandatory)] [scriptblock] $Condition, [double] $Seconds = 30)
    $deadline = [datetime]::UtcNow.AddSeconds($Seconds)
    do {
        if (& $Condition) { return $true }
        Start-Sleep -Milliseconds 100
    } while ([datetime]::UtcNow -lt $deadline)
    $false
}

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

# A person's pwsh in a real terminal: a tmux pane (its own tmux server, -L $Socket) running pwsh with the built module
# imported (a pane the socket already has is ended first). Keys go in with Send-PaneKey, the screen comes back with Get-PaneScreen; Stop-PwshPane ends it all.
function Start-PwshPane {
    param([Parameter(Mandatory)] [string] $Socket, [hashtable] $Environment = @{})
    Stop-PwshPane $Socket
    $pwsh = Get-PwshCommand
    $variables = foreach ($name in $Environment.Keys) { '-e'; "$name=$($Environment[$name])" }
    # A server just killed may still hold its socket for a moment: try again then.
    $started = Wait-Until -Seconds 10 {
        & tmux -L $Socket new-session -d -x 160 -y 40 -e TERM=xterm-256color @variables $pwsh.FilePath @($pwsh.Arguments) -NoProfile -NoLogo -NoExit `
            -Command "Import-Module -Name '$($ModuleManifest.Replace("'", "''"))'; 'module imported'" 2>&1 | Out-Null
        $LASTEXITCODE -eq 0
    }
    if (-not $started) { throw "tmux could not start a pane on $Socket" }
    if (-not (Wait-Until { (Get-PaneScreen $Socket) -match 'module imported\s+PS [^\n]*>' })) {
        throw "pwsh never showed its prompt:`n$(Get-PaneScreen $Socket)"
    }
}

function Send-PaneKey([string] $Socket, [string] $Text, [switch] $Enter) {
    & tmux -L $Socket send-keys -l $Text
    if ($Enter) { & tmux -L $Socket send-keys Enter }
}

function Get-PaneScreen([string] $Socket) { (& tmux -L $Socket capture-pane -p -J -S -200) -join "`n" }

function Stop-PwshPane([string] $Socket) { & tmux -L $Socket kill-server 2>&1 | Out-Null }
