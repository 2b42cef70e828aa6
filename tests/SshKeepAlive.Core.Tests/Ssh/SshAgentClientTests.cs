using System;
using System.Linq;
using System.Text;
using Renci.SshNet;
using Renci.SshNet.Security;
using SshKeepAlive.Core.Ssh;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Ssh
{
    /// <summary>Our agent protocol client against OpenSSH's ssh-agent.</summary>
    public sealed class SshAgentClientTests : IDisposable
    {
        private readonly TempDirectory temp = new TempDirectory();
        private readonly TestAgent agent;

        public SshAgentClientTests() => agent = new TestAgent(temp.Path);

        public void Dispose()
        {
            agent.Dispose();
            temp.Dispose();
        }

        [Fact]
        public void ListIdentities_ReturnsTheKeysSshAddAdded()
        {
            GeneratedKey[] keys = { GeneratedKey.Create(temp.Path, "ed25519"), GeneratedKey.Create(temp.Path, "ecdsa"), GeneratedKey.Create(temp.Path, "rsa") };
            foreach (GeneratedKey key in keys)
            {
                agent.Add(key.PrivateKeyFile);
            }

            var identities = new SshAgentClient(agent.SocketPath).ListIdentities();

            Assert.Equal(keys.Select(k => Convert.ToBase64String(k.Blob)), identities.Select(i => Convert.ToBase64String(i.PublicKey)));
            Assert.All(identities, i => Assert.Equal("test", i.Comment));
        }

        [Fact]
        public void ListIdentities_OfAnEmptyAgent_IsEmpty()
        {
            Assert.Empty(new SshAgentClient(agent.SocketPath).ListIdentities());
        }

        [Theory]
        [InlineData("ed25519", "ssh-ed25519")]
        [InlineData("ecdsa", "ecdsa-sha2-nistp256")]
        [InlineData("rsa", "rsa-sha2-512")]
        [InlineData("rsa", "rsa-sha2-256")]
        public void AgentKeySource_SignsWhatTheKeyFileItselfVerifies(string algorithm, string signatureAlgorithm)
        {
            GeneratedKey key = GeneratedKey.Create(temp.Path, algorithm);
            agent.Add(key.PrivateKeyFile);
            var client = new SshAgentClient(agent.SocketPath);
            var source = new AgentKeySource(client, client.ListIdentities().Single());
            byte[] data = Encoding.ASCII.GetBytes("session id and userauth request");

            HostAlgorithm signer = source.HostKeyAlgorithms.Single(a => a.Name == signatureAlgorithm);
            byte[] signature = signer.Sign(data);

            using var file = new PrivateKeyFile(key.PrivateKeyFile);
            HostAlgorithm verifier = file.HostKeyAlgorithms.Single(a => a.Name == signatureAlgorithm);
            Assert.Equal(key.Blob, signer.Data);
            Assert.True(verifier.VerifySignature(data, signature));
            Assert.False(verifier.VerifySignature(Encoding.ASCII.GetBytes("something else"), signature));
        }

        [Fact]
        public void Sign_WithAKeyTheAgentDoesNotHold_ThrowsTheAgentsRefusal()
        {
            GeneratedKey key = GeneratedKey.Create(temp.Path, "ed25519");

            var ex = Assert.Throws<SshAgentException>(() => new SshAgentClient(agent.SocketPath).Sign(key.Blob, new byte[] { 1 }, SshAgentClient.SignFlags.None));

            Assert.Contains("refused", ex.Message);
        }

        [Fact]
        public void ListIdentities_WhenNoAgentListens_ThrowsNamingTheSocket()
        {
            string missing = temp.File("no-agent.sock");

            var ex = Assert.Throws<SshAgentException>(() => new SshAgentClient(missing).ListIdentities());

            Assert.Contains(missing, ex.Message);
        }
    }
}
