using System;
using System.Collections.Generic;
using System.IO;
using SshKeepAlive.Core.Ssh;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>
    /// Everything a persistent session is made from. Start from <see cref="ForTarget"/> (ssh's defaults),
    /// let ssh_config settings replace those, then the caller's explicit choices replace both.
    /// </summary>
    public sealed class SshSessionSettings
    {
        private SshSessionSettings(SshTarget target)
        {
            Target = target;
            HostName = target.Host;
            Port = target.Port ?? 22;
            User = target.User ?? Environment.UserName;
        }

        public SshTarget Target { get; }

        /// <summary>Where to connect (ssh_config HostName; by default the target's host).</summary>
        public string HostName { get; set; }

        public int Port { get; set; }

        public string User { get; set; }

        /// <summary>Key files that must load (-KeyFile).</summary>
        public List<string> KeyFiles { get; } = new List<string>();

        /// <summary>Key files used when present (ssh_config IdentityFile, or ssh's ~/.ssh/id_* defaults).</summary>
        public List<string> DefaultKeyFiles { get; } = new List<string>(DefaultIdentityFiles());

        public string? KeyPassphrase { get; set; }

        /// <summary>For password and keyboard-interactive authentication.</summary>
        public string? Password { get; set; }

        /// <summary>Offer the keys of the agent named by SSH_AUTH_SOCK (ssh's IdentityAgent).</summary>
        public string? AgentSocket { get; set; } = Environment.GetEnvironmentVariable(SshAgentClient.SocketVariable);

        public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>ServerAliveInterval; zero turns keepalives (and dead-peer detection) off.</summary>
        public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

        /// <summary>ServerAliveCountMax.</summary>
        public int KeepAliveCountMax { get; set; } = 3;

        public StrictHostKeyChecking StrictHostKeyChecking { get; set; } = StrictHostKeyChecking.Ask;

        public string UserKnownHostsFile { get; set; } = HostKeyVerifier.DefaultUserKnownHostsFile;

        public List<string> GlobalKnownHostsFiles { get; } = new List<string>(HostKeyVerifier.DefaultGlobalKnownHostsFiles);

        public bool HashKnownHosts { get; set; }

        public ReconnectPolicy ReconnectPolicy { get; set; } = ReconnectPolicy.Default;

        /// <summary>The session's name; by default the target as given.</summary>
        public string? Name { get; set; }

        public static SshSessionSettings ForTarget(SshTarget target) => new SshSessionSettings(target);

        /// <summary>
        /// A session (not yet connected) with these settings. Key files are read now, so a missing file
        /// or wrong passphrase throws <see cref="PrivateKeyFileException"/> before anything is sent.
        /// </summary>
        public PersistentSshSession CreateSession()
        {
            var credentials = new SshCredentials(
                KeyFiles,
                DefaultKeyFiles,
                KeyPassphrase,
                Password,
                string.IsNullOrEmpty(AgentSocket) ? null : new SshAgentClient(AgentSocket!));
            var verifier = new HostKeyVerifier(UserKnownHostsFile, GlobalKnownHostsFiles, StrictHostKeyChecking, HashKnownHosts);
            var connector = new SshConnector(Target, HostName, Port, User, ConnectTimeout, () => credentials.MethodsFor(User), verifier);
            return new PersistentSshSession(connector, KeepAliveInterval, KeepAliveCountMax, ReconnectPolicy, Name);
        }

        private static IEnumerable<string> DefaultIdentityFiles()
        {
            string ssh = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh");
            foreach (string name in new[] { "id_rsa", "id_ecdsa", "id_ed25519" })
            {
                yield return Path.Combine(ssh, name);
            }
        }
    }
}
