using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Editing;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.Server;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Editing
{
    /// <summary>
    /// Server edits stopped (Ctrl-C) while sshd -t runs. A HostKey on a FIFO makes the real sshd -t wait for a
    /// writer that never comes, as a host key on a hung network mount would.
    /// </summary>
    public sealed class CancelledEditTests
    {
        [Fact]
        public void Set_StoppedWhileSshdChecksTheCandidate_LeavesEveryFileAsItWas()
        {
            using var fx = new EditFixture();
            string original = $"HostKey {Fifo(fx)}\nClientAliveInterval 300\n";
            string main = fx.Write("sshd_config", original);
            string[] filesBefore = Files(fx);
            using var stop = new CancellationTokenSource();
            Task<EditResult> editing = Apply(fx, main, stop.Token);
            Assert.True(Wait.Until(() => SshdChecks(fx) == 1, Wait.Bounded), "sshd -t never ran");

            var stopping = Stopwatch.StartNew();
            stop.Cancel();

            Assert.ThrowsAny<OperationCanceledException>(() => editing.GetAwaiter().GetResult());
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"took {stopping.Elapsed} to stop");
            Assert.Equal(original, File.ReadAllText(main));
            Assert.Equal(filesBefore, Files(fx));
            Assert.True(Wait.Until(() => SshdChecks(fx) == 0, Wait.Bounded), "sshd -t was left running");
        }

        // A change to an included file is judged by sshd -t on the tree as it is before anything is written (and
        // again once written): stopped during that first check, nothing has been written or backed up.
        [Fact]
        public void Set_OfADropIn_StoppedWhileSshdChecksTheTree_LeavesTheDropInAndKeepsNoBackup()
        {
            using var fx = new EditFixture();
            string dropIn = fx.Write("sshd_config.d/10-keepalive.conf", "ClientAliveInterval 300\n");
            string main = fx.Write("sshd_config", $"Include {fx.Directory.Path}/sshd_config.d/*.conf\nHostKey {Fifo(fx)}\n");
            string[] filesBefore = Files(fx);
            using var stop = new CancellationTokenSource();
            Task<EditResult> editing = Apply(fx, main, stop.Token);
            Assert.True(Wait.Until(() => SshdChecks(fx) == 1, Wait.Bounded), "sshd -t never ran");
            Assert.Equal("ClientAliveInterval 300\n", File.ReadAllText(dropIn));

            stop.Cancel();

            Assert.ThrowsAny<OperationCanceledException>(() => editing.GetAwaiter().GetResult());
            Assert.Equal("ClientAliveInterval 300\n", File.ReadAllText(dropIn));
            Assert.Equal(filesBefore, Files(fx));
            Assert.DoesNotContain(Directory.GetFiles(fx.State.Path, "*", SearchOption.AllDirectories), f => f.Contains("/backups/"));
            Assert.True(Wait.Until(() => SshdChecks(fx) == 0, Wait.Bounded), "sshd -t was left running");
        }

        private static Task<EditResult> Apply(EditFixture fx, string main, CancellationToken cancellationToken) =>
            Task.Run(() => EditFixture.Editor.Apply(
                new EditRequest(EditScope.Server, main, IncludeRules.ForServerConfig(fx.Directory.Path, fx.Directory.Path), "*",
                    new[] { SettingChange.Set("ClientAliveInterval", SettingKind.Time, "30") }, createIfMissing: false),
                new ApplyOptions { Daemon = new SshdDaemon(SshPlatform.SshdPath, fx.Directory.File("sshd.pid")), StateDirectory = fx.State.Path, CancellationToken = cancellationToken }));

        private static string Fifo(EditFixture fx)
        {
            string fifo = fx.Directory.File("host_key_fifo");
            Assert.Equal(0, ProcessRunner.Run("mkfifo", fifo).ExitCode);
            return fifo;
        }

        private static string[] Files(EditFixture fx) =>
            Directory.GetFiles(fx.Directory.Path, "*", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).ToArray();

        // sshd -t processes checking a file of this fixture (the candidate in its state folder, or the top file).
        private static int SshdChecks(EditFixture fx) =>
            RunningProcesses.Arguments().Count(argv => argv.Length >= 4 && argv[0] == SshPlatform.SshdPath && argv[1] == "-t" &&
                (argv[3].StartsWith(fx.Directory.Path, StringComparison.Ordinal) || argv[3].StartsWith(fx.State.Path, StringComparison.Ordinal)));
    }
}
