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
            using PersistentSshSession session = Connect(Settings(bed));
            using var shell = new RunningShell(session, Multiplexer.Tmux);
            string counter = "/tmp/" + shell.Name + ".count";
            try
            {
                shell.WaitForTmux();
                string paneBefore = Run(session, $"tmux list-panes -t {shell.Name} -F '#{{session_id}} #{{pane_pid}}'");
                shell.Terminal.Type($"i=0; while :; do i=$((i+1)); echo $i > {counter}; sleep 0.5; done\r");
                Assert.True(Wait.Until(() => Count(session, counter) > 0, Wait.Bounded), "the counter never started: " + shell.Terminal.Output);

                int beforeCut = Count(session, counter);
                bed.Cut();
                Thread.Sleep(TimeSpan.FromSeconds(10));
                bed.Restore();
                shell.WaitForReattach();
                int afterRestore = Count(session, counter);

                Assert.Contains(shell.Terminal.Progress, p => p.Line.Contains("lost"));
                Assert.True(afterRestore > beforeCut + 10, $"the counter went from {beforeCut} to {afterRestore} over a 10 s cut");
                Assert.True(
                    paneBefore == Run(session, $"tmux list-panes -t {shell.Name} -F '#{{session_id}} #{{pane_pid}}'"),
                    "a different tmux session or pane after the cut: " + shell.Terminal.Output);
                Assert.Equal("1\n", Run(session, $"tmux list-sessions -F '#{{session_name}}' | grep -c '^{shell.Name}$'"));

                shell.Terminal.Type("\r~.");
                Assert.True(shell.Ended.Wait(Wait.Bounded), "~. did not end the shell");
                Assert.True(shell.Ended.Result == ShellEnd.EscapeDisconnect, $"the shell ended with {shell.Ended.Result}; statuses: {string.Join(" | ", shell.Terminal.Statuses)}; history: {string.Join(" | ", session.History)}");
            }
            finally
            {
                Run(session, $"rm -f {counter}");
            }
        }

        [TestbedFact]
        public void CutPath_ShowsTheOutageWithinTheKeepaliveBound_CountingSecondsAndAttempts_WithTheKeysToGiveUp()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            SshSessionSettings settings = Settings(bed);
            using PersistentSshSession session = Connect(settings);
            using var shell = new RunningShell(session, Multiplexer.None);
            TimeSpan bound = TimeSpan.FromTicks(settings.KeepAliveInterval.Ticks * (settings.KeepAliveCountMax + 1)) + TimeSpan.FromSeconds(1);
            shell.WaitForPrompt();

            DateTimeOffset cutAt = DateTimeOffset.Now;
            bed.Cut();
            var line = new Regex(@"^Connection to \S+ lost (\d+) s ago; attempt (\d+) (in \d+ s|under way) \(Ctrl-C or ~\. to give up\)$");
            Assert.True(
                Wait.Until(() => shell.Terminal.Progress.Any(p => line.Match(p.Line) is Match m && m.Success && int.Parse(m.Groups[1].Value) >= 3 && int.Parse(m.Groups[2].Value) >= 2), Wait.Bounded),
                "the status line did not count on: " + string.Join(" | ", shell.Terminal.Progress.Select(p => p.Line)));
            bed.Restore();
            shell.WaitForReattach();

            Assert.InRange(shell.Terminal.Progress.First().Time - cutAt, TimeSpan.Zero, bound);
            Assert.All(shell.Terminal.Progress, p => Assert.Matches(line, p.Line));
            shell.Terminal.Type("echo back-$((6*7))\r");
            Assert.True(Wait.Until(() => shell.Terminal.Output.Contains("back-42"), Wait.Bounded), "the new shell does not run commands: " + shell.Terminal.Output);
        }

        [TestbedTheory]
        [InlineData("\u0003")]
        [InlineData("~.")]
        public void TypingCtrlCOrTildeDotWhileReconnecting_GivesUp_EvenAfterOtherTyping(string typed)
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            using PersistentSshSession session = Connect(Settings(bed));
            using var shell = new RunningShell(session, Multiplexer.None);
            try
            {
                shell.WaitForPrompt();
                shell.Terminal.Type("echo half a line");
                bed.Cut();
                Assert.True(Wait.Until(() => shell.Terminal.Progress.Count > 0, Wait.Bounded), "the loss was never shown");

                shell.Terminal.Type("ls");
                shell.Terminal.Type(typed);

                Assert.True(shell.Ended.Wait(Wait.Bounded), "typing " + Printable(typed) + " while reconnecting did not end the shell");
                Assert.Equal(ShellEnd.GaveUp, shell.Ended.Result);
                var failure = Assert.IsType<SshKeepAliveException>(shell.Interactive.FailureOf(shell.Ended.Result, Wait.Bounded));
                Assert.Equal(ErrorId.SessionReconnectAbandoned, failure.Id);
                Assert.Contains(session.Target.ToString(), failure.Message);
            }
            finally
            {
                bed.Restore();
            }
        }

        [TestbedFact]
        public void Reattach_DetachesTheDeadConnectionsClient_AndTheWindowTakesTheTerminalsNewSize()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            using PersistentSshSession session = Connect(Settings(bed));
            using var shell = new RunningShell(session, Multiplexer.Tmux);
            shell.WaitForTmux();

            bed.Cut();
            Assert.True(Wait.Until(() => shell.Terminal.Progress.Count > 0, Wait.Bounded), "the loss was never shown");
            shell.Terminal.Columns = 90;
            shell.Terminal.Rows = 20;
            bed.Restore();
            shell.WaitForReattach();

            // The client of the dead connection is still attached as far as the server knows, until tmux detaches it.
            Assert.True(
                Wait.Until(() => Run(session, $"tmux list-clients -t {shell.Name} -F '#{{client_width}}x#{{client_height}}'") == "90x20\n", Wait.Bounded),
                "clients after re-attaching: " + Run(session, $"tmux list-clients -t {shell.Name} -F '#{{client_width}}x#{{client_height}} #{{client_tty}}'"));
            Assert.Equal("90x19\n", Run(session, $"tmux display-message -p -t {shell.Name} '#{{window_width}}x#{{window_height}}'"));
        }

        [TestbedFact]
        public void Tmux_IsAttachedAsTheTerminalsCommand_NotTypedIntoALoginShell()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            using PersistentSshSession session = Connect(Settings(bed));
            using var shell = new RunningShell(session, Multiplexer.Tmux);

            shell.WaitForTmux();

            Assert.DoesNotContain("tmux new-session", shell.Terminal.Output);
            Assert.Matches(new Regex(@"Starting session: command on pts/\d+ for " + bed.User), bed.Server.ReadLog());
            Assert.DoesNotMatch(new Regex(@"Starting session: shell on pts"), bed.Server.ReadLog());
        }

        [TestbedFact]
        public void WithoutTheSshNetInternals_TmuxIsStillAttached_ByTheLoginShell()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            SshSessionSettings settings = Settings(bed);
            SshConnector connector = settings.CreateConnector();
            connector.PtyCommand = SshNetPtyCommand.Bind(typeof(object).Assembly);
            using var session = new PersistentSshSession(connector, settings.KeepAliveInterval, settings.KeepAliveCountMax, settings.ReconnectPolicy);
            using (var deadline = new CancellationTokenSource(Wait.Bounded))
            {
                session.Connect(deadline.Token);
            }

            using var shell = new RunningShell(session, Multiplexer.Tmux);

            shell.WaitForTmux();

            Assert.Matches(new Regex(@"Starting session: shell on pts/\d+ for " + bed.User), bed.Server.ReadLog());
        }

        private static string Printable(string text) => string.Concat(text.Select(c => c < ' ' ? $"\\x{(int)c:x2}" : c.ToString()));

        private static int Count(PersistentSshSession session, string counter) =>
            int.TryParse(Run(session, $"cat {counter} 2>/dev/null").Trim(), out int value) ? value : 0;

        /// <summary>An interactive shell running on a scripted terminal; disposing stops it and ends its multiplexer session.</summary>
        private sealed class RunningShell : IDisposable
        {
            private readonly PersistentSshSession session;
            private readonly Multiplexer multiplexer;
            private readonly CancellationTokenSource stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));

            public RunningShell(PersistentSshSession session, Multiplexer multiplexer)
            {
                this.session = session;
                this.multiplexer = multiplexer;
                Interactive = new InteractiveShell(session, Terminal, "xterm-256color");
                Ended = Interactive.RunAsync(multiplexer, Name, Wait.Bounded, stop.Token);
            }

            public string Name { get; } = "sshka-" + Guid.NewGuid().ToString("N").Substring(0, 8);

            public ScriptedTerminal Terminal { get; } = new ScriptedTerminal();

            public InteractiveShell Interactive { get; }

            public Task<ShellEnd> Ended { get; }

            public void WaitForTmux() =>
                Assert.True(Wait.Until(() => Run(session, $"tmux has-session -t {Name} 2>/dev/null && echo up") == "up\n", Wait.Bounded), "tmux never started: " + Terminal.Output);

            public void WaitForPrompt() =>
                Assert.True(Wait.Until(() => Terminal.Output.Contains("$ "), Wait.Bounded), "no shell prompt: " + Terminal.Output);

            public void WaitForReattach() =>
                Assert.True(
                    Wait.Until(() => Terminal.Statuses.Any(s => s.StartsWith("Reconnected", StringComparison.Ordinal)), Wait.Bounded),
                    "never reconnected: " + string.Join(" | ", Terminal.Statuses) + " | " + string.Join(" | ", Terminal.Progress.Select(p => p.Line)));

            public void Dispose()
            {
                stop.Cancel();
                if (multiplexer == Multiplexer.Tmux && session.State == SessionState.Connected)
                {
                    Run(session, $"tmux kill-session -t {Name} 2>/dev/null; true");
                }

                stop.Dispose();
            }
        }
    }
}
