using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.Ssh;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>
    /// Everything a persistent session is made from: <see cref="ForTarget"/> (defaults) or
    /// <see cref="FromConfig"/> (what ssh_config says for the destination), then the caller's explicit
    /// choices replace either.
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
        /// Settings as <c>ssh -G</c> resolves them for the destination: HostName, Port, User, IdentityFile,
        /// ServerAliveInterval/CountMax, ConnectTimeout, StrictHostKeyChecking, UserKnownHostsFile. Keepalive
        /// and timeout settings the files do not set keep this module's defaults rather than ssh's (whose
        /// default is no keepalive at all, the very thing this module exists to fix).
        /// </summary>
        public static SshSessionSettings FromConfig(ClientResolution resolution, string homeDirectory)
        {
            var settings = new SshSessionSettings(resolution.Target)
            {
                HostName = resolution.HostName,
                Port = (int)resolution[ClientKeyword.Port].Value!,
                User = (string)resolution[ClientKeyword.User].Value!,
            };

            string Home(string path) => path == "~" || path.StartsWith("~/", StringComparison.Ordinal) ? homeDirectory + path.Substring(1) : path;
            settings.DefaultKeyFiles.Clear();
            settings.DefaultKeyFiles.AddRange(((string[])resolution[ClientKeyword.IdentityFile].Value!).Select(Home));

            if (FromFile(resolution, ClientKeyword.ServerAliveInterval) is int interval)
            {
                settings.KeepAliveInterval = TimeSpan.FromSeconds(interval);
            }

            if (FromFile(resolution, ClientKeyword.ServerAliveCountMax) is int countMax && countMax > 0)
            {
                settings.KeepAliveCountMax = countMax;
            }

            if (FromFile(resolution, ClientKeyword.ConnectTimeout) is int timeout && timeout > 0)
            {
                settings.ConnectTimeout = TimeSpan.FromSeconds(timeout);
            }

            settings.StrictHostKeyChecking = (string)resolution[ClientKeyword.StrictHostKeyChecking].Value! switch
            {
                "true" => StrictHostKeyChecking.Yes,
                "false" => StrictHostKeyChecking.No,
                "accept-new" => StrictHostKeyChecking.AcceptNew,
                _ => StrictHostKeyChecking.Ask,
            };

            // New keys go to the first user file, as ssh adds them; the others are only read.
            var knownHosts = ((string[])resolution[ClientKeyword.UserKnownHostsFile].Value!).ToList();
            if (knownHosts.Count > 0 && !knownHosts[0].Equals("none", StringComparison.OrdinalIgnoreCase))
            {
                settings.UserKnownHostsFile = knownHosts[0];
                settings.GlobalKnownHostsFiles.InsertRange(0, knownHosts.Skip(1));
            }

            return settings;
        }

        /// <summary>
        /// A session (not yet connected) with these settings. Key files are read now, so a missing file
        /// or wrong passphrase throws <see cref="PrivateKeyFileException"/> before anything is sent.
        /// </summary>
        public PersistentSshSession CreateSession() =>
            new PersistentSshSession(CreateConnector(), KeepAliveInterval, KeepAliveCountMax, ReconnectPolicy, Name);

        /// <summary>
        /// How to open plain authenticated connections with these settings (no keepalives, no reconnects), for
        /// <see cref="CreateSession"/> and the idle probes. Key files are read now, so a missing file or wrong
        /// passphrase throws <see cref="PrivateKeyFileException"/>.
        /// </summary>
        internal SshConnector CreateConnector()
        {
            var credentials = new SshCredentials(
                KeyFiles,
                DefaultKeyFiles,
                KeyPassphrase,
                Password,
                string.IsNullOrEmpty(AgentSocket) ? null : new SshAgentClient(AgentSocket!));
            var verifier = new HostKeyVerifier(UserKnownHostsFile, GlobalKnownHostsFiles, StrictHostKeyChecking, HashKnownHosts);
            return new SshConnector(Target, HostName, Port, User, ConnectTimeout, () => credentials.MethodsFor(User), verifier);
        }

        private static object? FromFile(ClientResolution resolution, ClientKeyword keyword) =>
            resolution[keyword].Origin == SettingOrigin.ConfigFile ? resolution[keyword].Value : null;

        private static IEnumerable<string> DefaultIdentityFiles()
        {
            string ssh = Path.Combine(SshPlatform.HomeDirectory, ".ssh");
            foreach (string name in new[] { "id_rsa", "id_ecdsa", "id_ed25519" })
            {
                yield return Path.Combine(ssh, name);
            }
        }
    }
}
