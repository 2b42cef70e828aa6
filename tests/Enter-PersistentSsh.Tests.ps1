#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.1.0' }
# Enter-PersistentSsh: what it refuses before any terminal is touched, and, against the sshd testbed, a person's pwsh
# in a real terminal (a tmux pane: keys typed with send-keys, the screen read with capture-pane). Re-attaching
# tmux across a cut path is covered with a scripted terminal in the Core tests; re-attaching screen is covered here.
# A wait's result is kept ($seen) before Should: PowerShell evaluates every argument of a pipeline before it runs, so a
# -Because built in the same pipeline would show the pane as it was before the wait.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Testbed.ps1')
    $script:SkipReason = Get-SshTestbedSkipReason
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'Testbed.ps1')
}

Describe 'Enter-PersistentSsh' {
    It 'refuses <Case> with <ErrorId>' -ForEach @(
        @{ Case = 'a malformed destination'; Arguments = @{ HostName = 'user@' }; ErrorId = 'HostNameInvalid' }
        @{ Case = 'a multiplexer session name the remote shell could misread'; Arguments = @{ HostName = '127.0.0.1'; SessionName = 'a b' }; ErrorId = 'MultiplexerSessionNameInvalid' }
        @{ Case = 'a key file that does not exist'; Arguments = @{ HostName = '127.0.0.1'; KeyFile = '/nonexistent/id_ed25519' }; ErrorId = 'KeyFileUnusable' }
    ) {
        $caught = { Enter-PersistentSsh @Arguments } | Should -Throw -ErrorId "$ErrorId,SshKeepAlive.Commands.EnterPersistentSshCommand" -PassThru

        "$($caught.CategoryInfo.Category)" | Should -Be 'InvalidArgument'
        $caught.TargetObject | Should -Not -BeNullOrEmpty
        $caught.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
    }

    It 'accepts only the known multiplexers' {
        { Enter-PersistentSsh -HostName 127.0.0.1 -Multiplexer byobu } | Should -Throw -ErrorId 'ParameterArgumentValidationError,SshKeepAlive.Commands.EnterPersistentSshCommand'
    }

    Context 'against the sshd testbed' -Skip:($null -ne $SkipReason) {
        BeforeAll {
            $Bed = Start-SshTestbed
            # One tmux server per run (-L); each test's windows are sessions of it, named after what runs in them.
            $script:TmuxSocket = "sshka-terminal-$PID"

            function Invoke-Tmux {
                $output = & tmux -L $TmuxSocket @args 2>&1
                if ($LASTEXITCODE -ne 0) { throw "tmux $args failed: $output" }
                $output
            }

            function Get-Screen([string] $Pane) { (Invoke-Tmux capture-pane -p -J -t $Pane) -join "`n" }

            function Get-RemoteSleepCount {
                @(Invoke-SshTestbed -ArgumentList 'procs', $Bed.RUN_ID | Where-Object { "$_" -match '^\d+ sleep 300$' }).Count
            }

            # A command on server 1 through OpenSSH's client (not the module under test).
            function Invoke-Remote([string] $Command) {
                $output = & ssh @(Get-SshTestbedClientArgument -Testbed $Bed -Command $Command) 2>&1
                if ($LASTEXITCODE -ne 0) { throw "ssh $Command failed: $output" }
                $output
            }

            # A pane (a tmux session named $Pane, 120x30, TERM=xterm-256color and the NAME=VALUE pairs of $Environment)
            # running pwsh with the module imported, at its prompt.
            function Start-PwshPane([string] $Pane, [string[]] $Environment = @()) {
                $pwsh = Get-PwshCommand
                $variables = foreach ($variable in $Environment) { '-e'; $variable }
                Invoke-Tmux new-session -d -s $Pane -x 120 -y 30 -e TERM=xterm-256color @variables $pwsh.FilePath @($pwsh.Arguments) -NoProfile -NoLogo -NoExit `
                    -Command "Import-Module -Name '$($ModuleManifest.Replace("'", "''"))'; 'module imported'"
                $seen = Wait-Until { (Get-Screen $Pane) -match 'module imported\s+PS [^\n]*>' }
                $seen | Should -BeTrue -Because "pwsh shows its prompt:`n$(Get-Screen $Pane)"
            }

            # Types Enter-PersistentSsh to server 1 into the pane's pwsh, with the test key and known_hosts and no
            # ssh_config (or $ConfigPath's); $Arguments are further parameters as typed.
            # Keys typed while pwsh has printed its first prompt but PSReadLine does not read yet are dropped: the
            # line is typed again until pwsh echoes it, and Enter is pressed only then.
            function Send-EnterPersistentSsh([string] $Pane, [string] $Arguments, [string] $KnownHosts = $Bed.KNOWN_HOSTS, [string] $ConfigPath = '/dev/null') {
                $line = "Enter-PersistentSsh -HostName $($Bed.USER)@$($Bed.SERVER_1_ADDRESS) -KeyFile $($Bed.PRIVATE_KEY) " +
                    "-KnownHostsFile $KnownHosts -StrictHostKeyChecking Yes -ConfigPath $ConfigPath $Arguments"
                $echoed = Wait-Until {
                    if ((Get-Screen $Pane) -match 'Enter-PersistentSsh') { return $true }
                    Invoke-Tmux send-keys -t $Pane -l $line
                    Start-Sleep -Milliseconds 500
                    (Get-Screen $Pane) -match 'Enter-PersistentSsh'
                }
                $echoed | Should -BeTrue -Because "pwsh echoes the typed line:`n$(Get-Screen $Pane)"
                Invoke-Tmux send-keys -t $Pane Enter
            }

            # The remote bash's prompt, user@host:~$, ending a line (the typed command line names user@address too, without
            # the colon). It may follow the command line on one joined line: a command line that ends at the pane's right
            # edge leaves its row marked wrapped, and capture-pane -J joins the next row to it (a fresh clone's 239-column
            # line in a 120-column pane showed "... -Multiplexer None sshka@s1:~$").
            function Test-RemotePrompt([string] $Pane) { (Get-Screen $Pane) -match "(?m)(^|\s)$($Bed.USER)@[^\s:]+:[^\n]*\$ *$" }

            # pwsh's prompt as the last thing on the screen: the cmdlet has returned.
            function Test-PwshPrompt([string] $Pane) { (Get-Screen $Pane) -match '\nPS [^\n]*>\s*$' }

            function Stop-Pane([string] $Pane) { & tmux -L $TmuxSocket kill-session -t $Pane 2>&1 | Out-Null }
        }
        AfterAll {
            & tmux -L $TmuxSocket kill-server 2>&1 | Out-Null
            if ($Bed) { Stop-SshTestbed -Testbed $Bed }
        }

        It 'refuses a server whose key is not known, before opening a shell' {
            $knownHosts = Join-Path $TestDrive 'empty_known_hosts'
            $credential = [pscredential]::new($Bed.USER, (ConvertTo-SecureString -String $Bed.PASSWORD -AsPlainText -Force))

            $caught = {
                Enter-PersistentSsh -HostName $Bed.SERVER_1_ADDRESS -Port $Bed.SERVER_1_PORT -Credential $credential `
                    -KnownHostsFile $knownHosts -StrictHostKeyChecking Yes
            } | Should -Throw -ErrorId 'HostKeyUnknown,SshKeepAlive.Commands.EnterPersistentSshCommand' -PassThru

            "$($caught.CategoryInfo.Category)" | Should -Be 'SecurityError'
            $caught.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
            Test-Path -LiteralPath $knownHosts | Should -BeFalse
        }

        It 'in a terminal, takes typed arrows and Ctrl-C to the remote shell, and exit back to pwsh' {
            $marker = 'ska' + [guid]::NewGuid().ToString('N').Substring(0, 8)
            Start-PwshPane 'keys'
            Send-EnterPersistentSsh 'keys' '-Multiplexer None'
            $seen = Wait-Until { Test-RemotePrompt 'keys' }
            $seen | Should -BeTrue -Because "the remote prompt shows:`n$(Get-Screen 'keys')"
            # Arrow keys: the cursor goes back over "abc" and the X lands before it.
            Invoke-Tmux send-keys -t keys -l "echo $marker-abc"
            Invoke-Tmux send-keys -t keys Left Left Left X Enter
            # Ctrl-C interrupts a remote program; the shell then runs the next command.
            Invoke-Tmux send-keys -t keys -l "sleep 300`r"
            $seen = Wait-Until { (Get-RemoteSleepCount) -eq 1 }
            $seen | Should -BeTrue -Because "the remote sleep starts:`n$(Get-Screen 'keys')"
            Invoke-Tmux send-keys -t keys C-c
            Invoke-Tmux send-keys -t keys -l "echo $marker-after`r"

            $seen = Wait-Until { (Get-Screen 'keys').Contains("`n$marker-after`n") }

            $seen | Should -BeTrue -Because "the shell runs the command after Ctrl-C:`n$(Get-Screen 'keys')"
            Get-Screen 'keys' | Should -BeLike "*`n$marker-Xabc`n*"
            Get-RemoteSleepCount | Should -Be 0

            # Leaving the remote shell ends the cmdlet and gives the prompt back.
            Invoke-Tmux send-keys -t keys -l "exit`r"
            $seen = Wait-Until { (Get-Screen 'keys') -match "$marker-after[\s\S]*\nPS [^\n]*>\s*$" }
            $seen | Should -BeTrue -Because "pwsh shows its prompt again:`n$(Get-Screen 'keys')"
            Stop-Pane 'keys'
        }

        It 'sends every byte a terminal produces as ssh -t does: each C0 control, DEL, terminal replies, keys, UTF-8 and a 1 MiB paste' {
            # The oracle: OpenSSH's ssh -t in one pane, the cmdlet in another, each reaching a remote recorder (a raw,
            # echo-less pty copied to a file); the same keys go to both panes, and the two files must be equal.
            $dir = "/tmp/sshka-fidelity-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
            $recorder = "stty raw -echo -iexten; printf 'rec%s\n' ready; exec cat > $dir/"
            Invoke-Remote "mkdir -p $dir"
            $pwsh = Get-PwshCommand
            Invoke-Tmux new-session -d -s oracle -x 120 -y 30 -e TERM=xterm-256color ssh -tt @(Get-SshTestbedClientArgument -Testbed $Bed -Command "${recorder}ssh.bin")
            Start-PwshPane 'ours'
            Send-EnterPersistentSsh 'ours' '-Multiplexer None'
            $seen = Wait-Until { Test-RemotePrompt 'ours' }
            $seen | Should -BeTrue -Because "the remote prompt shows:`n$(Get-Screen 'ours')"
            Invoke-Tmux send-keys -t ours -l "${recorder}ours.bin`r"
            foreach ($pane in 'oracle', 'ours') {
                $seen = Wait-Until { (Get-Screen $pane) -match '(?m)^recready' }
                $seen | Should -BeTrue -Because "the recorder runs in $($pane):`n$(Get-Screen $pane)"
            }

            # Each C0 control alone (a read of one NUL once ended the session), then all in one read; terminal replies
            # (DA1, DA2, cursor position, XTVERSION and OSC with ST and with BEL, DECRQSS, focus, SGR mouse), bracketed paste.
            $controls = @(0..31 + 127 | ForEach-Object { '{0:x2}' -f $_ })
            $hexInputs = @($controls | ForEach-Object { , @($_) }) + , $controls
            $replies = @(
                "`e[?64;1;2;6;9;15;16;17;18;21;22;28c", "`e[>41;330;0c", "`e[12;40R", "`eP>|tmux 3.3a`e\", "`e]11;rgb:0000/0000/0000`a",
                "`e]10;rgb:ffff/ffff/ffff`e\", "`eP1`$r0m`e\", "`e[I", "`e[O", "`e[<0;10;5M", "`e[200~pasted text`e[201~")
            $hexInputs += $replies | ForEach-Object { , @([Text.Encoding]::UTF8.GetBytes($_) | ForEach-Object { '{0:x2}' -f $_ }) }
            # Keys as tmux encodes them for a pane: Alt, function keys, Ctrl-arrows, Shift-Tab, editing keys; and UTF-8 text.
            $keys = @('M-a', 'M-x', 'F1', 'F5', 'F12', 'C-Left', 'C-Right', 'BTab', 'Up', 'Home', 'End', 'PageUp', 'DC', 'C-Space', 'C-\')
            $text = "héllo €uro 😀 中文`r"
            # A paste of 1 MiB: every byte value but '~' (ssh's escape character after a newline), in random order.
            $paste = [byte[]]::new(1MB)
            [Random]::new(1125).NextBytes($paste)
            for ($i = [Array]::IndexOf($paste, [byte] 0x7e); $i -ge 0; $i = [Array]::IndexOf($paste, [byte] 0x7e, $i)) { $paste[$i] = 0x7f }
            $pasteFile = Join-Path $TestDrive 'paste.bin'
            [IO.File]::WriteAllBytes($pasteFile, $paste)
            Invoke-Tmux load-buffer -b fidelity $pasteFile
            $end = 'END' + [guid]::NewGuid().ToString('N')

            foreach ($pane in 'oracle', 'ours') {
                foreach ($hex in $hexInputs) { Invoke-Tmux send-keys -t $pane -H @hex }
                foreach ($key in $keys) { Invoke-Tmux send-keys -t $pane $key }
                Invoke-Tmux send-keys -t $pane -l $text
                Invoke-Tmux paste-buffer -r -b fidelity -t $pane
                Invoke-Tmux send-keys -t $pane -l $end
            }

            $ended = Wait-Until { (@(Invoke-Remote "grep -ac $end $dir/ssh.bin $dir/ours.bin; true") -match ':1$').Count -eq 2 } -Seconds 60
            $report = @(Invoke-Remote "cd $dir && stat -c '%n %s' ssh.bin ours.bin && sha256sum ssh.bin ours.bin && cmp -l ssh.bin ours.bin | head -n 5; true")
            Invoke-Remote "pkill -f '[c]at > $dir/'; rm -rf $dir; true" | Out-Null
            Stop-Pane 'oracle'; Stop-Pane 'ours'

            $ended | Should -BeTrue -Because "both recorders receive the last key: $($report -join '; ')"
            ($report[2] -split ' ')[0] | Should -Be ($report[3] -split ' ')[0] -Because "the server must read what ssh -t sends (sizes, digests and the first differing bytes: $($report -join '; '))"
        }

        It 'gives the interactive shell (multiplexer <Multiplexer>) the variables SendEnv names and SetEnv sets, as ssh -t does' -ForEach @(
            # None: a pty and a shell; Tmux and Screen: a pty with the attach command (the tmux server or screen session it
            # starts has the command's environment).
            @{ Multiplexer = 'None' }, @{ Multiplexer = 'Tmux' }, @{ Multiplexer = 'Screen' }
        ) {
            $sshd = Add-SshTestbedSshdConfig -Testbed $Bed -Line 'AcceptEnv SSHKA_*'
            $saved = @{}
            foreach ($name in 'SSHKA_SENT', 'SSHKA_NOT', 'SSHKA_BOTH') { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }
            try {
                $print = 'echo "env:${SSHKA_SENT-unset}:${SSHKA_NOT-unset}:${SSHKA_SET-unset}:${SSHKA_BOTH-unset}"'
                $env:SSHKA_SENT = 'sent'; $env:SSHKA_NOT = 'here'; $env:SSHKA_BOTH = 'local'
                $sshSees = & ssh -tt @(Get-SshTestbedClientArgument -Testbed $Bed -Option 'SendEnv=SSHKA_SENT SSHKA_BOTH', 'SetEnv=SSHKA_SET=set SSHKA_BOTH=setenv' -Command $print) 2>$null
                $config = Join-Path $TestDrive 'env_config'
                Set-Content -LiteralPath $config -Value 'SendEnv SSHKA_SENT SSHKA_BOTH', 'SetEnv SSHKA_SET=set SSHKA_BOTH=setenv'
                # A tmux server left running would give the new session its own environment, not the attach command's.
                Invoke-Remote 'tmux kill-server 2>/dev/null; true' | Out-Null
                Start-PwshPane 'env' -Environment 'SSHKA_SENT=sent', 'SSHKA_NOT=here', 'SSHKA_BOTH=local'
                Send-EnterPersistentSsh 'env' "-Multiplexer $Multiplexer -SessionName ska$([guid]::NewGuid().ToString('N').Substring(0, 8))" -ConfigPath $config
                $seen = Wait-Until { Test-RemotePrompt 'env' }
                $seen | Should -BeTrue -Because "the remote prompt shows:`n$(Get-Screen 'env')"
                Invoke-Tmux send-keys -t env -l "$print`r"

                "$sshSees".Trim() | Should -BeExactly 'env:sent:unset:set:setenv'
                $seen = Wait-Until { (Get-Screen 'env') -match '(?m)^env:sent:unset:set:setenv$' }
                $seen | Should -BeTrue -Because "the shell has what ssh -t gives it:`n$(Get-Screen 'env')"
                Invoke-Tmux send-keys -t env -l "exit`r"
                $seen = Wait-Until { Test-PwshPrompt 'env' }
                $seen | Should -BeTrue -Because "the cmdlet ends with the shell:`n$(Get-Screen 'env')"
            }
            finally {
                foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
                Stop-Pane 'env'
                Restore-SshTestbedSshdConfig -Testbed $Bed -Text $sshd
            }
        }

        It 'attaches tmux as the channel''s command, not a line typed into the login shell, and the first line typed after attaching runs' {
            # tmux asks the terminal for its version on attach; a reply that lost its final ESC swallowed the next typed line.
            $name = 'ska' + [guid]::NewGuid().ToString('N').Substring(0, 8)
            $logBefore = (Get-Content -LiteralPath $Bed.SERVER_1_SSHD_LOG).Count
            Start-PwshPane 'tmux'
            Send-EnterPersistentSsh 'tmux' "-Multiplexer Tmux -SessionName $name"
            $seen = Wait-Until { (Invoke-Remote "tmux has-session -t $name 2>/dev/null && echo up; true") -eq 'up' }
            $seen | Should -BeTrue -Because "tmux starts:`n$(Get-Screen 'tmux')"
            $seen = Wait-Until { Test-RemotePrompt 'tmux' }
            $seen | Should -BeTrue -Because "the shell in tmux shows its prompt:`n$(Get-Screen 'tmux')"
            Invoke-Tmux send-keys -t tmux -l "echo first-`$((6*7))`r"

            $seen = Wait-Until { (Get-Screen 'tmux') -match '(?m)^first-42$' }

            $seen | Should -BeTrue -Because "the first line typed runs:`n$(Get-Screen 'tmux')"
            $sessions = @(Get-Content -LiteralPath $Bed.SERVER_1_SSHD_LOG | Select-Object -Skip $logBefore | Where-Object { $_ -match 'Starting session: (\w+) on pts' } | ForEach-Object { $Matches[1] })
            $sessions | Should -Be @('command') -Because 'sshd starts the pty session with the attach command, not a login shell'
            Invoke-Remote "tmux kill-session -t $name" | Out-Null
            $seen = Wait-Until { Test-PwshPrompt 'tmux' }
            $seen | Should -BeTrue -Because "the cmdlet ends with the tmux session:`n$(Get-Screen 'tmux')"
            Stop-Pane 'tmux'
        }

        Context 'with screen' {
            BeforeAll {
                # Both places screen keeps its sockets here: the system folder and the one SCREENDIR names when that is unusable.
                function Get-ScreenList {
                    Invoke-Remote 'screen -ls 2>/dev/null; SCREENDIR=$HOME/.screen screen -ls 2>/dev/null; true'
                }

                # Makes screen's socket folder as Debian's boot does (tmpfiles.d/screen-cleanup.conf), or leaves it missing as in
                # a container without systemd.
                function Initialize-ScreenSocketFolder([string] $Folder) {
                    if ($Folder -eq 'made at boot') {
                        Invoke-SshTestbedServerCommand -Testbed $Bed -Command 'install', '-d', '-m', '0777', '-g', 'utmp', '/run/screen' | Out-Null
                    }
                }

                # The screen clients of session $Name on the server (the attach command creating or re-attaching it; the
                # session itself runs as SCREEN): one per terminal attached.
                function Get-ScreenClientCount([string] $Name) {
                    @(Invoke-SshTestbed -ArgumentList 'procs', $Bed.RUN_ID | Where-Object { "$_" -cmatch "^\d+ screen (-D -RR )?-S $Name$" }).Count
                }
            }
            AfterEach {
                Stop-Pane 'screen'; Stop-Pane 'rescreen'
                Invoke-SshTestbedServerCommand -Testbed $Bed -Command 'sh', '-c', 'pkill -i -x screen; rm -rf /run/screen /home/*/.screen; true' | Out-Null
            }

            It 'attaches screen (socket folder <Folder>) as the channel''s command: the remote prompt shows, a typed command runs, and a session whose name only starts with the same letters is left alone' -ForEach @(
                @{ Folder = 'made at boot'; Sockets = '/run/screen/S-' }
                @{ Folder = 'missing, as in a container without systemd'; Sockets = '/home/[^/]+/\.screen' }
            ) {
                $name = 'ska' + [guid]::NewGuid().ToString('N').Substring(0, 8)
                Initialize-ScreenSocketFolder $Folder
                # "screen -S NAME" also matches NAME2; the attach must create NAME instead of joining it.
                Invoke-Remote "screen -ls 2>/dev/null | grep -q ' in /' || export SCREENDIR=`$HOME/.screen; screen -dmS ${name}2 sleep 300" | Out-Null
                $logBefore = (Get-Content -LiteralPath $Bed.SERVER_1_SSHD_LOG).Count
                Start-PwshPane 'screen'
                Send-EnterPersistentSsh 'screen' "-Multiplexer Screen -SessionName $name"
                $seen = Wait-Until { Test-RemotePrompt 'screen' }
                $seen | Should -BeTrue -Because "the shell in screen shows its prompt:`n$(Get-Screen 'screen')"
                Invoke-Tmux send-keys -t screen -l "echo first-`$((6*7)) `$STY`r"

                $seen = Wait-Until { (Get-Screen 'screen') -match "(?m)^first-42 \d+\.$name$" }

                $seen | Should -BeTrue -Because "the first line typed runs in screen session $($name):`n$(Get-Screen 'screen')"
                $list = Get-ScreenList
                @($list -match "^\s+\d+\.$name\s") | Should -HaveCount 1 -Because "screen lists the session:`n$($list -join "`n")"
                $list -join "`n" | Should -Match "\d+ Sockets in $Sockets" -Because 'the sockets are where screen keeps them'
                $sessions = @(Get-Content -LiteralPath $Bed.SERVER_1_SSHD_LOG | Select-Object -Skip $logBefore | Where-Object { $_ -match 'Starting session: (\w+) on pts' } | ForEach-Object { $Matches[1] })
                $sessions | Should -Be @('command') -Because 'sshd starts the pty session with the attach command, not a login shell'
                Invoke-Tmux send-keys -t screen -l "exit`r"
                $seen = Wait-Until { Test-PwshPrompt 'screen' }
                $seen | Should -BeTrue -Because "the cmdlet ends with the screen session:`n$(Get-Screen 'screen')"
            }

            It 'after a cut path comes back, re-attaches the same screen session, its loop still running, at the terminal''s new size' {
                $name = 'ska' + [guid]::NewGuid().ToString('N').Substring(0, 8)
                Start-PwshPane 'rescreen'
                Send-EnterPersistentSsh 'rescreen' "-Multiplexer Screen -SessionName $name -KeepAliveInterval 1 -KeepAliveCountMax 2 -ReconnectDelay 0.2"
                $seen = Wait-Until { Test-RemotePrompt 'rescreen' }
                $seen | Should -BeTrue -Because "the shell in screen shows its prompt:`n$(Get-Screen 'rescreen')"
                Invoke-Tmux send-keys -t rescreen -l "n=0; while :; do n=`$((n+1)); echo tick-`$n; sleep 1; done`r"
                $seen = Wait-Until { (Get-Screen 'rescreen') -match '(?m)^tick-3$' }
                $seen | Should -BeTrue -Because "the loop runs:`n$(Get-Screen 'rescreen')"
                Invoke-SshTestbed -ArgumentList @('cut', $Bed.RUN_ID) | Out-Null
                try {
                    $seen = Wait-Until { (Get-Screen 'rescreen') -match 'lost \d+ s ago' }
                    $seen | Should -BeTrue -Because "the loss is noticed:`n$(Get-Screen 'rescreen')"
                    $lastTick = [regex]::Matches((Get-Screen 'rescreen'), '(?m)^tick-(\d+)$') | ForEach-Object { [int] $_.Groups[1].Value } | Measure-Object -Maximum
                    Invoke-Tmux resize-window -t rescreen -x 100 -y 24
                }
                finally {
                    Invoke-SshTestbed -ArgumentList @('restore', $Bed.RUN_ID) | Out-Null
                }

                # Ticks the loop printed during the cut (screen kept it running) show after re-attaching.
                Wait-Until { (Get-Screen 'rescreen') -match '(?m)^tick-(\d+)$' -and [int] ([regex]::Matches((Get-Screen 'rescreen'), '(?m)^tick-(\d+)$') | Select-Object -Last 1).Groups[1].Value -gt $lastTick.Maximum + 3 } |
                    Should -BeTrue -Because "the loop kept counting past tick-$($lastTick.Maximum):`n$(Get-Screen 'rescreen')"
                $list = Get-ScreenList
                @($list -match "^\s+\d+\.$name\s+\S.*\(Attached\)") | Should -HaveCount 1 -Because "one screen session, attached again:`n$($list -join "`n")"
                $seen = Wait-Until { (Get-ScreenClientCount $name) -eq 1 }
                $seen | Should -BeTrue -Because "the client of the dead connection is detached: $(Get-ScreenClientCount $name) clients"
                Invoke-Tmux send-keys -t rescreen C-c
                Invoke-Tmux send-keys -t rescreen -l "echo size=`$(stty size)`r"
                $seen = Wait-Until { (Get-Screen 'rescreen') -match '(?m)^size=24 100$' }
                $seen | Should -BeTrue -Because "the re-attached window takes the terminal's size:`n$(Get-Screen 'rescreen')"
                Invoke-Tmux send-keys -t rescreen -l "exit`r"
                $seen = Wait-Until { Test-PwshPrompt 'rescreen' }
                $seen | Should -BeTrue -Because "the cmdlet ends with the screen session:`n$(Get-Screen 'rescreen')"
            }
        }

        It 'shows during an outage how long it lasts, the attempt, the next try and how to give up; Ctrl-C gives up with an error' {
            Start-PwshPane 'giveup'
            Send-EnterPersistentSsh 'giveup' '-Multiplexer None -KeepAliveInterval 1 -KeepAliveCountMax 2'
            $seen = Wait-Until { Test-RemotePrompt 'giveup' }
            $seen | Should -BeTrue -Because "the remote prompt shows:`n$(Get-Screen 'giveup')"
            Invoke-SshTestbed -ArgumentList @('cut', $Bed.RUN_ID) | Out-Null
            try {
                $status = '\[SshKeepAlive\] Connection to \S+ lost (\d+) s ago; attempt (\d+) (in \d+ s|under way) \(Ctrl-C or ~\. to give up\)'
                $seen = Wait-Until { (Get-Screen 'giveup') -match $status }
                $seen | Should -BeTrue -Because "the status line shows:`n$(Get-Screen 'giveup')"
                $seen = Wait-Until { (Get-Screen 'giveup') -match $status -and [int] $Matches[1] -ge 3 }
                $seen | Should -BeTrue -Because "the status line counts the outage:`n$(Get-Screen 'giveup')"
                Invoke-Tmux send-keys -t giveup C-c

                $seen = Wait-Until { Test-PwshPrompt 'giveup' } -Seconds 10

                $seen | Should -BeTrue -Because "Ctrl-C gives up:`n$(Get-Screen 'giveup')"
            }
            finally {
                Invoke-SshTestbed -ArgumentList @('restore', $Bed.RUN_ID) | Out-Null
            }
            Invoke-Tmux send-keys -t giveup -l "'succeeded=' + `$? + ' ' + `$Error[0].FullyQualifiedErrorId`r"
            $seen = Wait-Until { (Get-Screen 'giveup') -match '(?m)^succeeded=\w+ \S*$' }
            $seen | Should -BeTrue -Because "pwsh answers:`n$(Get-Screen 'giveup')"
            Get-Screen 'giveup' | Should -Match '(?m)^succeeded=False SessionReconnectAbandoned,SshKeepAlive\.Commands\.EnterPersistentSshCommand$'
            Stop-Pane 'giveup'
        }

        It 'reports a host key that changed while reconnecting as HostKeyChanged, with both fingerprints' {
            $knownHosts = Join-Path $TestDrive 'known_hosts'
            Copy-Item -LiteralPath $Bed.KNOWN_HOSTS -Destination $knownHosts
            $serverFingerprint = (& ssh-keygen -l -E sha256 -f $Bed.SERVER_1_HOST_KEY) -split ' ' | Select-Object -Index 1
            Start-PwshPane 'hostkey'
            Send-EnterPersistentSsh 'hostkey' '-Multiplexer None -KeepAliveInterval 1 -KeepAliveCountMax 2 -ReconnectDelay 0.2' -KnownHosts $knownHosts
            $seen = Wait-Until { Test-RemotePrompt 'hostkey' }
            $seen | Should -BeTrue -Because "the remote prompt shows:`n$(Get-Screen 'hostkey')"
            Invoke-SshTestbed -ArgumentList @('cut', $Bed.RUN_ID) | Out-Null
            try {
                $seen = Wait-Until { (Get-Screen 'hostkey') -match 'lost \d+ s ago' }
                $seen | Should -BeTrue -Because "the loss is noticed:`n$(Get-Screen 'hostkey')"
                # Another key for the server's address, as if the server had been replaced while the path was down.
                $other = New-TestKey (Join-Path $TestDrive 'other_host_key')
                $otherFingerprint = (& ssh-keygen -l -E sha256 -f "$other.pub") -split ' ' | Select-Object -Index 1
                Set-Content -LiteralPath $knownHosts -Value "$($Bed.SERVER_1_ADDRESS) $((Get-Content -LiteralPath "$other.pub") -replace ' \S+$')"
            }
            finally {
                Invoke-SshTestbed -ArgumentList @('restore', $Bed.RUN_ID) | Out-Null
            }

            $seen = Wait-Until { Test-PwshPrompt 'hostkey' }

            $seen | Should -BeTrue -Because "the cmdlet gives up on a changed key:`n$(Get-Screen 'hostkey')"
            Invoke-Tmux send-keys -t hostkey -l ("`$e = `$Error[0]; 'id=' + `$e.FullyQualifiedErrorId; 'category=' + `$e.CategoryInfo.Category; " +
                "'message=' + `$e.Exception.Message; 'action=' + `$e.ErrorDetails.RecommendedAction`r")
            $seen = Wait-Until { (Get-Screen 'hostkey') -match '(?m)^action=' }
            $seen | Should -BeTrue -Because "pwsh answers:`n$(Get-Screen 'hostkey')"
            $screen = Get-Screen 'hostkey'
            $screen | Should -Match '(?m)^id=HostKeyChanged,SshKeepAlive\.Commands\.EnterPersistentSshCommand$'
            $screen | Should -Match '(?m)^category=SecurityError$'
            $message = ($screen -split "`n" | Where-Object { $_ -like 'message=*' }) -join ' '
            $message | Should -BeLike "*$serverFingerprint*"
            $message | Should -BeLike "*$otherFingerprint*"
            $screen | Should -Not -Match 'did not come back|Get-PersistentSshSession'
            Stop-Pane 'hostkey'
        }
    }
}
