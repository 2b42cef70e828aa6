#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.1.0' }
# Enter-PersistentSsh: what it refuses before any terminal is touched, and, against the sshd testbed, a person's pwsh
# in a real terminal (a tmux pane: keys typed with send-keys, the screen read with capture-pane). Re-attaching
# tmux across a cut path is covered with a scripted terminal in the Core tests.

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
            # One tmux server per run (-L), so its only pane is the target of every command.
            $script:TmuxSocket = "sshka-terminal-$PID"

            function Invoke-Tmux {
                $output = & tmux -L $TmuxSocket @args 2>&1
                if ($LASTEXITCODE -ne 0) { throw "tmux $args failed: $output" }
                $output
            }

            function Get-Screen { (Invoke-Tmux capture-pane -p -J) -join "`n" }

            function Get-RemoteSleepCount {
                @(Invoke-SshTestbed -ArgumentList 'procs', $Bed.RUN_ID | Where-Object { "$_" -match '^\d+ sleep 300$' }).Count
            }
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
            $pwsh = Get-PwshCommand
            Invoke-Tmux new-session -d -x 120 -y 30 -e TERM=xterm-256color $pwsh.FilePath @($pwsh.Arguments) -NoProfile -NoLogo -NoExit `
                -Command "Import-Module -Name '$($ModuleManifest.Replace("'", "''"))'; 'module imported'"
            Wait-Until { (Get-Screen) -match 'module imported\s+PS [^\n]*>' } | Should -BeTrue -Because "pwsh shows its prompt:`n$(Get-Screen)"

            Invoke-Tmux send-keys -l ("Enter-PersistentSsh -HostName $($Bed.USER)@$($Bed.SERVER_1_ADDRESS) -KeyFile $($Bed.PRIVATE_KEY) " +
                "-KnownHostsFile $($Bed.KNOWN_HOSTS) -StrictHostKeyChecking Yes -ConfigPath /dev/null -Multiplexer None")
            Invoke-Tmux send-keys Enter
            # The remote bash's prompt, user@host:~$, on a line of its own (the typed command line names user@address too).
            Wait-Until { (Get-Screen) -match "(?m)^$($Bed.USER)@[^\s:]+:[^\n]*\$ *$" } | Should -BeTrue -Because "the remote prompt shows:`n$(Get-Screen)"

            # Arrow keys: the cursor goes back over "abc" and the X lands before it.
            Invoke-Tmux send-keys -l "echo $marker-abc"
            Invoke-Tmux send-keys Left Left Left X Enter
            # Ctrl-C interrupts a remote program; the shell then runs the next command.
            Invoke-Tmux send-keys -l "sleep 300`r"
            Wait-Until { (Get-RemoteSleepCount) -eq 1 } | Should -BeTrue -Because "the remote sleep starts:`n$(Get-Screen)"
            Invoke-Tmux send-keys C-c
            Invoke-Tmux send-keys -l "echo $marker-after`r"

            Wait-Until { (Get-Screen).Contains("`n$marker-after`n") } | Should -BeTrue -Because "the shell runs the command after Ctrl-C:`n$(Get-Screen)"
            Get-Screen | Should -BeLike "*`n$marker-Xabc`n*"
            Get-RemoteSleepCount | Should -Be 0

            # Leaving the remote shell ends the cmdlet and gives the prompt back.
            Invoke-Tmux send-keys -l "exit`r"
            Wait-Until { (Get-Screen) -match "$marker-after[\s\S]*\nPS [^\n]*>\s*$" } | Should -BeTrue -Because "pwsh shows its prompt again:`n$(Get-Screen)"
        }
    }
}
