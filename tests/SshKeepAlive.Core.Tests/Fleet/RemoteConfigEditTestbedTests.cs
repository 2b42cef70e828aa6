using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.Editing;
using SshKeepAlive.Core.Fleet;
using SshKeepAlive.Core.Sessions;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Fleet
{
    /// <summary>
    /// The remote edit host on a testbed server, through the fleet engine (the cmdlets' behaviour is in
    /// tests/SshKeepAlive.Fleet.Tests.ps1): what concurrent edits and a server's own files make of it.
    /// </summary>
    public sealed class RemoteConfigEditTestbedTests
    {
        private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

        [TestbedFact]
        public void TwoEditsOfOneServerAtOnce_TakeItsLockInTurn_SoNeitherLosesTheOther()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            GrantSudo(bed, bed.Server);
            string host = bed.User + "@" + bed.Server.Address;
            var edits = new[]
            {
                new RemoteEdit(EditScope.Server, "*", TimeoutChanges.KeepAlive(EditScope.Server, "61", null, null), "Set keepalive"),
                new RemoteEdit(EditScope.Server, "*", TimeoutChanges.KeepAlive(EditScope.Server, null, 5, null), "Set keepalive"),
            };

            List<RemoteEditResult> results = RunAll(bed, host, edits);

            Assert.All(results, r => Assert.True(r.Verified, r.Error));
            string config = File.ReadAllText(bed.Server.SshdConfig);
            Assert.Contains("\nClientAliveInterval 61\n", config);
            Assert.Contains("\nClientAliveCountMax 5\n", config);
        }

        [TestbedFact]
        public void AnEditOfATreeWithAnIncludedFolder_BacksUpAndWritesOnTheServer_LeavingNoFileOfItsOwnBesideTheConfig()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            GrantSudo(bed, bed.Server);
            string folder = Path.GetDirectoryName(bed.Server.SshdConfig)!;
            Directory.CreateDirectory(Path.Combine(folder, "conf.d"));
            File.WriteAllText(Path.Combine(folder, "conf.d", "50-keepalive.conf"), "# ours\nClientAliveInterval 10\n");
            File.WriteAllText(bed.Server.SshdConfig, $"Include {folder}/conf.d/*.conf\n" + File.ReadAllText(bed.Server.SshdConfig));
            bed.Reload();
            string host = bed.User + "@" + bed.Server.Address;

            RemoteEditResult result = RunAll(bed, host, new[] { new RemoteEdit(EditScope.Server, "*", TimeoutChanges.KeepAlive(EditScope.Server, "62", null, null), "Set keepalive") }).Single();

            Assert.True(result.Verified, result.Error);
            Assert.Equal(new[] { Path.Combine(folder, "conf.d", "50-keepalive.conf") + ":2" }, result.ChangedLines);
            Assert.Equal("# ours\nClientAliveInterval 62\n", File.ReadAllText(Path.Combine(folder, "conf.d", "50-keepalive.conf")));
            ProcessOutcome backup = bed.Exec(bed.Server, "cat", result.BackupPath!);
            Assert.Equal("# ours\nClientAliveInterval 10\n", backup.Output);
            Assert.Empty(Directory.GetFiles(folder, "*sshka*", SearchOption.AllDirectories));
        }

        private static void GrantSudo(SshKeepAlive.Testing.Testbed bed, TestbedServer server) =>
            SshKeepAlive.Testing.Testbed.Check(bed.Exec(server, "sh", "-c", $"echo '{bed.User} ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/sshka; chmod 0440 /etc/sudoers.d/sshka"), "exec");

        // Runs the edits on the host at once (two at a time), answering every question yes.
        private static List<RemoteEditResult> RunAll(SshKeepAlive.Testing.Testbed bed, string host, IReadOnlyList<RemoteEdit> edits)
        {
            var connection = new FleetConnection(
                name => new SshSessionRequest(name) { ConfigFile = ClientConfigResolver.NoConfigFile, KeyFiles = new[] { bed.PrivateKey }, KnownHostsFile = bed.KnownHosts, StrictHostKeyChecking = "Yes" },
                ClientEnvironment.Current(),
                null);
            using var run = new FleetRun<RemoteEditResult>(2, h => RemoteConfigEdit.Run(h, (RemoteEdit)h.Item!, connection), r => r.Failed, CancellationToken.None);
            foreach (RemoteEdit edit in edits)
            {
                run.Add(host, edit);
            }

            run.CompleteAdding();
            var results = new List<RemoteEditResult>();
            DateTime deadline = DateTime.UtcNow + Limit;
            while (!run.IsFinished && DateTime.UtcNow < deadline)
            {
                FleetEvent<RemoteEditResult>? next = run.Next(TimeSpan.FromMilliseconds(100));
                next?.Question?.Answer(true);
                Assert.Null(next?.Crash);
                if (next?.HasResult == true)
                {
                    results.Add(next.Result);
                }
            }

            Assert.Equal(edits.Count, results.Count);
            return results;
        }
    }
}
