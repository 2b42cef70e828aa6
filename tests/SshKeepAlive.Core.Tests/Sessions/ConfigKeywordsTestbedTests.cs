using System;
using System.IO;
using System.Linq;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.Sessions;
using SshKeepAlive.Core.Ssh;
using SshKeepAlive.Core.Tests.Ssh;
using SshKeepAlive.Testing;
using Xunit;
using static SshKeepAlive.Core.Tests.Sessions.TestbedSessions;
using Bed = SshKeepAlive.Testing.Testbed;

namespace SshKeepAlive.Core.Tests.Sessions
{
    /// <summary>ssh_config keywords that change what happens on the wire or on disk, against the testbed's sshd and OpenSSH's own tools.</summary>
    public sealed class ConfigKeywordsTestbedTests
    {
        [TestbedFact]
        public void CertificateFile_AuthenticatesAKeyTheServerKnowsOnlyThroughItsCertificateAuthority()
        {
            using var bed = Bed.Start();
            using var temp = new TempDirectory();
            string ca = GeneratedKey.Create(temp.Path, "ed25519").PrivateKeyFile;
            string key = GeneratedKey.Create(temp.Path, "ed25519").PrivateKeyFile;
            Assert.Equal(0, ProcessRunner.Run("ssh-keygen", "-q", "-s", ca, "-I", "sshka-test", "-n", bed.User, key + ".pub").ExitCode);
            // The server's own folder is the one it sees at the same path (it runs in a container).
            string trusted = Path.Combine(Path.GetDirectoryName(bed.Server.SshdConfig)!, "user_ca.pub");
            File.Copy(ca + ".pub", trusted);
            File.AppendAllText(bed.Server.SshdConfig, $"TrustedUserCAKeys {trusted}\n");
            bed.Reload();
            SshSessionSettings settings = Settings(bed);
            settings.KeyFiles.Clear();
            settings.DefaultKeyFiles.Add(key);
            settings.CertificateFiles.Add(key + "-cert.pub");

            using PersistentSshSession session = Connect(settings);

            Assert.Equal("ok\n", Run(session, "echo ok"));
            Assert.Contains("ED25519-CERT", bed.Server.ReadLog());
        }

        [TestbedFact]
        public void HashKnownHosts_WithAcceptNew_FilesTheNewHostHashed_AsSshKeygenFindsIt()
        {
            using var bed = Bed.Start();
            using var temp = new TempDirectory();
            SshSessionSettings settings = Settings(bed);
            settings.UserKnownHostsFile = temp.File("known_hosts");
            settings.StrictHostKeyChecking = StrictHostKeyChecking.AcceptNew;
            settings.HashKnownHosts = true;

            using (Connect(settings))
            {
            }

            string line = File.ReadAllText(settings.UserKnownHostsFile).Trim();
            Assert.StartsWith("|1|", line);
            Assert.DoesNotContain(bed.Server.Address, line);
            Assert.Equal(0, ProcessRunner.Run("ssh-keygen", "-F", bed.Server.Address, "-f", settings.UserKnownHostsFile).ExitCode);
        }

        [TestbedFact]
        public void HostKeyAlias_LooksTheKeyUpUnderTheAlias()
        {
            using var bed = Bed.Start();
            using var temp = new TempDirectory();
            string aliased = temp.File("known_hosts");
            File.WriteAllText(aliased, "bed-alias " + File.ReadAllText(bed.Server.HostKeyFile));
            SshSessionSettings settings = Settings(bed);
            settings.UserKnownHostsFile = aliased;
            SshSessionSettings unaliased = Settings(bed);
            unaliased.UserKnownHostsFile = aliased;
            settings.HostKeyAlias = "bed-alias";

            using PersistentSshSession session = Connect(settings);

            Assert.Equal("ok\n", Run(session, "echo ok"));
            Assert.Equal(HostKeyStatus.Known, session.HostKey!.Status);
            Assert.Throws<HostKeyVerificationException>(() => Connect(unaliased));
        }

        [TestbedTheory]
        [InlineData("aes256-ctr", true)]
        [InlineData("aes128-gcm@openssh.com", false)]
        public void Ciphers_OffersOnlyTheConfiguredList(string clientCiphers, bool overlaps)
        {
            using var bed = Bed.Start();
            File.AppendAllText(bed.Server.SshdConfig, "Ciphers aes256-ctr\n");
            bed.Reload();
            SshSessionSettings settings = Settings(bed);
            settings.Algorithms[AlgorithmKind.Ciphers] = AlgorithmLists.Resolve(AlgorithmKind.Ciphers, clientCiphers);

            Exception? failure = Record.Exception(() => Connect(settings).Dispose());

            Assert.Equal(overlaps, failure == null);
            if (!overlaps)
            {
                // sshd logs the refusal once the client has gone, a moment after the connect failed here.
                Assert.True(Wait.Until(() => bed.Server.ReadLog().Contains("no matching cipher"), Wait.Bounded), bed.Server.ReadLog());
            }
        }
    }
}
