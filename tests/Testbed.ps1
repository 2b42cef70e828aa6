# Dot-sourced by Pester files that need the sshd testbed (tests/testbed/testbed): start a run, read its facts,
# drive it, tear it down. The same script backs the xunit fixture (tests/Shared/Testbed.cs).
$script:TestbedScript = Join-Path $PSScriptRoot 'testbed/testbed'

# Why testbed tests cannot run here, or $null when they can (or must: SSHKA_REQUIRE_TESTBED=1, as in CI).
function Get-SshTestbedSkipReason {
    if ($env:SSHKA_REQUIRE_TESTBED -eq '1') { return $null }
    if (-not $IsLinux) { return 'The sshd testbed needs Linux network namespaces.' }
    if ((& id -u) -ne '0') { return 'The sshd testbed needs root (network namespaces, nftables, containers).' }
    if (@('/usr/sbin/nft', '/usr/bin/podman', '/usr/bin/mmdebstrap', '/usr/bin/ssh-keygen') | Where-Object { -not (Test-Path -LiteralPath $_) }) {
        return 'nftables, podman, mmdebstrap or openssh-client is missing: run tests/testbed/install-packages as root.'
    }
    return $null
}

function Invoke-SshTestbed {
    param([Parameter(Mandatory)] [string[]] $ArgumentList)
    $output = & $script:TestbedScript @ArgumentList 2>&1
    if ($LASTEXITCODE -ne 0) {
        throw "testbed $($ArgumentList -join ' ') failed (exit $LASTEXITCODE): $($output -join "`n")"
    }
    $output
}

# Starts a run owned by this pwsh process; returns its facts as an object (RUN_ID, USER, PRIVATE_KEY,
# KNOWN_HOSTS, SERVER_1_ADDRESS, SERVER_1_SSHD_CONFIG, SERVER_1_SSHD_LOG, SERVER_1_CONTAINER,
# SERVER_1_OPENSSH_VERSION, ...). -Suite picks the servers' Debian release (bookworm: OpenSSH 9.2p1,
# trixie: 10.0p2, bullseye: 8.4p1); its image is built on first use.
function Start-SshTestbed {
    param([int] $IdleTimeout = 300, [int] $Servers = 1, [string] $Suite = 'bookworm')
    ConvertFrom-SshTestbedFacts (Invoke-SshTestbed -ArgumentList @('up', '--idle-timeout', $IdleTimeout, '--servers', $Servers, '--suite', $Suite, '--owner', $PID))
}

# Starts -Count more servers of -Suite in the run; returns the run's facts, now with them (SERVER_<k>_...).
function Add-SshTestbedServer {
    param([Parameter(Mandatory)] $Testbed, [int] $Count = 1, [string] $Suite = 'bookworm')
    ConvertFrom-SshTestbedFacts (Invoke-SshTestbed -ArgumentList @('add-servers', $Testbed.RUN_ID, $Count, '--suite', $Suite))
}

# The KEY=VALUE lines the testbed prints, as an object.
function ConvertFrom-SshTestbedFacts([string[]] $Line) {
    $facts = [ordered]@{}
    foreach ($text in $Line) {
        $name, $value = "$text" -split '=', 2
        if ($null -ne $value) { $facts[$name] = $value }
    }
    [pscustomobject] $facts
}

# Appends -Line to server -Server's sshd_config and reloads it; returns the file's text before, for Restore-SshTestbedSshdConfig.
function Add-SshTestbedSshdConfig {
    param([Parameter(Mandatory)] $Testbed, [int] $Server = 1, [Parameter(Mandatory)] [string[]] $Line)
    $path = $Testbed."SERVER_$($Server)_SSHD_CONFIG"
    $before = Get-Content -LiteralPath $path -Raw
    Add-Content -LiteralPath $path -Value $Line
    Invoke-SshTestbed -ArgumentList @('reload', $Testbed.RUN_ID, $Server) | Out-Null
    $before
}

function Restore-SshTestbedSshdConfig {
    param([Parameter(Mandatory)] $Testbed, [int] $Server = 1, [Parameter(Mandatory)] [string] $Text)
    Set-Content -LiteralPath $Testbed."SERVER_$($Server)_SSHD_CONFIG" -Value $Text -NoNewline
    Invoke-SshTestbed -ArgumentList @('reload', $Testbed.RUN_ID, $Server) | Out-Null
}

# Runs a command as root inside server -Server's container (its files, users and network); returns its output.
function Invoke-SshTestbedServerCommand {
    param([Parameter(Mandatory)] $Testbed, [int] $Server = 1, [Parameter(Mandatory)] [string[]] $Command)
    Invoke-SshTestbed -ArgumentList (@('exec', $Testbed.RUN_ID, $Server, '--') + $Command)
}

# The cmdlets validate a server edit with this machine's sshd (sshd -t), which needs its privilege separation
# directory; the ssh service makes it when it starts, so a machine where sshd never ran lacks it. Tests that
# edit a server config through the cmdlets call this first instead of relying on an earlier run.
function Initialize-SshTestbedLocalSshd {
    & install -d -m 0755 /run/sshd
    if ($LASTEXITCODE -ne 0) { throw 'cannot create /run/sshd' }
}

function Stop-SshTestbed {
    param([Parameter(Mandatory)] $Testbed)
    Invoke-SshTestbed -ArgumentList @('down', $Testbed.RUN_ID) | Out-Null
}

# OpenSSH client arguments for server 1 of a run: the test key, its known_hosts, no user or system config.
# -Option values (ssh -o) come first, so they win.
function Get-SshTestbedClientArgument {
    param([Parameter(Mandatory)] $Testbed, [string[]] $Option = @(), [string] $Command)
    $arguments = foreach ($o in $Option) { '-o'; $o }
    $arguments += @(
        '-F', '/dev/null', '-i', $Testbed.PRIVATE_KEY, '-p', $Testbed.SERVER_1_PORT,
        '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes',
        '-o', "UserKnownHostsFile=$($Testbed.KNOWN_HOSTS)", '-o', 'ConnectTimeout=10',
        "$($Testbed.USER)@$($Testbed.SERVER_1_ADDRESS)")
    if ($Command) { $arguments += $Command }
    $arguments
}

# Parameters for New-PersistentSshSession and Enter-PersistentSsh that reach server 1 of a run with the test key,
# checking its host key against the run's known_hosts. A new table each call, so a test may change it.
function Get-SshTestbedSessionParameter {
    param([Parameter(Mandatory)] $Testbed)
    @{
        HostName              = "$($Testbed.USER)@$($Testbed.SERVER_1_ADDRESS)"
        Port                  = $Testbed.SERVER_1_PORT
        KeyFile               = $Testbed.PRIVATE_KEY
        KnownHostsFile        = $Testbed.KNOWN_HOSTS
        StrictHostKeyChecking = 'Yes'
    }
}

# Server 1 as the bastion of server 2, which is then reachable only through it (testbed link and isolate).
function Set-SshTestbedBastion {
    param([Parameter(Mandatory)] $Testbed)
    Invoke-SshTestbed -ArgumentList @('link', $Testbed.RUN_ID, 1, 2) | Out-Null
    Invoke-SshTestbed -ArgumentList @('isolate', $Testbed.RUN_ID, 2) | Out-Null
}

# An ssh_config with a Host block per testbed server (bed1, bed2, ...): its address, user, the test key (-NoKey: none)
# and known_hosts, StrictHostKeyChecking yes; -Extra lines go at the top, where they apply to every host, and -PerHost
# lines first in a host's block, so they win.
function New-SshTestbedConfig {
    param([Parameter(Mandatory)] $Testbed, [Parameter(Mandatory)] [string] $Path, [string[]] $Extra = @(), [hashtable] $PerHost = @{}, [switch] $NoKey)
    $lines = @($Extra)
    for ($k = 1; $k -le [int] $Testbed.SERVER_COUNT; $k++) {
        $lines += "Host bed$k"
        $lines += "  HostName $($Testbed."SERVER_$($k)_ADDRESS")"
        $lines += "  Port $($Testbed."SERVER_$($k)_PORT")"
        $lines += "  User $($Testbed.USER)"
        if ($PerHost.ContainsKey("bed$k")) { $lines += $PerHost["bed$k"] | ForEach-Object { "  $_" } }
        if (-not $NoKey) { $lines += "  IdentityFile $($Testbed.PRIVATE_KEY)" }
        $lines += "  UserKnownHostsFile $($Testbed.KNOWN_HOSTS)"
        $lines += '  StrictHostKeyChecking yes'
    }
    Set-Content -LiteralPath $Path -Value $lines
    $Path
}

# The servers of a run as -ComputerName takes them (user@address), in server order.
function Get-SshTestbedComputerName {
    param([Parameter(Mandatory)] $Testbed)
    foreach ($k in 1..[int] $Testbed.SERVER_COUNT) { "$($Testbed.USER)@$($Testbed."SERVER_$($k)_ADDRESS")" }
}

# Connection parameters of the fleet cmdlets (-ComputerName) for a run's servers: its key and known_hosts, host keys checked.
function Get-SshTestbedFleetParameter {
    param([Parameter(Mandatory)] $Testbed, [int] $ConnectTimeout = 10)
    @{
        KeyFile               = $Testbed.PRIVATE_KEY
        KnownHostsFile        = $Testbed.KNOWN_HOSTS
        StrictHostKeyChecking = 'Yes'
        ConnectTimeout        = $ConnectTimeout
    }
}

# What sudo asks of the test account on server -Server: nothing (NoPassword), its password (Password), or not allowed (None).
function Set-SshTestbedSudo {
    param([Parameter(Mandatory)] $Testbed, [int] $Server = 1, [ValidateSet('NoPassword', 'Password', 'None')] [string] $Mode = 'NoPassword')
    $rule = @{ NoPassword = "$($Testbed.USER) ALL=(ALL) NOPASSWD: ALL"; Password = "$($Testbed.USER) ALL=(ALL) ALL"; None = '' }[$Mode]
    Invoke-SshTestbedServerCommand -Testbed $Testbed -Server $Server -Command @(
        'sh', '-c', 'printf "%s\n" "$1" > /etc/sudoers.d/sshka && chmod 0440 /etc/sudoers.d/sshka', 'sh', $rule) | Out-Null
}

# Makes server -Server's sshd act up once it loads a config holding the line -Marker (tests/testbed/sshd-fault): deny the test
# account's new logins, or die. sshd -t, -T and the running daemon are unchanged. -Remove puts the real sshd back.
function Set-SshTestbedSshdFault {
    param([Parameter(Mandatory)] $Testbed, [int] $Server = 1, [string] $Marker, [ValidateSet('deny', 'die')] [string] $Action = 'deny', [switch] $Remove)
    if ($Remove) {
        Invoke-SshTestbedServerCommand -Testbed $Testbed -Server $Server -Command @('sh', '-c', 'if [ -e /usr/sbin/sshd.real ]; then mv -f /usr/sbin/sshd.real /usr/sbin/sshd; fi; rm -f /etc/sshka-fault') | Out-Null
        return
    }
    # The server's folder is mounted at the same path inside its container.
    $folder = Split-Path -Parent $Testbed."SERVER_$($Server)_SSHD_CONFIG"
    Copy-Item -LiteralPath (Join-Path $PSScriptRoot 'testbed/sshd-fault') -Destination (Join-Path $folder 'sshd-fault')
    Invoke-SshTestbedServerCommand -Testbed $Testbed -Server $Server -Command @(
        'sh', '-c', '[ -e /usr/sbin/sshd.real ] || mv /usr/sbin/sshd /usr/sbin/sshd.real; install -m 0755 "$1/sshd-fault" /usr/sbin/sshd && printf "%s\n%s\n" "$2" "$3" > /etc/sshka-fault',
        'sh', $folder, $Marker, $Action) | Out-Null
}
