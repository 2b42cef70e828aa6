using System;
using System.Collections.Generic;
using Renci.SshNet;
using Renci.SshNet.Security;

namespace SshKeepAlive.Core.Ssh
{
    /// <summary>
    /// One agent key as SSH.NET's public-key authentication takes keys: an <see cref="IPrivateKeySource"/>
    /// whose algorithms carry the public blob and sign through the agent, so the private key never
    /// leaves it. An RSA key offers rsa-sha2-512 and rsa-sha2-256 (never SHA-1 ssh-rsa, which current
    /// servers refuse); the agent is asked for the matching hash with the sign-request flags.
    /// </summary>
    public sealed class AgentKeySource : IPrivateKeySource
    {
        public AgentKeySource(SshAgentClient agent, AgentIdentity identity)
        {
            Identity = identity;
            string keyType = identity.KeyType;
            HostKeyAlgorithms = keyType == "ssh-rsa"
                ? new HostAlgorithm[]
                {
                    new AgentHostAlgorithm("rsa-sha2-512", agent, identity.PublicKey, SshAgentClient.SignFlags.RsaSha2_512),
                    new AgentHostAlgorithm("rsa-sha2-256", agent, identity.PublicKey, SshAgentClient.SignFlags.RsaSha2_256),
                }
                : new HostAlgorithm[] { new AgentHostAlgorithm(keyType, agent, identity.PublicKey, SshAgentClient.SignFlags.None) };
        }

        public AgentIdentity Identity { get; }

        public IReadOnlyCollection<HostAlgorithm> HostKeyAlgorithms { get; }

        private sealed class AgentHostAlgorithm : HostAlgorithm
        {
            private readonly SshAgentClient agent;
            private readonly byte[] publicKey;
            private readonly SshAgentClient.SignFlags flags;

            public AgentHostAlgorithm(string name, SshAgentClient agent, byte[] publicKey, SshAgentClient.SignFlags flags)
                : base(name)
            {
                this.agent = agent;
                this.publicKey = publicKey;
                this.flags = flags;
            }

            public override byte[] Data => publicKey;

            // The agent's answer is already the wire signature blob (algorithm name, signature) SSH.NET sends.
            public override byte[] Sign(byte[] data) => agent.Sign(publicKey, data, flags);

            public override bool VerifySignature(byte[] data, byte[] signature) =>
                throw new NotSupportedException("Agent keys only sign; verifying is the server's business.");
        }
    }
}
