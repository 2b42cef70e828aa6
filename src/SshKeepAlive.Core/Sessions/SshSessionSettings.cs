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
    /// <summary>A line of ssh_config that persistent sessions do not honour, named in the one warning of a connect.</summary>
    public sealed class UnsupportedSetting
    {
        public UnsupportedSetting(string keyword, ConfigSource source, string? why = null)
        {
            Keyword = keyword;
            Source = source;
            Why = why;
        }

        public string Keyword { get; }

        public ConfigSource Source { get; }

        /// <summary>Why sessions cannot honour it and what to use instead, where the keyword alone does not say.</summary>
        public string? Why { get; }

        public override string ToString() => Why == null ? $"{Keyword} at {Source}" : $"{Keyword} at {Source} ({Why})";
    }

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

        /// <summary>Key files used when present (ssh_config IdentityFile with its tokens expanded, or ssh's ~/.ssh/id_* defaults).</summary>
        public List<string> DefaultKeyFiles { get; } = new List<string>(DefaultIdentityFiles());

        /// <summary>OpenSSH certificates offered with the key they certify (CertificateFile).</summary>
        public List<string> CertificateFiles { get; } = new List<string>();

        /// <summary>IdentitiesOnly: of the agent's keys, only those of the key files.</summary>
        public bool IdentitiesOnly { get; set; }

        public string? KeyPassphrase { get; set; }

        /// <summary>For password and keyboard-interactive authentication.</summary>
        public string? Password { get; set; }

        /// <summary>The agent whose keys are offered (IdentityAgent; by default SSH_AUTH_SOCK, on Windows OpenSSH's pipe); null: none.</summary>
        public string? AgentSocket { get; set; } = DefaultAgent(Environment.GetEnvironmentVariable(SshAgentClient.SocketVariable), SshPlatform.IsWindows);

        public bool PubkeyAuthentication { get; set; } = true;

        public bool PasswordAuthentication { get; set; } = true;

        public bool KbdInteractiveAuthentication { get; set; } = true;

        public int NumberOfPasswordPrompts { get; set; } = 3;

        /// <summary>BatchMode: never ask for a passphrase, password or answer; fail at once instead.</summary>
        public bool BatchMode { get; set; }

        /// <summary>Who answers authentication prompts; by default nobody. Under <see cref="BatchMode"/> nobody, whatever is set.</summary>
        public ICredentialPrompter? Prompter { get; set; }

        /// <summary>Why nobody can be asked when <see cref="Prompter"/> is null (ends the message of the failure).</summary>
        public string NoPrompterReason { get; set; } = "this session was opened without a way to ask (give -Credential or -KeyPassphrase, or use ssh-agent).";

        public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>ConnectionAttempts: tries of the first connect, a second apart, while the server cannot be reached.</summary>
        public int ConnectionAttempts { get; set; } = 1;

        /// <summary>ServerAliveInterval; zero turns keepalives (and dead-peer detection) off.</summary>
        public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

        /// <summary>ServerAliveCountMax.</summary>
        public int KeepAliveCountMax { get; set; } = 3;

        /// <summary>TCPKeepAlive: the kernel's TCP keepalive on the connection's socket, as ssh sets it (default yes).</summary>
        public bool TcpKeepAlive { get; set; } = true;

        public StrictHostKeyChecking StrictHostKeyChecking { get; set; } = StrictHostKeyChecking.Ask;

        public string UserKnownHostsFile { get; set; } = HostKeyVerifier.DefaultUserKnownHostsFile;

        public List<string> GlobalKnownHostsFiles { get; } = new List<string>(HostKeyVerifier.DefaultGlobalKnownHostsFiles);

        public bool HashKnownHosts { get; set; }

        /// <summary>HostKeyAlias: the name the host key is looked up and filed under instead of the host name.</summary>
        public string? HostKeyAlias { get; set; }

        /// <summary>Algorithm lists the configuration sets (Ciphers, MACs, KexAlgorithms, HostKeyAlgorithms), resolved as ssh resolves them.</summary>
        public Dictionary<AlgorithmKind, IReadOnlyList<string>> Algorithms { get; } = new Dictionary<AlgorithmKind, IReadOnlyList<string>>();

        /// <summary>Compression yes: zlib@openssh.com when this SSH.NET has it.</summary>
        public bool Compression { get; set; }

        /// <summary>RemoteCommand, %-tokens expanded: what Invoke-PersistentSshCommand runs when given no command.</summary>
        public string? RemoteCommand { get; set; }

        /// <summary>RequestTTY as ssh_config says it (yes, no, force, auto); null when not set.</summary>
        public string? RequestTty { get; set; }

        /// <summary>The hops before the destination, first hop first (ProxyJump, -JumpHost), each with its own settings.</summary>
        public List<SshSessionSettings> JumpHosts { get; } = new List<SshSessionSettings>();

        /// <summary>The ProxyJump line that applies (its value and where), before its hops are resolved; null when none.</summary>
        public (string Value, ConfigSource Source)? ConfiguredProxyJump { get; set; }

        /// <summary>ProxyCommand with its tokens expanded: its standard input and output carry the connection.</summary>
        public string? ProxyCommand { get; set; }

        /// <summary>Port forwards kept up across reconnects (LocalForward, RemoteForward, DynamicForward and the parameters).</summary>
        public List<ForwardSpec> Forwards { get; } = new List<ForwardSpec>();

        /// <summary>ExitOnForwardFailure: a forward that cannot be set up fails the connect (and a reconnect attempt).</summary>
        public bool ExitOnForwardFailure { get; set; }

        /// <summary>GatewayPorts: local forwards listen on every interface when no bind address says otherwise.</summary>
        public bool GatewayPorts { get; set; }

        /// <summary>The variables each shell or command asks the server to set (SendEnv, SetEnv).</summary>
        public SessionEnvironment SentEnvironment { get; } = new SessionEnvironment();

        /// <summary>Where the first-wins keywords beyond the resolver's own were set (keyword → line), for warnings about them.</summary>
        public Dictionary<string, ConfigSource> ConfiguredAt { get; } = new Dictionary<string, ConfigSource>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Lines of the configuration that sessions do not honour (one warning per connect names them).</summary>
        public List<UnsupportedSetting> Unsupported { get; } = new List<UnsupportedSetting>();

        public ReconnectPolicy ReconnectPolicy { get; set; } = ReconnectPolicy.Default;

        /// <summary>The session's name; by default the target as given.</summary>
        public string? Name { get; set; }

        /// <summary>This hop and the hops before it, first hop first.</summary>
        public IEnumerable<SshSessionSettings> Chain => JumpHosts.Concat(new[] { this });

        public static SshSessionSettings ForTarget(SshTarget target) => new SshSessionSettings(target);

        /// <summary>
        /// Settings as <c>ssh -G</c> resolves them for the destination (see <see cref="SessionConfigReader"/> for the
        /// keywords beyond HostName, Port, User and the keepalive and host key settings). Keepalive and timeout
        /// settings the files do not set keep this module's defaults rather than ssh's (whose default is no keepalive
        /// at all, the very thing this module exists to fix).
        /// </summary>
        /// <exception cref="Errors.SshKeepAliveException">A value ssh would refuse once expanded (an unknown %-token, an unset ${VAR}).</exception>
        /// <param name="resolution">What the configuration says for the destination.</param>
        /// <param name="homeDirectory">The home ~ stands for.</param>
        /// <param name="openSshVersion">The ssh release whose rules apply where releases differ (SetEnv's expansion); null: the newest.</param>
        public static SshSessionSettings FromConfig(ClientResolution resolution, string homeDirectory, OpenSshVersion? openSshVersion = null)
        {
            var settings = new SshSessionSettings(resolution.Target)
            {
                HostName = resolution.HostName,
                Port = (int)resolution[ClientKeyword.Port].Value!,
                User = (string)resolution[ClientKeyword.User].Value!,
            };

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

            if (FromFile(resolution, ClientKeyword.ConnectionAttempts) is int attempts && attempts > 0)
            {
                settings.ConnectionAttempts = attempts;
            }

            settings.TcpKeepAlive = (bool)resolution[ClientKeyword.TCPKeepAlive].Value!;
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

            if (resolution[ClientKeyword.ChannelTimeout].Origin == SettingOrigin.ConfigFile && resolution[ClientKeyword.ChannelTimeout].Value != null)
            {
                settings.Unsupported.AddRange(resolution[ClientKeyword.ChannelTimeout].Sources.Select(s => new UnsupportedSetting(ClientKeyword.ChannelTimeout.Name, s)));
            }

            SessionConfigReader.Apply(resolution, homeDirectory, settings, openSshVersion);
            return settings;
        }

        /// <summary>The agent ssh uses without IdentityAgent: SSH_AUTH_SOCK, else on Windows the OpenSSH agent's named pipe.</summary>
        public static string? DefaultAgent(string? authSock, bool windows) =>
            !string.IsNullOrEmpty(authSock) ? authSock : windows ? SshAgentClient.WindowsPipe : null;

        /// <summary>
        /// A session (not yet connected) with these settings. Key files are read now, so a missing file
        /// or wrong passphrase throws <see cref="PrivateKeyFileException"/> before anything is sent.
        /// </summary>
        public PersistentSshSession CreateSession() =>
            new PersistentSshSession(CreateSessionConnector(), KeepAliveInterval, KeepAliveCountMax, ReconnectPolicy, Name)
            {
                Forwards = Forwards.ToList(),
                ExitOnForwardFailure = ExitOnForwardFailure,
                GatewayPorts = GatewayPorts,
                LivenessTimeout = ConnectTimeout,
                ConnectionAttempts = ConnectionAttempts,
                RemoteCommand = RemoteCommand,
            };

        /// <summary>The connector <see cref="CreateSession"/> uses: the chain of hops when there are jump hosts or a ProxyCommand.</summary>
        internal ISshConnector CreateSessionConnector() =>
            JumpHosts.Count == 0 && ProxyCommand == null ? CreateConnector() : new ChainConnector(Chain.Select(hop => hop.CreateConnector()).ToList());

        /// <summary>
        /// How to open plain authenticated connections to this hop with these settings (no keepalives, no reconnects, no
        /// jump hosts: a ProxyCommand, though, carries them), for <see cref="CreateSession"/> and the idle probes. Key
        /// files are read now, so a missing file or wrong passphrase throws <see cref="PrivateKeyFileException"/>.
        /// </summary>
        internal SshConnector CreateConnector()
        {
            var credentials = new SshCredentials(new CredentialOptions
            {
                KeyFiles = KeyFiles,
                IdentityFiles = DefaultKeyFiles,
                CertificateFiles = CertificateFiles,
                IdentitiesOnly = IdentitiesOnly,
                KeyPassphrase = KeyPassphrase,
                Password = Password,
                Agent = string.IsNullOrEmpty(AgentSocket) ? null : new SshAgentClient(AgentSocket!),
                PubkeyAuthentication = PubkeyAuthentication,
                PasswordAuthentication = PasswordAuthentication,
                KbdInteractiveAuthentication = KbdInteractiveAuthentication,
                PasswordPrompts = NumberOfPasswordPrompts,
                Prompts = BatchMode ? PromptPolicy.None("BatchMode is yes.")
                    : Prompter != null ? PromptPolicy.Ask(Prompter) : PromptPolicy.None(NoPrompterReason),
            });
            var verifier = new HostKeyVerifier(UserKnownHostsFile, GlobalKnownHostsFiles, StrictHostKeyChecking, HashKnownHosts);
            return new SshConnector(Target, HostName, Port, User, ConnectTimeout, () => credentials.MethodsFor(User, HostName), verifier)
            {
                HostKeyAlias = HostKeyAlias,
                Algorithms = Algorithms,
                Compression = Compression,
                TcpKeepAlive = TcpKeepAlive,
                ProxyCommand = ProxyCommand,
                KeepAliveInterval = KeepAliveInterval,
                KeepAliveCountMax = KeepAliveCountMax,
                SentEnvironment = SentEnvironment,
            };
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
