using System;
using System.IO;
using System.Linq;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Tests
{
    /// <summary>
    /// Enter-PersistentSsh in a real terminal: skahost runs the cmdlet inside a local tmux pane; keys are typed
    /// with send-keys and the screen read with capture-pane, as a person would use it.
    /// </summary>
    public sealed class EnterPersistentSshTerminalTests : IDisposable
    {
        private readonly string socket = $"sshka-terminal-{Environment.ProcessId}-{Guid.NewGuid():N}".Substring(0, 40);

        [TestbedFact]
        public void TypedKeys_ArrowsAndCtrlC_ReachTheRemoteShell()
        {
            using var bed = Testbed.Start();
            string marker = "ska" + Guid.NewGuid().ToString("N").Substring(0, 8);
            string command = $"Enter-PersistentSsh -HostName {bed.User}@{bed.Server.Address} -KeyFile {bed.PrivateKey} " +
                $"-KnownHostsFile {bed.KnownHosts} -StrictHostKeyChecking yes -ConfigPath /dev/null -Multiplexer None";
            Tmux("new-session", "-d", "-x", "120", "-y", "30", "-e", "TERM=xterm-256color", "dotnet", ConsoleHost.Assembly, command);
            Assert.True(Wait.Until(() => Screen().Contains(bed.User + "@"), Wait.Bounded), "no remote prompt:\n" + Screen());

            // Arrow keys: the cursor goes back over "abc" and the X lands before it.
            Tmux("send-keys", "-l", $"echo {marker}-abc");
            Tmux("send-keys", "Left", "Left", "Left", "X", "Enter");
            // Ctrl-C interrupts a remote program; the shell then runs the next command.
            SendLine("sleep 300");
            Assert.True(Wait.Until(() => RemoteSleeps(bed) == 1, Wait.Bounded), "the remote sleep never started:\n" + Screen());
            Tmux("send-keys", "C-c");
            SendLine($"echo {marker}-after");

            Assert.True(Wait.Until(() => Screen().Contains($"{marker}-after\n"), Wait.Bounded), "the shell did not run the command after Ctrl-C:\n" + Screen());
            string screen = Screen();
            Assert.Contains($"\n{marker}-Xabc\n", screen);
            Assert.Equal(0, RemoteSleeps(bed));
        }

        public void Dispose() => ProcessRunner.Run("tmux", "-L", socket, "kill-server");

        private void SendLine(string text) => Tmux("send-keys", "-l", text + "\r");

        // One tmux server per test (-L), so its only pane is the target of every command.
        private string Screen() => Tmux("capture-pane", "-p", "-J").Replace("\r", string.Empty);

        private string Tmux(params string[] arguments)
        {
            ProcessOutcome outcome = ProcessRunner.Run(Wait.Bounded, "tmux", new[] { "-L", socket }.Concat(arguments).ToArray());
            Assert.True(outcome.ExitCode == 0, $"tmux {string.Join(" ", arguments)}: {outcome.Error}");
            return outcome.Output;
        }

        private static int RemoteSleeps(Testbed bed) =>
            bed.Processes().Count(p => p.CommandLine == "sleep 300");
    }
}
