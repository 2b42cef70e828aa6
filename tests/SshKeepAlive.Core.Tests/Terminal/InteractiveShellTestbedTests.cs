using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
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
            string name = "sshka-" + Guid.NewGuid().ToString("N").Substring(0, 8);
            string counter = "/tmp/" + name + ".count";
            using PersistentSshSession session = Connect(Settings(bed));
            var terminal = new ScriptedTerminal();
            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            Task<ShellEnd> shell = new InteractiveShell(session, terminal, "xterm-256color").RunAsync(Multiplexer.Tmux, name, Wait.Bounded, stop.Token);
            try
            {
                Assert.True(Wait.Until(() => Run(session, $"tmux has-session -t {name} 2>/dev/null && echo up") == "up\n", Wait.Bounded), "tmux never started: " + terminal.Output);
                string paneBefore = Run(session, $"tmux list-panes -t {name} -F '#{{session_id}} #{{pane_pid}}'");
                terminal.Type($"i=0; while :; do i=$((i+1)); echo $i > {counter}; sleep 0.5; done\r");
                Assert.True(Wait.Until(() => Count(session, counter) > 0, Wait.Bounded), "the counter never started: " + terminal.Output);

                int beforeCut = Count(session, counter);
                bed.Cut();
                Thread.Sleep(TimeSpan.FromSeconds(10));
                bed.Restore();
                Assert.True(Wait.Until(() => terminal.Statuses.Any(s => s.Contains("re-attaching")), Wait.Bounded), "never re-attached: " + string.Join(" | ", terminal.Statuses));
                int afterRestore = Count(session, counter);

                Assert.True(terminal.Statuses.Any(s => s.Contains("lost")), "statuses: " + string.Join(" | ", terminal.Statuses));
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

        private static int Count(PersistentSshSession session, string counter) =>
            int.TryParse(Run(session, $"cat {counter} 2>/dev/null").Trim(), out int value) ? value : 0;
    }
}
