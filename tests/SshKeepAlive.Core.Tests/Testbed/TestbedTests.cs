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
    /// The problem itself, reproduced with OpenSSH's own client: the firewall forgets an idle flow and
    /// black-holes it; keepalives shorter than its timeout keep it. (A class of its own so xunit runs these
    /// long waits beside the other testbed tests.)
    /// </summary>
    public sealed class IdleFlowTests
    {
        [TestbedFact]
        public void IdleSession_WithoutKeepalives_IsBlackholedByTheFirewall()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start(idleTimeoutSeconds: 5);

            ProcessOutcome ssh = ProcessRunner.Run(TestbedTests.ClientDeadline, "ssh", bed.SshArguments(bed.Server, new[] { "ServerAliveInterval=0" }, "echo a; sleep 12; echo b"));

            Assert.True(ssh.TimedOut, $"ssh finished (exit {ssh.ExitCode}) although its flow sat idle past the firewall's timeout: {ssh.Output}{ssh.Error}");
            Assert.Equal("a\n", ssh.Output);
        }

        [TestbedFact]
        public void IdleSession_WithClientKeepalivesShorterThanTheFirewallTimeout_Survives()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start(idleTimeoutSeconds: 5);

            ProcessOutcome ssh = ProcessRunner.Run(TestbedTests.ClientDeadline, "ssh", bed.SshArguments(bed.Server, new[] { "ServerAliveInterval=2" }, "echo a; sleep 12; echo b"));

            Assert.False(ssh.TimedOut, "ssh hung although it sent keepalives every 2 s: " + ssh.Error);
            Assert.Equal(0, ssh.ExitCode);
            Assert.Equal("a\nb\n", ssh.Output);
        }
    }

    /// <summary>
    /// The testbed's controls, proven with OpenSSH's own client before any of our code is involved: sshd
    /// notices a dead client, a cut path can be restored, servers can be added, teardown leaves nothing.
    /// </summary>
    public sealed class TestbedTests
    {
        internal static readonly TimeSpan ClientDeadline = TimeSpan.FromSeconds(20);

        [TestbedFact]
        public void CutPath_WithServerClientAlive_SshdDropsTheUnresponsiveClient()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            File.AppendAllText(bed.Server.SshdConfig, "ClientAliveInterval 1\nClientAliveCountMax 2\n");
            bed.Reload();
            using Process client = TestbedClient.StartSsh(bed, new[] { "ServerAliveInterval=0" }, "sleep 60");
            Assert.True(Wait.Until(() => bed.Server.ReadLog().Contains("Starting session:"), TimeSpan.FromSeconds(10)), "the session never started: " + bed.Server.ReadLog());

            bed.Cut();

            Assert.True(
                Wait.Until(() => bed.Server.ReadLog().Contains("Timeout, client not responding"), TimeSpan.FromSeconds(10)),
                "sshd never timed the client out: " + bed.Server.ReadLog());
            Assert.True(Wait.Until(() => SessionProcesses(bed) == 0, TimeSpan.FromSeconds(5)), "the session's sshd processes outlived the timeout: " + string.Join("; ", bed.Processes()));
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
        public void Start_ServersAreContainersWhoseNetworkNamespaceIsBehindTheFirewall()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start(servers: 2);

            string running = Podman("ps", "--filter", "status=running", "--format", "{{.Names}}");
            string namespaces = ProcessRunner.Run("ip", "netns", "list").Output;

            foreach (TestbedServer server in bed.Servers)
            {
                Assert.Contains(server.Container + "\n", running);
                Assert.Contains(server.Namespace, namespaces);
                // The container's network is the server namespace, which reaches this one only through the firewall.
                string containerPid = Podman("inspect", "--format", "{{.State.Pid}}", server.Container).Trim();
                Assert.Equal(Inode("/run/netns/" + server.Namespace), Inode($"/proc/{containerPid}/ns/net"));
                Assert.Equal(bed.FirewallNamespace, server.Namespace.Substring(0, server.Namespace.LastIndexOf('-')) + "-fw");
                // Its own files: no host key in its /etc/ssh, its own account for the tests.
                Assert.Equal("absent\n", bed.Exec(server, "sh", "-c", "ls /etc/ssh/ssh_host_* >/dev/null 2>&1 && echo present || echo absent").Output);
                Assert.Equal(bed.User + "\n", bed.Exec(server, "id", "-un", bed.User).Output);
            }

            Assert.Contains(bed.FirewallNamespace, namespaces);
        }

        [TestbedFact]
        public void Dispose_LeavesNoContainersNamespacesLinksProcessesOrState()
        {
            var bed = SshKeepAlive.Testing.Testbed.Start(servers: 2);
            string running = Inventory(bed.RunId);

            bed.Dispose();

            Assert.Equal("containers=2 namespaces=3 links=1 sshd=2", running);
            Assert.Equal("containers=0 namespaces=0 links=0 sshd=0", Inventory(bed.RunId));
            Assert.False(Directory.Exists(bed.StateDirectory));
        }

        [TestbedFact]
        public void CleanupStale_RemovesRunsWhoseOwnerDied()
        {
            using Process owner = Process.Start("sleep", "60");
            ProcessOutcome up = ProcessRunner.Run(TimeSpan.FromSeconds(60), SshKeepAlive.Testing.Testbed.Script, "up", "--owner", owner.Id.ToString());
            Assert.True(up.ExitCode == 0, up.Error);
            string runId = up.Output.Split('\n').Single(l => l.StartsWith("RUN_ID=")).Substring("RUN_ID=".Length);
            owner.Kill();
            owner.WaitForExit();

            ProcessOutcome cleanup = ProcessRunner.Run(TimeSpan.FromSeconds(60), SshKeepAlive.Testing.Testbed.Script, "cleanup-stale");

            // Every testbed up first removes stale runs, so a test class starting a testbed in parallel may have
            // removed this one already: what must hold is that it is gone, whoever said "removing stale run".
            Assert.Equal(0, cleanup.ExitCode);
            Assert.Equal("containers=0 namespaces=0 links=0 sshd=0", Inventory(runId));
            Assert.False(Directory.Exists(Path.Combine("/run/sshka-testbed", runId)), "the run's state folder is left behind");
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

        // A run's namespaces, root-side link and sshd processes, as one comparable string. Runs are named
        // sshka-<owner pid>-<slot>; their root-side veth is ska<owner pid>-<slot>.
        private static string Inventory(string runId)
        {
            int namespaces = Directory.Exists("/run/netns") ? Directory.GetFiles("/run/netns", runId + "-*").Length : 0;
            string link = "ska" + runId.Substring("sshka-".Length);
            int links = ProcessRunner.Run("ip", "-o", "link", "show").Output.Split('\n').Count(l => l.Contains($" {link}@") || l.Contains($" {link}:"));
            int daemons = Directory.GetDirectories("/proc").Count(d => IsSshdOf(d, runId));
            int containers = Podman("ps", "--all", "--format", "{{.Names}}").Split('\n').Count(n => n.StartsWith(runId + "-", StringComparison.Ordinal));
            return $"containers={containers} namespaces={namespaces} links={links} sshd={daemons}";
        }

        // podman with the testbed's own settings, as the testbed script runs it.
        private static string Podman(params string[] arguments) =>
            ProcessRunner.Run("env", new[] { "CONTAINERS_CONF=" + Path.Combine(RepoPaths.Root, "tests", "testbed", "containers.conf"), "podman" }.Concat(arguments).ToArray()).Output;

        private static string Inode(string path) => ProcessRunner.Run("stat", "-L", "-c", "%i", path).Output.Trim();

        private static bool IsSshdOf(string procDirectory, string runId)
        {
            try
            {
                string commandLine = File.ReadAllText(Path.Combine(procDirectory, "cmdline")).Replace('\0', ' ');
                return commandLine.StartsWith("sshd: /usr/sbin/sshd") && commandLine.Contains("/" + runId + "/");
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
