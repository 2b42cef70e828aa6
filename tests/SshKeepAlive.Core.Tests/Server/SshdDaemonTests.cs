using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.Server;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Server
{
    /// <summary>Validation with sshd -t and reloads of a real sshd in the testbed, including one it does not survive.</summary>
    public sealed class SshdDaemonTests
    {
        private static readonly TimeSpan ClientDeadline = TimeSpan.FromSeconds(20);

        // sshd logs "Received SIGHUP; restarting." for each reload.
        private static int Hangups(SshKeepAlive.Testing.Testbed bed) =>
            bed.Server.ReadLog().Split('\n').Count(line => line.Contains("Received SIGHUP"));

        [TestbedFact]
        public void Validate_WithTheTestbedsConfig_IsValid()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            var daemon = new SshdDaemon(bed.Server.Sshd, bed.Server.PidFile);

            SshdValidation validation = daemon.Validate(bed.Server.SshdConfig);

            Assert.True(validation.IsValid, validation.Message);
        }

        [TestbedFact]
        public void Validate_WithAnUnknownKeyword_IsInvalidAndQuotesSshd()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            var daemon = new SshdDaemon(bed.Server.Sshd, bed.Server.PidFile);
            string candidate = bed.Server.SshdConfig + ".candidate";
            File.WriteAllText(candidate, File.ReadAllText(bed.Server.SshdConfig) + "ClientAliveIntervall 5\n");

            SshdValidation validation = daemon.Validate(candidate);

            Assert.False(validation.IsValid);
            Assert.Contains("ClientAliveIntervall", validation.Message);
        }

        [TestbedFact]
        public void Reload_WithAValidConfig_KeepsTheDaemonRunningUnderItsPid()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            var daemon = new SshdDaemon(bed.Server.Sshd, bed.Server.PidFile);
            int pid = Assert.NotNull(daemon.RunningPid());
            File.AppendAllText(bed.Server.SshdConfig, "ClientAliveInterval 7\n");
            bool restored = false;

            SshdReloadOutcome outcome = daemon.Reload(bed.Server.SshdConfig, () => restored = true);

            Assert.True(outcome.Reloaded, outcome.Message);
            Assert.Contains("SIGHUP", outcome.Message);
            Assert.False(restored);
            Assert.Equal(pid, daemon.RunningPid());
            Assert.Equal("up\n", ProcessRunner.Run(ClientDeadline, "ssh", bed.SshArguments(bed.Server, Array.Empty<string>(), "echo up")).Output);
        }

        [TestbedFact]
        public void Reload_WhenTheDaemonDiesOnIt_RestoresTheConfigAndStartsTheDaemonAgain()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            var daemon = new SshdDaemon(bed.Server.Sshd, bed.Server.PidFile);
            int pid = Assert.NotNull(daemon.RunningPid());
            string original = File.ReadAllText(bed.Server.SshdConfig);
            // Passes sshd -t, but no interface in the server's namespace has this address: the re-executed sshd cannot bind.
            File.WriteAllText(bed.Server.SshdConfig, original.Replace("ListenAddress " + bed.Server.Address, "ListenAddress 198.19.255.254"));
            Assert.True(daemon.Validate(bed.Server.SshdConfig).IsValid);

            SshdReloadOutcome outcome = daemon.Reload(bed.Server.SshdConfig, () => File.WriteAllText(bed.Server.SshdConfig, original));

            Assert.True(outcome.Failed);
            Assert.True(outcome.Restored);
            Assert.True(outcome.DaemonRunning);
            Assert.Contains("restored", outcome.Message);
            Assert.Equal(original, File.ReadAllText(bed.Server.SshdConfig));
            int restarted = Assert.NotNull(daemon.RunningPid());
            Assert.NotEqual(pid, restarted);
            Assert.Equal("up\n", ProcessRunner.Run(ClientDeadline, "ssh", bed.SshArguments(bed.Server, Array.Empty<string>(), "echo up")).Output);
        }

        [TestbedFact]
        public void Reload_StoppedWhileCheckingTheDaemonSurvived_RestoresTheConfigAndHasSshdReadItAgain()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            var daemon = new SshdDaemon(SshPlatform.SshdPath, bed.Server.PidFile);
            int pid = Assert.NotNull(daemon.RunningPid());
            string original = File.ReadAllText(bed.Server.SshdConfig);
            File.AppendAllText(bed.Server.SshdConfig, "ClientAliveInterval 7\n");
            int hangupsBefore = Hangups(bed);
            using var stop = new CancellationTokenSource();
            Task<SshdReloadOutcome> reloading = Task.Run(() => daemon.Reload(bed.Server.SshdConfig, () => File.WriteAllText(bed.Server.SshdConfig, original), stop.Token));
            Assert.True(Wait.Until(() => Hangups(bed) > hangupsBefore, ClientDeadline), "sshd never got the SIGHUP");

            stop.Cancel();

            Assert.ThrowsAny<OperationCanceledException>(() => reloading.GetAwaiter().GetResult());
            Assert.Equal(original, File.ReadAllText(bed.Server.SshdConfig));
            Assert.True(Wait.Until(() => Hangups(bed) == hangupsBefore + 2, ClientDeadline), "sshd was not asked to read the restored config");
            // Re-executing on the second SIGHUP, sshd rewrites its PidFile: wait for it.
            Assert.True(Wait.Until(() => daemon.RunningPid() == pid, ClientDeadline), $"sshd (pid {pid}) is gone: " + bed.Server.ReadLog());
            Assert.Equal("up\n", ProcessRunner.Run(ClientDeadline, "ssh", bed.SshArguments(bed.Server, Array.Empty<string>(), "echo up")).Output);
        }

        [Fact]
        public void Reload_WhenNothingRunsUnderThePidFile_SaysSoWithoutRestoring()
        {
            using var dir = new TempDirectory();
            var daemon = new SshdDaemon(SshPlatform.SshdPath, dir.File("sshd.pid"));
            bool restored = false;

            SshdReloadOutcome outcome = daemon.Reload(dir.File("sshd_config"), () => restored = true);

            Assert.False(outcome.Reloaded);
            Assert.False(outcome.Failed);
            Assert.False(outcome.Restored);
            Assert.Contains("no sshd is running", outcome.Message);
            Assert.DoesNotContain("restored", outcome.Message);
            Assert.False(restored);
        }

        [TestbedFact]
        public void Reload_OfAFileWhosePidFileNamesADaemonReadingAnotherFile_SignalsNothing()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            using var dir = new TempDirectory();
            // Another config that names the testbed daemon's PidFile: that daemon reads its own config, not this one.
            string other = dir.File("sshd_config");
            File.WriteAllText(other, $"PidFile {bed.Server.PidFile}\nClientAliveInterval 7\n");
            var daemon = SshdDaemon.For(other);
            int pid = Assert.NotNull(daemon.RunningPid());
            int hangupsBefore = Hangups(bed);

            SshdReloadOutcome outcome = daemon.Reload(other, () => throw new InvalidOperationException("nothing may be restored"));

            Assert.False(outcome.Reloaded);
            Assert.False(outcome.Failed);
            Assert.Contains(bed.Server.SshdConfig, outcome.Message);
            Assert.Contains("not signalled", outcome.Message);
            Assert.Equal(pid, daemon.RunningPid());
            Thread.Sleep(500);
            Assert.Equal(hangupsBefore, Hangups(bed));
        }
    }
}
