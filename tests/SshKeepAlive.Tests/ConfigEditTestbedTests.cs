using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Tests
{
    /// <summary>
    /// Set-SshKeepAlive against a real sshd: what it writes and reloads changes how sshd treats a dead client. The
    /// cmdlet validates with this machine's sshd, as on any server, so the tests give that sshd its /run/sshd.
    /// </summary>
    public sealed class ConfigEditTestbedTests
    {
        [TestbedFact]
        public void SetSshKeepAlive_ServerWithReload_SshdDropsAClientWhosePathIsCut()
        {
            using var bed = Testbed.Start();
            LocalSshd.EnsurePrivilegeSeparationDirectory();
            using var session = new ModuleSession();

            var result = session.Run("Set-SshKeepAlive -Scope Server -Path $args[0] -Interval 1 -CountMax 2 -Reload -PassThru", bed.Server.SshdConfig).AssertNoErrors();
            using Process client = TestbedClient.StartSsh(bed, new[] { "ServerAliveInterval=0" }, "sleep 60");
            Assert.True(Wait.Until(() => bed.Server.ReadLog().Contains("Starting session:"), TimeSpan.FromSeconds(10)), "the session never started: " + bed.Server.ReadLog());
            bed.Cut();

            Assert.Contains("SIGHUP", (string)result.Output.Single().Properties["ReloadOutcome"].Value);
            Assert.Single(Directory.GetFiles(Path.GetDirectoryName(bed.Server.SshdConfig)!, "sshd_config.sshka-*"));
            Assert.True(
                Wait.Until(() => bed.Server.ReadLog().Contains("Timeout, client not responding"), TimeSpan.FromSeconds(6)),
                "sshd never timed the client out: " + bed.Server.ReadLog());
            client.Kill(entireProcessTree: true);
        }

        [TestbedFact]
        public void SetSshKeepAlive_ServerWithABrokenConfig_ChangesNothingAndKeepsSshdRunning()
        {
            using var bed = Testbed.Start();
            LocalSshd.EnsurePrivilegeSeparationDirectory();
            File.AppendAllText(bed.Server.SshdConfig, "NoSuchKeyword yes\n");
            string before = File.ReadAllText(bed.Server.SshdConfig);
            using var session = new ModuleSession();

            var result = session.Run("try { Set-SshKeepAlive -Scope Server -Path $args[0] -Interval 1 -Reload } catch { $_.FullyQualifiedErrorId }", bed.Server.SshdConfig);

            Assert.StartsWith("SshdConfigRejected,", (string)Assert.Single(result.Output).BaseObject);
            Assert.Equal(before, File.ReadAllText(bed.Server.SshdConfig));
            Assert.Equal("up\n", ProcessRunner.Run(TimeSpan.FromSeconds(20), "ssh", bed.SshArguments(bed.Server, Array.Empty<string>(), "echo up")).Output);
        }
    }
}
