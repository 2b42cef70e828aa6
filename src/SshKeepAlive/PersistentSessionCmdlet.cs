using System;
using System.Linq;
using System.Management.Automation;
using SshKeepAlive.Commands;
using SshKeepAlive.Core.Sessions;

namespace SshKeepAlive
{
    /// <summary>
    /// The parameters of a persistent session on top of the connection ones: its keepalives and how it reconnects
    /// (New-PersistentSshSession, Enter-PersistentSsh).
    /// </summary>
    public abstract class PersistentSessionCmdlet : SshConnectionCmdlet
    {
        /// <summary>Seconds between keepalives that the server must answer (ServerAliveInterval); 0 turns them off. Default 15.</summary>
        [Parameter]
        [ValidateRange(0, 86400)]
        public int? KeepAliveInterval { get; set; }

        /// <summary>Unanswered keepalives in a row after which the connection is declared dead (ServerAliveCountMax). Default 3.</summary>
        [Parameter]
        [ValidateRange(1, 1000)]
        public int? KeepAliveCountMax { get; set; }

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

        /// <summary>
        /// Local environment variables to send to the server for each shell and command, by name or wildcard pattern, as
        /// ssh -o SendEnv: added before the ssh_config's SendEnv (whose -pattern can remove them). The server keeps those
        /// its AcceptEnv allows.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ValidateEnvironmentArgument(assignment: false)]
        public string[]? SendEnv { get; set; }

        /// <summary>
        /// Variables to set on the server for each shell and command, as NAME=VALUE, as ssh -o SetEnv: given, they replace
        /// the ssh_config's SetEnv (ssh keeps only the first SetEnv line), and win over a variable SendEnv sends; values are
        /// sent as given (no %-tokens). The server keeps those its AcceptEnv allows.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ValidateEnvironmentArgument(assignment: true)]
        public string[]? SetEnv { get; set; }

        /// <summary>Answers passphrase, password and keyboard-interactive prompts on the pipeline thread while a connect waits.</summary>
        private protected HostCredentialPrompter Prompter => prompter ??= new HostCredentialPrompter(Host?.UI);

        private HostCredentialPrompter? prompter;

        /// <inheritdoc />
        protected override SshSessionRequest Request(string? name)
        {
            SshSessionRequest request = base.Request(name);
            request.KeepAliveInterval = Seconds(KeepAliveInterval);
            request.KeepAliveCountMax = KeepAliveCountMax;
            request.ReconnectDelay = ReconnectDelay.HasValue ? TimeSpan.FromSeconds(ReconnectDelay.Value) : (TimeSpan?)null;
            request.ReconnectMaxDelay = ReconnectMaxDelay.HasValue ? TimeSpan.FromSeconds(ReconnectMaxDelay.Value) : (TimeSpan?)null;
            request.ReconnectMaxAttempts = ReconnectMaxAttempts;
            request.ReconnectTimeout = Seconds(ReconnectTimeout);
            request.NoReconnect = NoReconnect;
            request.JumpHosts = JumpHost == null ? null : string.Join(",", JumpHost);
            request.LocalForwards = LocalForward ?? new string[0];
            request.RemoteForwards = RemoteForward ?? new string[0];
            request.DynamicForwards = DynamicForward ?? new string[0];
            request.SendEnv = SendEnv ?? new string[0];
            request.SetEnv = SetEnv ?? new string[0];
            request.Prompter = Prompter;
            request.Interactive = this is EnterPersistentSshCommand;
            return request;
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
                Prompter.Wait(() => session.ConnectAsync(CancellationToken), CancellationToken);
                foreach (PortForward forward in session.PortForwards.Where(f => f.State == PortForwardState.Failed))
                {
                    WriteWarning($"{forward}: {forward.LastError} It is tried again every few seconds and after every reconnect.");
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

        /// <summary>Runs a task and waits for it on the pipeline thread, answering the authentication prompts it raises meanwhile.</summary>
        protected T Await<T>(Func<System.Threading.Tasks.Task<T>> start) => Prompter.Wait(start, CancellationToken);
    }
}
