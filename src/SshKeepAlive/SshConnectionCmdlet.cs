using System;
using System.Linq;
using System.Management.Automation;
using SshKeepAlive.Commands;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Sessions;

namespace SshKeepAlive
{
    /// <summary>
    /// The session parameters New-PersistentSshSession and Enter-PersistentSsh share (the destination, its port,
    /// keepalives and reconnects) on top of the connection parameters, turned into <see cref="SshSessionSettings"/>:
    /// what ssh_config says for the destination (as ssh -G), then the parameters the user bound on top.
    /// </summary>
    public abstract class SshConnectionCmdlet : ConnectionParametersCmdlet
    {
        /// <summary>The destination: <c>[user@]host</c> or <c>ssh://[user@]host[:port]</c>.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SshHostNameCompleter))]
        public string HostName { get; set; } = string.Empty;

        /// <summary>The server's port; default: the port in HostName, else ssh_config's Port, else 22.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 65535)]
        public int? Port { get; set; }

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
                WriteWarning(warning.ToString());
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
                session.Connect(CancellationToken);
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
            SshSessionRequest request = ConnectionRequest(HostName);
            request.Name = name;
            request.Port = Port;
            request.KeepAliveInterval = Seconds(KeepAliveInterval);
            request.KeepAliveCountMax = KeepAliveCountMax;
            request.ReconnectDelay = ReconnectDelay.HasValue ? TimeSpan.FromSeconds(ReconnectDelay.Value) : (TimeSpan?)null;
            request.ReconnectMaxDelay = ReconnectMaxDelay.HasValue ? TimeSpan.FromSeconds(ReconnectMaxDelay.Value) : (TimeSpan?)null;
            request.ReconnectMaxAttempts = ReconnectMaxAttempts;
            request.ReconnectTimeout = Seconds(ReconnectTimeout);
            request.NoReconnect = NoReconnect;
            return request;
        }
    }
}
