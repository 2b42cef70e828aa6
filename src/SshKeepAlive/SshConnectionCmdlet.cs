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
    /// The connection parameters New-PersistentSshSession and Enter-PersistentSsh share, turned into
    /// <see cref="SshSessionSettings"/>: what ssh_config says for the destination (as ssh -G), then the
    /// parameters the user bound on top.
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

        /// <summary>Seconds between keepalives that the server must answer (ServerAliveInterval); 0 turns them off. Default 15.</summary>
        [Parameter]
        [ValidateRange(0, 86400)]
        public int? KeepAliveInterval { get; set; }

        /// <summary>Unanswered keepalives in a row after which the connection is declared dead (ServerAliveCountMax). Default 3.</summary>
        [Parameter]
        [ValidateRange(1, 1000)]
        public int? KeepAliveCountMax { get; set; }

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

        /// <summary>Seconds before the first reconnect attempt; later attempts double it. Default 1.</summary>
        [Parameter]
        [ValidateRange(0.0, 3600.0)]
        public double? ReconnectDelay { get; set; }

        /// <summary>The longest wait between reconnect attempts, in seconds. Default 30.</summary>
        [Parameter]
        [ValidateRange(0.0, 3600.0)]
        public double? ReconnectMaxDelay { get; set; }

        /// <summary>How many reconnect attempts to make before giving up; default unlimited (bounded by ReconnectTimeout).</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int? ReconnectMaxAttempts { get; set; }

        /// <summary>Seconds after a loss to keep trying to reconnect. Default 600.</summary>
        [Parameter]
        [ValidateRange(0, 604800)]
        public int? ReconnectTimeout { get; set; }

        /// <summary>Never reconnect: a lost connection leaves the session Broken.</summary>
        [Parameter]
        public SwitchParameter NoReconnect { get; set; }

        /// <summary>
        /// Jump hosts to go through, first hop first, as ssh -J: [user@]host[:port] or ssh://[user@]host[:port], in one
        /// comma-separated string or as several; each is resolved from ssh_config under its own name. Wins over ProxyJump
        /// and ProxyCommand; none turns both off.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? JumpHost { get; set; }

        /// <summary>Local port forwards as ssh -L: [bind_address:]port:host:hostport; kept up across reconnects (the listener stays bound).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? LocalForward { get; set; }

        /// <summary>Remote port forwards as ssh -R: [bind_address:]port:host:hostport; asked of the server again after every reconnect.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? RemoteForward { get; set; }

        /// <summary>Dynamic (SOCKS4/5) forwards as ssh -D: [bind_address:]port; kept up across reconnects.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? DynamicForward { get; set; }

        /// <summary>Runs the commands of Match exec lines in ssh_config to decide their blocks, as ssh does; without it such blocks do not match (a warning names each).</summary>
        [Parameter]
        public SwitchParameter AllowMatchExec { get; set; }

        /// <summary>Answers passphrase, password and keyboard-interactive prompts on the pipeline thread while a connect waits.</summary>
        private protected HostCredentialPrompter Prompter => prompter ??= new HostCredentialPrompter(Host?.UI);

        private HostCredentialPrompter? prompter;

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

        /// <summary>Creates and connects a session, or returns null after writing the error (or throws it when <paramref name="terminating"/>).</summary>
        protected PersistentSshSession? Connect(SshSessionSettings settings, bool terminating)
        {
            WriteVerbose(
                $"Connecting to {settings.User}@{settings.HostName}:{settings.Port} " +
                $"(keepalive {(settings.KeepAliveInterval > TimeSpan.Zero ? $"every {settings.KeepAliveInterval.TotalSeconds:0.#} s, dead after {settings.KeepAliveCountMax} unanswered" : "off")}, " +
                $"StrictHostKeyChecking {settings.StrictHostKeyChecking}, known hosts {settings.UserKnownHostsFile}).");
            PersistentSshSession? session = null;
            try
            {
                session = settings.CreateSession();
                Prompter.Wait(session.ConnectAsync(CancellationToken), CancellationToken);
                foreach (PortForward forward in session.PortForwards.Where(f => f.State == PortForwardState.Failed))
                {
                    WriteWarning($"{forward}: {forward.LastError} It is tried again on every reconnect.");
                }
                if (ConnectionErrors.KeepAliveReplyUnavailableWarning(settings) is string warning)
                {
                    WriteWarning(warning);
                }

                WriteVerbose(session.HostKey?.Message ?? "No host key check was made.");
                WriteVerbose($"Connected to {session.Target} ({session.ServerVersion}).");
                return session;
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                session?.Dispose();
                throw new PipelineStoppedException();
            }
            catch (Exception ex) when (ConnectionErrors.For(ex, settings) is ErrorRecord record)
            {
                session?.Dispose();
                if (terminating)
                {
                    ThrowTerminatingError(record);
                }

                WriteError(record);
                return null;
            }
        }

        private SshSessionRequest Request(string? name)
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
                KeepAliveInterval = Seconds(KeepAliveInterval),
                KeepAliveCountMax = KeepAliveCountMax,
                StrictHostKeyChecking = StrictHostKeyChecking,
                KnownHostsFile = KnownHostsFile == null ? null : FileSystemPath(KnownHostsFile, expandWildcards: false),
                ConnectTimeout = Seconds(ConnectTimeout),
                ReconnectDelay = ReconnectDelay.HasValue ? TimeSpan.FromSeconds(ReconnectDelay.Value) : (TimeSpan?)null,
                ReconnectMaxDelay = ReconnectMaxDelay.HasValue ? TimeSpan.FromSeconds(ReconnectMaxDelay.Value) : (TimeSpan?)null,
                ReconnectMaxAttempts = ReconnectMaxAttempts,
                ReconnectTimeout = Seconds(ReconnectTimeout),
                NoReconnect = NoReconnect,
                RunMatchExec = AllowMatchExec,
                JumpHosts = JumpHost == null ? null : string.Join(",", JumpHost),
                LocalForwards = LocalForward ?? new string[0],
                RemoteForwards = RemoteForward ?? new string[0],
                DynamicForwards = DynamicForward ?? new string[0],
                Prompter = Prompter,
                Interactive = this is Commands.EnterPersistentSshCommand,
            };
        }

        /// <summary>Waits for a task on the pipeline thread, answering the authentication prompts it raises meanwhile.</summary>
        protected T Await<T>(System.Threading.Tasks.Task<T> task)
        {
            Prompter.Wait(task, CancellationToken);
            return task.GetAwaiter().GetResult();
        }

        private static TimeSpan? Seconds(int? seconds) => seconds.HasValue ? TimeSpan.FromSeconds(seconds.Value) : (TimeSpan?)null;
    }
}
