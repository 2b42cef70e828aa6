using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Testbed
{
    /// <summary>
    /// The testbed itself, proven with OpenSSH's own client before any of our code is involved: an idle flow
    /// is black-holed, keepalives save it, sshd notices a dead client, a cut path can be restored, and
    /// teardown leaves nothing behind.
    /// </summary>
    public sealed class TestbedTests
    {
        private static readonly TimeSpan ClientDeadline = TimeSpan.FromSeconds(20);

        [TestbedFact]
        public void IdleSession_WithoutKeepalives_IsBlackholedByTheFirewall()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start(idleTimeoutSeconds: 5);

            ProcessOutcome ssh = ProcessRunner.Run(ClientDeadline, "ssh", bed.SshArguments(bed.Server, new[] { "ServerAliveInterval=0" }, "echo a; sleep 12; echo b"));

            Assert.True(ssh.TimedOut, $"ssh finished (exit {ssh.ExitCode}) although its flow sat idle past the firewall's timeout: {ssh.Output}{ssh.Error}");
            Assert.Equal("a\n", ssh.Output);
        }

        [TestbedFact]
        public void IdleSession_WithClientKeepalivesShorterThanTheFirewallTimeout_Survives()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start(idleTimeoutSeconds: 5);

            ProcessOutcome ssh = ProcessRunner.Run(ClientDeadline, "ssh", bed.SshArguments(bed.Server, new[] { "ServerAliveInterval=2" }, "echo a; sleep 12; echo b"));

            Assert.False(ssh.TimedOut, "ssh hung although it sent keepalives every 2 s: " + ssh.Error);
            Assert.Equal(0, ssh.ExitCode);
            Assert.Equal("a\nb\n", ssh.Output);
        }

        [TestbedFact]
        public void CutPath_WithServerClientAlive_SshdDropsTheUnresponsiveClient()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            File.AppendAllText(bed.Server.SshdConfig, "ClientAliveInterval 1\nClientAliveCountMax 2\n");
            bed.Reload();
            using Process client = TestbedClient.StartSsh(bed, new[] { "ServerAliveInterval=0" }, "sleep 60");
            Assert.True(TestbedClient.WaitUntil(() => bed.Server.ReadLog().Contains("Starting session:"), TimeSpan.FromSeconds(10)), "the session never started: " + bed.Server.ReadLog());

            bed.Cut();

            Assert.True(
                TestbedClient.WaitUntil(() => bed.Server.ReadLog().Contains("Timeout, client not responding"), TimeSpan.FromSeconds(10)),
                "sshd never timed the client out: " + bed.Server.ReadLog());
            Assert.True(TestbedClient.WaitUntil(() => SessionProcesses(bed) == 0, TimeSpan.FromSeconds(5)), "the session's sshd processes outlived the timeout: " + string.Join("; ", bed.Processes()));
            client.Kill(entireProcessTree: true);
        }

        [TestbedFact]
        public void CutPath_RefusesNewConnectionsUntilRestored()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();

            bed.Cut();
            ProcessOutcome duringCut = ProcessRunner.Run(ClientDeadline, "ssh", bed.SshArguments(bed.Server, new[] { "ConnectTimeout=2" }, "echo up"));
            bed.Restore();
            ProcessOutcome afterRestore = ProcessRunner.Run(ClientDeadline, "ssh", bed.SshArguments(bed.Server, Array.Empty<string>(), "echo up"));

            Assert.NotEqual(0, duringCut.ExitCode);
            Assert.Contains("timed out", duringCut.Error);
            Assert.Equal(0, afterRestore.ExitCode);
            Assert.Equal("up\n", afterRestore.Output);
        }

        [TestbedFact]
        public void AddServers_StartsMoreReachableSshds()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();

            var added = bed.AddServers(2);

            Assert.Equal(new[] { 2, 3 }, added.Select(s => s.Index));
            Assert.Equal(3, bed.Servers.Select(s => s.Address).Distinct().Count());
            foreach (TestbedServer server in bed.Servers)
            {
                ProcessOutcome ssh = ProcessRunner.Run(ClientDeadline, "ssh", bed.SshArguments(server, Array.Empty<string>(), "hostname -I"));
                Assert.Equal(0, ssh.ExitCode);
                Assert.Equal(server.Address, ssh.Output.Trim());
            }
        }

        [TestbedFact]
        public void Dispose_LeavesNoNamespacesLinksProcessesOrState()
        {
            var before = Inventory();

            var bed = SshKeepAlive.Testing.Testbed.Start(servers: 2);
            string runId = bed.RunId;
            Assert.NotEqual(before, Inventory());
            bed.Dispose();

            Assert.Equal(before, Inventory());
            Assert.False(Directory.Exists(bed.StateDirectory));
            Assert.DoesNotContain(runId, ProcessRunner.Run("ip", "netns", "list").Output);
        }

        [TestbedFact]
        public void Netem_AddsDelayOrSaysTheKernelLacksIt()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();

            if (bed.TrySetNetem(delayMilliseconds: 200, lossPercent: 0, out string reason))
            {
                var stopwatch = Stopwatch.StartNew();
                ProcessOutcome ssh = ProcessRunner.Run(ClientDeadline, "ssh", bed.SshArguments(bed.Server, Array.Empty<string>(), "true"));
                Assert.Equal(0, ssh.ExitCode);
                // A connection takes several round trips, each now at least 400 ms.
                Assert.True(stopwatch.Elapsed > TimeSpan.FromSeconds(1.2), $"ssh took only {stopwatch.Elapsed}");
            }
            else
            {
                Assert.Contains("netem is not supported by this kernel", reason);
            }
        }

        // Namespaces, network links and sshd processes on this machine, as one comparable string. Runs of other
        // test processes may start or stop meanwhile, so only this process's own names are counted.
        private static string Inventory()
        {
            string prefix = $"sshka-{Environment.ProcessId}-";
            int namespaces = Directory.Exists("/run/netns") ? Directory.GetFiles("/run/netns", prefix + "*").Length : 0;
            int links = ProcessRunner.Run("ip", "-o", "link", "show").Output.Split('\n').Count(l => l.Contains($" ska{Environment.ProcessId}-"));
            int daemons = Directory.GetDirectories("/proc").Count(d => IsSshdOf(d, prefix));
            return $"namespaces={namespaces} links={links} sshd={daemons}";
        }

        private static bool IsSshdOf(string procDirectory, string runPrefix)
        {
            try
            {
                string commandLine = File.ReadAllText(Path.Combine(procDirectory, "cmdline")).Replace('\0', ' ');
                return commandLine.StartsWith("/usr/sbin/sshd") && commandLine.Contains("/" + runPrefix);
            }
            catch (IOException)
            {
                return false;
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        }

        // Per-connection sshd processes ("sshd: user [priv]", "sshd: user@notty"). The remote command itself is
        // not one: sshd leaves it running, as it does on any disconnect.
        private static int SessionProcesses(SshKeepAlive.Testing.Testbed bed) =>
            bed.Processes().Count(p => p.CommandLine.StartsWith("sshd:") && !p.CommandLine.Contains("[listener]"));
    }
}
