using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using SshKeepAlive.Core.Config;
using SshKeepAlive.Core.Editing;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Editing
{
    /// <summary>Edits proven on real connections: the settings written make sshd and ssh behave as asked.</summary>
    public sealed class TestbedEditTests
    {
        private static readonly ConfigEditor Editor = new ConfigEditor(new ResolverLookup(ClientEnvironment.Current()));

        [TestbedFact]
        public void SetServerClientAlive_WithReload_SshdDropsACutClient()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            var request = new EditRequest(
                EditScope.Server,
                bed.Server.SshdConfig,
                IncludeRules.ForServerConfig("/etc/ssh", "/root"),
                "*",
                EditTargets.KeepAlive(EditScope.Server, "1", 2, null),
                createIfMissing: false);

            EditResult result = Editor.Apply(request, new ApplyOptions { NoBackup = true, Reload = true, Daemon = EditTargets.DaemonFor(bed.Server.SshdConfig) });
            using Process client = StartSsh(bed, "sleep 60");
            Assert.True(WaitUntil(() => bed.Server.ReadLog().Contains("Starting session:"), TimeSpan.FromSeconds(10)), "the session never started: " + bed.Server.ReadLog());
            bed.Cut();

            Assert.Contains("SIGHUP", result.ReloadOutcome);
            Assert.True(
                WaitUntil(() => bed.Server.ReadLog().Contains("Timeout, client not responding"), TimeSpan.FromSeconds(6)),
                "sshd never timed the client out: " + bed.Server.ReadLog());
            client.Kill(entireProcessTree: true);
        }

        [TestbedFact]
        public void SetClientServerAlive_ForTheServersAddress_KeepsAnIdleSessionAliveThroughTheFirewall()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start(idleTimeoutSeconds: 5);
            using var dir = new TempDirectory();
            string config = dir.File("config");
            File.WriteAllText(config, "Host *\n    ServerAliveInterval 0\n");
            var request = new EditRequest(
                EditScope.Client, config, IncludeRules.ForUserClientConfig(dir.Path), bed.Server.Address, EditTargets.KeepAlive(EditScope.Client, "2", null, null), createIfMissing: false);

            Editor.Apply(request, new ApplyOptions { NoBackup = true });
            string[] arguments = bed.SshArguments(bed.Server, Array.Empty<string>(), "echo a; sleep 15; echo b");
            arguments[Array.IndexOf(arguments, "/dev/null")] = config;
            ProcessOutcome ssh = ProcessRunner.Run(TimeSpan.FromSeconds(30), "ssh", arguments);

            Assert.False(ssh.TimedOut, "ssh hung: the keepalive written did not take effect: " + ssh.Error);
            Assert.Equal("a\nb\n", ssh.Output);
        }

        private static Process StartSsh(SshKeepAlive.Testing.Testbed bed, string command)
        {
            var start = new ProcessStartInfo("ssh") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
            foreach (string argument in bed.SshArguments(bed.Server, new[] { "ServerAliveInterval=0" }, command))
            {
                start.ArgumentList.Add(argument);
            }

            return Process.Start(start)!;
        }

        private static bool WaitUntil(Func<bool> condition, TimeSpan timeout)
        {
            var wait = Stopwatch.StartNew();
            while (wait.Elapsed < timeout)
            {
                if (condition())
                {
                    return true;
                }

                Thread.Sleep(100);
            }

            return condition();
        }
    }
}
