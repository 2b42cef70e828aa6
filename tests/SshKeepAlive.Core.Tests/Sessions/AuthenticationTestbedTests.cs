using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using Renci.SshNet.Common;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.Sessions;
using SshKeepAlive.Core.Ssh;
using SshKeepAlive.Core.Tests.Ssh;
using SshKeepAlive.Testing;
using Xunit;
using static SshKeepAlive.Core.Tests.Sessions.TestbedSessions;

namespace SshKeepAlive.Core.Tests.Sessions
{
    /// <summary>Authentication against the testbed's sshd: key files, passphrases, password, ssh-agent, and failures.</summary>
    public sealed class AuthenticationTestbedTests
    {
        [TestbedTheory]
        [InlineData(false, "ED25519")]
        [InlineData(true, "RSA")]
        public void Connect_WithAKeyFile_AuthenticatesWithThatKey(bool rsa, string loggedType)
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            SshSessionSettings settings = Settings(bed);
            settings.KeyFiles[0] = rsa ? bed.RsaPrivateKey : bed.PrivateKey;

            using PersistentSshSession session = Connect(settings);

            Assert.Equal(bed.User + "\n", Run(session, "whoami"));
            Assert.Matches($"Accepted publickey for {bed.User} .* {loggedType} SHA256:", bed.Server.ReadLog());
        }

        [TestbedFact]
        public void Connect_WithAnEncryptedKeyAndItsPassphrase_Authenticates_AndWithoutItFailsBeforeConnecting()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            using var temp = new TempDirectory();
            string encrypted = temp.File("id_encrypted");
            File.Copy(bed.PrivateKey, encrypted);
            UnixFileSystem.SetMode(encrypted, 0x180);
            Assert.Equal(0, ProcessRunner.Run("ssh-keygen", "-q", "-p", "-N", "correct horse", "-f", encrypted).ExitCode);
            SshSessionSettings settings = Settings(bed);
            settings.KeyFiles[0] = encrypted;

            var missing = Assert.Throws<PrivateKeyFileException>(() => settings.CreateSession());
            settings.KeyPassphrase = "wrong";
            var wrong = Assert.Throws<PrivateKeyFileException>(() => settings.CreateSession());
            string logBefore = bed.Server.ReadLog();
            settings.KeyPassphrase = "correct horse";
            using PersistentSshSession session = Connect(settings);

            Assert.Contains("passphrase", missing.Message);
            Assert.Equal(encrypted, wrong.Path);
            Assert.DoesNotContain("Accepted", logBefore);
            Assert.Equal("ok\n", Run(session, "echo ok"));
        }

        [TestbedFact]
        public void Connect_WithThePassword_Authenticates()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            SshSessionSettings settings = Settings(bed);
            settings.KeyFiles.Clear();
            settings.Password = bed.Password;

            using PersistentSshSession session = Connect(settings);

            Assert.Equal("ok\n", Run(session, "echo ok"));
            Assert.Matches($"Accepted (password|keyboard-interactive/pam) for {bed.User} ", bed.Server.ReadLog());
        }

        [TestbedTheory]
        [InlineData(false)]
        [InlineData(true)]
        public void Connect_WithOnlyAnAgentHoldingTheKey_AuthenticatesThroughTheAgent(bool rsa)
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            using var temp = new TempDirectory();
            using var agent = new TestAgent(temp.Path);
            agent.Add(rsa ? bed.RsaPrivateKey : bed.PrivateKey);
            SshSessionSettings settings = Settings(bed);
            settings.KeyFiles.Clear();
            settings.AgentSocket = agent.SocketPath;

            using PersistentSshSession session = Connect(settings);

            Assert.Equal("ok\n", Run(session, "echo ok"));
            Assert.Matches($"Accepted publickey for {bed.User} .* {(rsa ? "RSA" : "ED25519")} SHA256:", bed.Server.ReadLog());
        }

        [TestbedTheory]
        [InlineData("password")]
        [InlineData("key")]
        public void Connect_WithWrongCredentials_FailsOnceWithoutRetrying(string wrong)
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            using var temp = new TempDirectory();
            SshSessionSettings settings = Settings(bed);
            settings.KeyFiles.Clear();
            if (wrong == "password")
            {
                settings.Password = "not-the-password";
            }
            else
            {
                settings.KeyFiles.Add(GeneratedKey.Create(temp.Path, "ed25519").PrivateKeyFile);
            }

            // A refused password ends it; a refused key leaves the password method, which nobody can answer here.
            Exception ex = Assert.ThrowsAny<Exception>(() => Connect(settings));
            int attempts = Attempts(bed);
            Thread.Sleep(TimeSpan.FromSeconds(3));

            Assert.True(wrong == "password" ? ex is SshAuthenticationException && ex.Message.Contains("Permission denied") : ex is CredentialRequiredException && ex.Message.Contains("password"), ex.ToString());
            Assert.Equal(attempts, Attempts(bed));
            Assert.Single(Regex.Matches(bed.Server.ReadLog(), "Connection from "));
        }

        private static int Attempts(SshKeepAlive.Testing.Testbed bed) =>
            bed.Server.ReadLog().Split('\n').Count(line => line.Contains("Failed ") || line.Contains("Connection from "));
    }
}
