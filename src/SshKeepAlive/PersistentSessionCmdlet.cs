using System;
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
    }
}
