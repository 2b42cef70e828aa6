using System.IO;
using SshKeepAlive.Core.Sessions;
using SshKeepAlive.Core.Ssh;
using SshKeepAlive.Core.Tests.Ssh;
using SshKeepAlive.Testing;
using Xunit;
using static SshKeepAlive.Core.Tests.Sessions.TestbedSessions;

namespace SshKeepAlive.Core.Tests.Sessions
{
    /// <summary>Host key checking against the testbed's real sshd.</summary>
    public sealed class HostKeyTestbedTests
    {
        [TestbedFact]
        public void Connect_WhenTheServerKeyChanged_IsRefusedBeforeAuthentication()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            using var temp = new TempDirectory();
            GeneratedKey old = GeneratedKey.Create(temp.Path, "ed25519");
            string knownHosts = temp.File("known_hosts");
            File.WriteAllText(knownHosts, bed.Server.Address + " " + old.PublicText + "\n");
            SshSessionSettings settings = Settings(bed);
            settings.UserKnownHostsFile = knownHosts;
            settings.StrictHostKeyChecking = StrictHostKeyChecking.AcceptNew;

            var ex = Assert.Throws<HostKeyVerificationException>(() => Connect(settings));

            Assert.Equal(HostKeyStatus.Changed, ex.Check.Status);
            Assert.Contains(old.Fingerprint, ex.Message);
            Assert.Contains(ServerFingerprint(bed), ex.Message);
            Assert.Contains(knownHosts + ":1", ex.Message);
            Assert.DoesNotContain(bed.User, bed.Server.ReadLog());
            Assert.Equal(bed.Server.Address + " " + old.PublicText + "\n", File.ReadAllText(knownHosts));
        }

        [TestbedTheory]
        [InlineData(StrictHostKeyChecking.Yes)]
        [InlineData(StrictHostKeyChecking.Ask)]
        public void Connect_WhenTheServerIsUnknownAndCheckingIsStrict_IsRefused(StrictHostKeyChecking mode)
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            using var temp = new TempDirectory();
            SshSessionSettings settings = Settings(bed);
            settings.UserKnownHostsFile = temp.File("known_hosts");
            settings.StrictHostKeyChecking = mode;

            var ex = Assert.Throws<HostKeyVerificationException>(() => Connect(settings));

            Assert.Equal(HostKeyStatus.Unknown, ex.Check.Status);
            Assert.Contains(ServerFingerprint(bed), ex.Message);
            Assert.DoesNotContain(bed.User, bed.Server.ReadLog());
            Assert.False(File.Exists(settings.UserKnownHostsFile));
        }

        [TestbedFact]
        public void Connect_UnderAcceptNew_AddsTheServerOnceInAFormSshAccepts()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            using var temp = new TempDirectory();
            SshSessionSettings settings = Settings(bed);
            settings.UserKnownHostsFile = temp.File("known_hosts");
            settings.StrictHostKeyChecking = StrictHostKeyChecking.AcceptNew;

            using (PersistentSshSession first = Connect(settings))
            {
                Assert.Equal(settings.UserKnownHostsFile, first.HostKey!.AddedTo);
            }

            using PersistentSshSession second = Connect(settings);

            Assert.Equal(HostKeyStatus.Known, second.HostKey!.Status);
            Assert.Single(File.ReadAllLines(settings.UserKnownHostsFile));
            ProcessOutcome ssh = ProcessRunner.Run(Wait.Bounded, "ssh", bed.SshArguments(bed.Server, new[] { "UserKnownHostsFile=" + settings.UserKnownHostsFile }, "echo ok"));
            Assert.Equal("ok\n", ssh.Output);
        }

        private static string ServerFingerprint(SshKeepAlive.Testing.Testbed bed) =>
            ProcessRunner.Run("ssh-keygen", "-l", "-E", "sha256", "-f", bed.Server.HostKeyFile).Output.Split(' ')[1];
    }
}
