using System;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Security;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.Sessions;

namespace SshKeepAlive
{
    /// <summary>
    /// How every cmdlet that connects reaches a host: ssh_config (-ConfigPath), keys (-KeyFile, -KeyPassphrase), a
    /// password (-Credential), host key checking (-StrictHostKeyChecking, -KnownHostsFile) and -ConnectTimeout, turned
    /// into the <see cref="SshSessionRequest"/> of a destination. New-PersistentSshSession and Enter-PersistentSsh add a
    /// destination and session options (<see cref="SshConnectionCmdlet"/>); the config cmdlets add -ComputerName (<see cref="FleetCmdlet"/>).
    /// </summary>
    public abstract class ConnectionParametersCmdlet : SshKeepAliveCmdlet
    {
        /// <summary>The ssh_config file to read instead of ~/.ssh/config and /etc/ssh/ssh_config (as ssh -F); none reads no file at all.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ConfigPath { get; set; }

        /// <summary>User name and password for password and keyboard-interactive authentication; its user is used unless HostName names one.</summary>
        [Parameter]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>OpenSSH private key files (ed25519, ecdsa, rsa) to authenticate with, besides the ssh-agent's keys and ~/.ssh/id_*.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? KeyFile { get; set; }

        /// <summary>The passphrase of encrypted key files.</summary>
        [Parameter]
        public SecureString? KeyPassphrase { get; set; }

        /// <summary>Which host keys to accept (StrictHostKeyChecking): Yes, AcceptNew (or accept-new), No or Ask; default Ask, which without a prompt means Yes.</summary>
        /// <remarks>
        /// A string, not the Core enum: a value-type field of a Core type would make PowerShell load Core
        /// while it scans this assembly, before the module's dependency resolver is registered.
        /// </remarks>
        [Parameter]
        [ValidateSet("Yes", "AcceptNew", "accept-new", "No", "Ask")]
        public string? StrictHostKeyChecking { get; set; }

        /// <summary>The user's known_hosts file (UserKnownHostsFile); default ~/.ssh/known_hosts.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? KnownHostsFile { get; set; }

        /// <summary>Seconds to wait for the TCP connection and SSH handshake (ConnectTimeout). Default 30.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int? ConnectTimeout { get; set; }

        /// <summary>The parameters above, by name: given without a host to connect to, they mean nothing.</summary>
        protected virtual string[] ConnectionParameterNames => new[]
        {
            nameof(ConfigPath), nameof(Credential), nameof(KeyFile), nameof(KeyPassphrase), nameof(StrictHostKeyChecking), nameof(KnownHostsFile), nameof(ConnectTimeout),
        };

        /// <summary>The request to connect to <paramref name="destination"/> with the bound connection parameters (paths resolved here, through the provider).</summary>
        protected SshSessionRequest ConnectionRequest(string destination)
        {
            NetworkCredential? credential = Credential?.GetNetworkCredential();
            return new SshSessionRequest(destination)
            {
                ConfigFile = ConfigPath == null || ClientConfigResolver.IsNoConfigFile(ConfigPath) ? ConfigPath : FileSystemPath(ConfigPath, expandWildcards: false),
                CredentialUser = Credential?.UserName,
                Password = credential?.Password,
                KeyFiles = Array.ConvertAll(KeyFile ?? new string[0], k => FileSystemPath(k, expandWildcards: false)),
                KeyPassphrase = KeyPassphrase == null ? null : new NetworkCredential(string.Empty, KeyPassphrase).Password,
                StrictHostKeyChecking = StrictHostKeyChecking,
                KnownHostsFile = KnownHostsFile == null ? null : FileSystemPath(KnownHostsFile, expandWildcards: false),
                ConnectTimeout = Seconds(ConnectTimeout),
            };
        }

        /// <summary>Whole seconds as a TimeSpan, null kept.</summary>
        protected static TimeSpan? Seconds(int? seconds) => seconds.HasValue ? TimeSpan.FromSeconds(seconds.Value) : (TimeSpan?)null;
    }
}
