using System;
using System.IO;
using System.Linq;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.Ssh;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Ssh
{
    /// <summary>Host key checks against known_hosts files written as ssh writes them, with keys made by ssh-keygen.</summary>
    public sealed class HostKeyVerifierTests : IDisposable
    {
        private readonly TempDirectory temp = new TempDirectory();

        private string KnownHostsFile => temp.File("known_hosts");

        public void Dispose() => temp.Dispose();

        [Theory]
        [InlineData("ed25519", "web01 {key}", "web01", 22)]
        [InlineData("ecdsa", "web01 {key}", "web01", 22)]
        [InlineData("rsa", "web01 {key}", "web01", 22)]
        [InlineData("ed25519", "WEB01 {key}", "web01", 22)]
        [InlineData("ed25519", "db1,web01,10.0.0.5 {key}", "web01", 22)]
        [InlineData("ed25519", "*.example.com {key}", "web01.example.com", 22)]
        [InlineData("ed25519", "web0? {key}", "web01", 22)]
        [InlineData("ed25519", "[web01]:2222 {key}", "web01", 2222)]
        [InlineData("ed25519", "# comment\n\nother {key}\nweb01 {key} trailing comment", "web01", 22)]
        public void Verify_WhenALineNamesTheHostWithTheKey_AcceptsItAsKnown(string algorithm, string lines, string host, int port)
        {
            GeneratedKey key = GeneratedKey.Create(temp.Path, algorithm);
            File.WriteAllText(KnownHostsFile, lines.Replace("{key}", key.PublicText) + "\n");
            int expectedLine = lines.Split('\n').ToList().FindLastIndex(l => l.Contains("{key}")) + 1;

            HostKeyCheck check = Verifier(StrictHostKeyChecking.Yes).Verify(host, port, key.Blob);

            Assert.Equal(HostKeyStatus.Known, check.Status);
            Assert.True(check.Accepted);
            Assert.Equal(KnownHostsFile + ":" + expectedLine, check.KnownEntry!.Location);
            Assert.Equal(key.Fingerprint, check.Fingerprint);
        }

        [Theory]
        [InlineData("[web01]:2222 {key}", "web01", 22)]
        [InlineData("web01 {key}", "web01", 2222)]
        [InlineData("!web01,web* {key}", "web01", 22)]
        [InlineData("web02,db1 {key}", "web01", 22)]
        [InlineData("@cert-authority web01 {key}", "web01", 22)]
        [InlineData("@unknown-marker web01 {key}", "web01", 22)]
        public void Verify_WhenNoLineNamesTheHost_RefusesTheKeyAsUnknownUnderYes(string lines, string host, int port)
        {
            GeneratedKey key = GeneratedKey.Create(temp.Path, "ed25519");
            File.WriteAllText(KnownHostsFile, lines.Replace("{key}", key.PublicText) + "\n");
            byte[] before = File.ReadAllBytes(KnownHostsFile);

            HostKeyCheck check = Verifier(StrictHostKeyChecking.Yes).Verify(host, port, key.Blob);

            Assert.Equal(HostKeyStatus.Unknown, check.Status);
            Assert.False(check.Accepted);
            Assert.Equal(before, File.ReadAllBytes(KnownHostsFile));
        }

        [Theory]
        [InlineData("ed25519", 22)]
        [InlineData("ecdsa", 2222)]
        [InlineData("rsa", 22)]
        public void Verify_WithNamesHashedBySshKeygen_AcceptsTheKnownKey(string algorithm, int port)
        {
            GeneratedKey key = GeneratedKey.Create(temp.Path, algorithm);
            string name = port == 22 ? "web01" : "[web01]:" + port;
            File.WriteAllText(KnownHostsFile, "other " + key.PublicText + "\n" + name + " " + key.PublicText + "\n");
            Assert.Equal(0, ProcessRunner.Run("ssh-keygen", "-H", "-f", KnownHostsFile).ExitCode);
            Assert.StartsWith("|1|", File.ReadAllText(KnownHostsFile));

            HostKeyCheck check = Verifier(StrictHostKeyChecking.Yes).Verify("web01", port, key.Blob);

            Assert.Equal(HostKeyStatus.Known, check.Status);
            Assert.Equal(KnownHostsFile + ":2", check.KnownEntry!.Location);
            Assert.Equal(HostKeyStatus.Unknown, Verifier(StrictHostKeyChecking.Yes).Verify("web02", port, key.Blob).Status);
        }

        [Theory]
        [InlineData("ed25519", "ed25519", StrictHostKeyChecking.Yes)]
        [InlineData("ecdsa", "ecdsa", StrictHostKeyChecking.AcceptNew)]
        [InlineData("rsa", "rsa", StrictHostKeyChecking.No)]
        [InlineData("rsa", "ed25519", StrictHostKeyChecking.AcceptNew)]
        public void Verify_WhenTheHostIsKnownWithAnotherKey_RefusesShowingBothFingerprintsAndTheLine(string knownAlgorithm, string presentedAlgorithm, StrictHostKeyChecking mode)
        {
            GeneratedKey known = GeneratedKey.Create(temp.Path, knownAlgorithm);
            GeneratedKey presented = GeneratedKey.Create(temp.Path, presentedAlgorithm);
            File.WriteAllText(KnownHostsFile, "db1 " + presented.PublicText + "\nweb01 " + known.PublicText + "\n");
            byte[] before = File.ReadAllBytes(KnownHostsFile);

            HostKeyCheck check = Verifier(mode).Verify("web01", 22, presented.Blob);

            Assert.Equal(HostKeyStatus.Changed, check.Status);
            Assert.False(check.Accepted);
            Assert.Contains(presented.Fingerprint, check.Message);
            Assert.Contains(known.Fingerprint, check.Message);
            Assert.Contains(KnownHostsFile + ":2", check.Message);
            Assert.Equal(before, File.ReadAllBytes(KnownHostsFile));
        }

        [Theory]
        [InlineData("@revoked * {key}")]
        [InlineData("web01 {key}\n@revoked web01 {key}")]
        public void Verify_WhenTheKeyIsRevokedForTheHost_RefusesItInEveryMode(string lines)
        {
            GeneratedKey key = GeneratedKey.Create(temp.Path, "ed25519");
            File.WriteAllText(KnownHostsFile, lines.Replace("{key}", key.PublicText) + "\n");

            foreach (StrictHostKeyChecking mode in Enum.GetValues(typeof(StrictHostKeyChecking)))
            {
                HostKeyCheck check = Verifier(mode).Verify("web01", 22, key.Blob);
                Assert.Equal(HostKeyStatus.Revoked, check.Status);
                Assert.False(check.Accepted);
            }
        }

        [Theory]
        [InlineData(StrictHostKeyChecking.Yes)]
        [InlineData(StrictHostKeyChecking.Ask)]
        public void Verify_WhenTheHostIsUnknownAndCheckingIsStrict_RefusesAndWritesNothing(StrictHostKeyChecking mode)
        {
            GeneratedKey key = GeneratedKey.Create(temp.Path, "ed25519");

            HostKeyCheck check = Verifier(mode).Verify("web01", 22, key.Blob);

            Assert.Equal(HostKeyStatus.Unknown, check.Status);
            Assert.False(check.Accepted);
            Assert.Contains(key.Fingerprint, check.Message);
            Assert.False(File.Exists(KnownHostsFile));
        }

        [Theory]
        [InlineData(StrictHostKeyChecking.AcceptNew, false, 22)]
        [InlineData(StrictHostKeyChecking.AcceptNew, true, 2222)]
        [InlineData(StrictHostKeyChecking.No, false, 2222)]
        public void Verify_WhenTheHostIsUnknownUnderAcceptNew_AppendsOneLineThatSshFinds(StrictHostKeyChecking mode, bool hash, int port)
        {
            GeneratedKey key = GeneratedKey.Create(temp.Path, "ed25519");
            File.WriteAllText(KnownHostsFile, "db1 " + GeneratedKey.Create(temp.Path, "rsa").PublicText);
            var verifier = new HostKeyVerifier(KnownHostsFile, new string[0], mode, hash);

            HostKeyCheck first = verifier.Verify("web01", port, key.Blob);
            HostKeyCheck second = verifier.Verify("web01", port, key.Blob);

            Assert.True(first.Accepted);
            Assert.Equal(KnownHostsFile, first.AddedTo);
            Assert.Equal(HostKeyStatus.Known, second.Status);
            Assert.Null(second.AddedTo);
            string[] lines = File.ReadAllLines(KnownHostsFile);
            Assert.Equal(2, lines.Length);
            Assert.Equal(hash, lines[1].StartsWith("|1|"));
            string name = port == 22 ? "web01" : "[web01]:" + port;
            var (exit, found) = ProcessRunner.Run("ssh-keygen", "-F", name, "-f", KnownHostsFile);
            Assert.Equal(0, exit);
            Assert.Contains(Convert.ToBase64String(key.Blob), found);
        }

        [Fact]
        public void Verify_UnderAcceptNewWithoutSshDirectory_CreatesItPrivateAndTheFile0600()
        {
            GeneratedKey key = GeneratedKey.Create(temp.Path, "ecdsa");
            string file = Path.Combine(temp.Path, "home", ".ssh", "known_hosts");

            HostKeyCheck check = new HostKeyVerifier(file, new string[0], StrictHostKeyChecking.AcceptNew).Verify("web01", 22, key.Blob);

            Assert.True(check.Accepted);
            Assert.EndsWith(file + ":1.", check.Message);
            Assert.Equal(0x1C0, UnixFileSystem.Stat(Path.GetDirectoryName(file)!).Mode & 0xFFF);
            Assert.Equal(0x180, UnixFileSystem.Stat(file).Mode & 0xFFF);
            Assert.Equal("web01 " + key.PublicText + "\n", File.ReadAllText(file));
        }

        [Fact]
        public void Verify_WhenOnlyAGlobalFileKnowsTheHost_AcceptsWithoutWritingTheUserFile()
        {
            GeneratedKey key = GeneratedKey.Create(temp.Path, "ed25519");
            string global = temp.File("ssh_known_hosts");
            File.WriteAllText(global, "web01 " + key.PublicText + "\n");

            HostKeyCheck check = new HostKeyVerifier(KnownHostsFile, new[] { global }, StrictHostKeyChecking.AcceptNew).Verify("web01", 22, key.Blob);

            Assert.Equal(HostKeyStatus.Known, check.Status);
            Assert.Equal(global + ":1", check.KnownEntry!.Location);
            Assert.False(File.Exists(KnownHostsFile));
        }

        [Fact]
        public void KnownKeyTypes_ListsTheTypesFiledForTheHostOnly()
        {
            File.WriteAllText(KnownHostsFile, string.Join("\n",
                "web01 " + GeneratedKey.Create(temp.Path, "rsa").PublicText,
                "web01,db1 " + GeneratedKey.Create(temp.Path, "ecdsa").PublicText,
                "db1 " + GeneratedKey.Create(temp.Path, "ed25519").PublicText,
                "@revoked web01 " + GeneratedKey.Create(temp.Path, "ed25519").PublicText));

            Assert.Equal(new[] { "ssh-rsa", "ecdsa-sha2-nistp256" }, Verifier(StrictHostKeyChecking.Yes).KnownKeyTypes("web01", 22));
        }

        private HostKeyVerifier Verifier(StrictHostKeyChecking mode) => new HostKeyVerifier(KnownHostsFile, new string[0], mode);
    }
}
