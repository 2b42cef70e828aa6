using System;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Sessions;
using SshKeepAlive.Core.Terminal;
using SshKeepAlive.Testing;
using Xunit;
using static SshKeepAlive.Core.Tests.Sessions.TestbedSessions;

namespace SshKeepAlive.Core.Tests.Terminal
{
    /// <summary>The interactive shell of Enter-PersistentSsh, with a scripted terminal, across a cut path.</summary>
    public sealed class InteractiveShellTestbedTests
    {
        [TestbedFact]
        public void CutPathFor10s_ReattachesTheSameTmuxSession_WhoseProgramKeptRunning()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            string name = NewName();
            string counter = "/tmp/" + name + ".count";
            using PersistentSshSession session = Connect(Settings(bed));
            var terminal = new ScriptedTerminal();
            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            Task<ShellEnd> shell = new InteractiveShell(session, terminal, "xterm-256color").RunAsync(Multiplexer.Tmux, name, Wait.Bounded, stop.Token);
            try
            {
                WaitForTmux(session, name, terminal);
                string paneBefore = Run(session, $"tmux list-panes -t {name} -F '#{{session_id}} #{{pane_pid}}'");
                terminal.Type($"i=0; while :; do i=$((i+1)); echo $i > {counter}; sleep 0.5; done\r");
                Assert.True(Wait.Until(() => Count(session, counter) > 0, Wait.Bounded), "the counter never started: " + terminal.Output);

                int beforeCut = Count(session, counter);
                bed.Cut();
                Thread.Sleep(TimeSpan.FromSeconds(10));
                bed.Restore();
                WaitForReattach(terminal);
                int afterRestore = Count(session, counter);

                Assert.Contains(terminal.Progress, p => p.Line.Contains("lost"));
                Assert.True(afterRestore > beforeCut + 10, $"the counter went from {beforeCut} to {afterRestore} over a 10 s cut");
                Assert.True(
                    paneBefore == Run(session, $"tmux list-panes -t {name} -F '#{{session_id}} #{{pane_pid}}'"),
                    "a different tmux session or pane after the cut: " + terminal.Output);
                Assert.Equal("1\n", Run(session, $"tmux list-sessions -F '#{{session_name}}' | grep -c '^{name}$'"));

                terminal.Type("\r~.");
                Assert.True(shell.Wait(Wait.Bounded), "~. did not end the shell");
                Assert.True(shell.Result == ShellEnd.EscapeDisconnect, $"the shell ended with {shell.Result}; statuses: {string.Join(" | ", terminal.Statuses)}; history: {string.Join(" | ", session.History)}");
            }
            finally
            {
                stop.Cancel();
                Run(session, $"tmux kill-session -t {name}; rm -f {counter}");
            }
        }

        [TestbedFact]
        public void CutPath_ShowsTheOutageWithinTheKeepaliveBound_CountingSecondsAndAttempts_WithTheKeysToGiveUp()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            SshSessionSettings settings = Settings(bed);
            using PersistentSshSession session = Connect(settings);
            var terminal = new ScriptedTerminal();
            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            Task<ShellEnd> shell = new InteractiveShell(session, terminal, "xterm-256color").RunAsync(Multiplexer.None, "unused", Wait.Bounded, stop.Token);
            TimeSpan bound = TimeSpan.FromTicks(settings.KeepAliveInterval.Ticks * (settings.KeepAliveCountMax + 1)) + TimeSpan.FromSeconds(1);
            try
            {
                WaitForPrompt(terminal);
                DateTimeOffset cutAt = DateTimeOffset.Now;
                bed.Cut();
                var line = new Regex(@"^Connection to \S+ lost (\d+) s ago; attempt (\d+) (in \d+ s|under way) \(Ctrl-C or ~\. to give up\)$");
                Assert.True(Wait.Until(() => terminal.Progress.Any(p => line.Match(p.Line) is Match m && m.Success && int.Parse(m.Groups[1].Value) >= 3 && int.Parse(m.Groups[2].Value) >= 2), Wait.Bounded), "the status line did not count on: " + string.Join(" | ", terminal.Progress.Select(p => p.Line)));
                bed.Restore();
                WaitForReattach(terminal);

                Assert.InRange(terminal.Progress.First().Time - cutAt, TimeSpan.Zero, bound);
                Assert.All(terminal.Progress, p => Assert.Matches(line, p.Line));
                terminal.Type("echo back-$((6*7))\r");
                Assert.True(Wait.Until(() => terminal.Output.Contains("back-42"), Wait.Bounded), "the new shell does not run commands: " + terminal.Output);
            }
            finally
            {
                stop.Cancel();
            }
        }

        [TestbedTheory]
        [InlineData("\u0003")]
        [InlineData("~.")]
        public void TypingCtrlCOrTildeDotWhileReconnecting_GivesUp_EvenAfterOtherTyping(string typed)
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            using PersistentSshSession session = Connect(Settings(bed));
            var terminal = new ScriptedTerminal();
            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var interactive = new InteractiveShell(session, terminal, "xterm-256color");
            Task<ShellEnd> shell = interactive.RunAsync(Multiplexer.None, "unused", Wait.Bounded, stop.Token);
            try
            {
                WaitForPrompt(terminal);
                terminal.Type("echo half a line");
                bed.Cut();
                Assert.True(Wait.Until(() => terminal.Progress.Count > 0, Wait.Bounded), "the loss was never shown");

                terminal.Type("ls");
                terminal.Type(typed);

                Assert.True(shell.Wait(Wait.Bounded), "typing " + Printable(typed) + " while reconnecting did not end the shell");
                Assert.Equal(ShellEnd.GaveUp, shell.Result);
                var failure = Assert.IsType<SshKeepAliveException>(interactive.FailureOf(shell.Result, Wait.Bounded));
                Assert.Equal(ErrorId.SessionReconnectAbandoned, failure.Id);
                Assert.Contains(session.Target.ToString(), failure.Message);
            }
            finally
            {
                stop.Cancel();
                bed.Restore();
            }
        }

        [TestbedFact]
        public void Reattach_DetachesTheDeadConnectionsClient_AndTheWindowTakesTheTerminalsNewSize()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            string name = NewName();
            using PersistentSshSession session = Connect(Settings(bed));
            var terminal = new ScriptedTerminal { Columns = 100, Rows = 30 };
            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            Task<ShellEnd> shell = new InteractiveShell(session, terminal, "xterm-256color").RunAsync(Multiplexer.Tmux, name, Wait.Bounded, stop.Token);
            try
            {
                WaitForTmux(session, name, terminal);
                bed.Cut();
                Assert.True(Wait.Until(() => terminal.Progress.Count > 0, Wait.Bounded), "the loss was never shown");
                terminal.Columns = 90;
                terminal.Rows = 20;
                bed.Restore();
                WaitForReattach(terminal);

                // The client of the dead connection is still attached as far as the server knows, until tmux detaches it.
                Assert.True(
                    Wait.Until(() => Run(session, $"tmux list-clients -t {name} -F '#{{client_width}}x#{{client_height}}'") == "90x20\n", Wait.Bounded),
                    "clients after re-attaching: " + Run(session, $"tmux list-clients -t {name} -F '#{{client_width}}x#{{client_height}} #{{client_tty}}'"));
                Assert.Equal("90x19\n", Run(session, $"tmux display-message -p -t {name} '#{{window_width}}x#{{window_height}}'"));
            }
            finally
            {
                stop.Cancel();
                Run(session, $"tmux kill-session -t {name}");
            }
        }

        [TestbedFact]
        public void Tmux_IsAttachedAsTheTerminalsCommand_NotTypedIntoALoginShell()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            string name = NewName();
            using PersistentSshSession session = Connect(Settings(bed));
            var terminal = new ScriptedTerminal();
            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            Task<ShellEnd> shell = new InteractiveShell(session, terminal, "xterm-256color").RunAsync(Multiplexer.Tmux, name, Wait.Bounded, stop.Token);
            try
            {
                WaitForTmux(session, name, terminal);

                Assert.DoesNotContain("tmux new-session", terminal.Output);
                Assert.Matches(new Regex(@"Starting session: command on pts/\d+ for " + bed.User), bed.Server.ReadLog());
                Assert.DoesNotMatch(new Regex(@"Starting session: shell on pts"), bed.Server.ReadLog());
            }
            finally
            {
                stop.Cancel();
                Run(session, $"tmux kill-session -t {name}");
            }
        }

        [TestbedFact]
        public void WithoutTheSshNetInternals_TmuxIsStillAttached_ByTheLoginShell()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            string name = NewName();
            SshSessionSettings settings = Settings(bed);
            SshConnector connector = settings.CreateConnector();
            connector.PtyCommand = SshNetPtyCommand.Bind(typeof(object).Assembly);
            using var session = new PersistentSshSession(connector, settings.KeepAliveInterval, settings.KeepAliveCountMax, settings.ReconnectPolicy);
            using (var deadline = new CancellationTokenSource(Wait.Bounded))
            {
                session.Connect(deadline.Token);
            }

            var terminal = new ScriptedTerminal();
            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            Task<ShellEnd> shell = new InteractiveShell(session, terminal, "xterm-256color").RunAsync(Multiplexer.Tmux, name, Wait.Bounded, stop.Token);
            try
            {
                WaitForTmux(session, name, terminal);

                Assert.Matches(new Regex(@"Starting session: shell on pts/\d+ for " + bed.User), bed.Server.ReadLog());
            }
            finally
            {
                stop.Cancel();
                Run(session, $"tmux kill-session -t {name}");
            }
        }

        private static string NewName() => "sshka-" + Guid.NewGuid().ToString("N").Substring(0, 8);

        private static void WaitForTmux(PersistentSshSession session, string name, ScriptedTerminal terminal) =>
            Assert.True(Wait.Until(() => Run(session, $"tmux has-session -t {name} 2>/dev/null && echo up") == "up\n", Wait.Bounded), "tmux never started: " + terminal.Output);

        private static void WaitForPrompt(ScriptedTerminal terminal) =>
            Assert.True(Wait.Until(() => terminal.Output.Contains("$ "), Wait.Bounded), "no shell prompt: " + terminal.Output);

        private static void WaitForReattach(ScriptedTerminal terminal) =>
            Assert.True(Wait.Until(() => terminal.Statuses.Any(s => s.StartsWith("Reconnected", StringComparison.Ordinal)), Wait.Bounded), "never reconnected: " + string.Join(" | ", terminal.Statuses) + " | " + string.Join(" | ", terminal.Progress.Select(p => p.Line)));

        private static string Printable(string text) => string.Concat(text.Select(c => c < ' ' ? $"\\x{(int)c:x2}" : c.ToString()));

        private static int Count(PersistentSshSession session, string counter) =>
            int.TryParse(Run(session, $"cat {counter} 2>/dev/null").Trim(), out int value) ? value : 0;
    }
}
