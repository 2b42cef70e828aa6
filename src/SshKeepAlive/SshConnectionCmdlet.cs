using System;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Security;
using SshKeepAlive.Commands;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Sessions;

namespace SshKeepAlive
{
    /// <summary>
    /// The connection parameters every cmdlet that connects shares (New-PersistentSshSession, Enter-PersistentSsh,
    /// Measure-SshIdleTimeout), turned into <see cref="SshSessionSettings"/>: what ssh_config says for the
    /// destination (as ssh -G), then the parameters the user bound on top.
    /// </summary>
    public abstract class SshConnectionCmdlet : SshKeepAliveCmdlet
    {
        /// <summary>The destination: <c>[user@]host</c> or <c>ssh://[user@]host[:port]</c>.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SshHostNameCompleter))]
        public string HostName { get; set; } = string.Empty;

        /// <summary>The ssh_config file to read instead of ~/.ssh/config and /etc/ssh/ssh_config (as ssh -F); none reads no file at all.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ConfigPath { get; set; }

        /// <summary>The server's port; default: the port in HostName, else ssh_config's Port, else 22.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 65535)]
        public int? Port { get; set; }

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

        /// <summary>Runs the commands of Match exec lines in ssh_config to decide their blocks, as ssh does; without it such blocks do not match (a warning names each).</summary>
        [Parameter]
        public SwitchParameter AllowMatchExec { get; set; }

        /// <summary>
        /// The session settings: ssh_config for the destination, the parameters bound on top (Core decides how they
        /// combine). Warnings go to the warning stream; a destination, config or delay Core refuses ends the command.
        /// </summary>
        protected SshSessionSettings BuildSettings(string? name = null)
        {
            SessionSettingsResult result;
            try
            {
                result = SessionSettingsBuilder.Build(Request(name), ClientEnvironment.Current());
            }
            catch (SshKeepAliveException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex, HostName));
                throw;
            }

            foreach (ConfigDiagnostic warning in result.Warnings)
            {
                WriteWarning(warning.Problem == ConfigProblem.MatchExecNotRun && !AllowMatchExec ? warning + " (-AllowMatchExec runs it)" : warning.ToString());
            }

            if (result.UnsupportedWarning is string unsupported)
            {
                WriteWarning(unsupported);
            }

            WriteVerbose("From ssh_config: " + string.Join("; ", result.FromConfig.Select(s => s.ToString())));
            return result.Settings;
        }

        /// <summary>The request the bound parameters make; subclasses add their own choices.</summary>
        protected virtual SshSessionRequest Request(string? name)
        {
            NetworkCredential? credential = Credential?.GetNetworkCredential();
            return new SshSessionRequest(HostName)
            {
                ConfigFile = ConfigPath == null || ClientConfigResolver.IsNoConfigFile(ConfigPath) ? ConfigPath : FileSystemPath(ConfigPath, expandWildcards: false),
                Name = name,
                Port = Port,
                CredentialUser = Credential?.UserName,
                Password = credential?.Password,
                KeyFiles = Array.ConvertAll(KeyFile ?? new string[0], k => FileSystemPath(k, expandWildcards: false)),
                KeyPassphrase = KeyPassphrase == null ? null : new NetworkCredential(string.Empty, KeyPassphrase).Password,
                StrictHostKeyChecking = StrictHostKeyChecking,
                KnownHostsFile = KnownHostsFile == null ? null : FileSystemPath(KnownHostsFile, expandWildcards: false),
                ConnectTimeout = Seconds(ConnectTimeout),
                RunMatchExec = AllowMatchExec,
            };
        }

        /// <summary>Whole seconds as a TimeSpan, null kept.</summary>
        protected static TimeSpan? Seconds(int? seconds) => seconds.HasValue ? TimeSpan.FromSeconds(seconds.Value) : (TimeSpan?)null;
    }
}
