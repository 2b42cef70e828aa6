using System.Collections.Generic;
using System.Threading;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.ServerConfig;

namespace SshKeepAlive.Core.Timeouts
{
    /// <summary>What to report and where to read it.</summary>
    public sealed class TimeoutReportOptions
    {
        public TimeoutReportOptions(TimeoutEnvironment environment)
        {
            Environment = environment;
        }

        public TimeoutEnvironment Environment { get; }

        /// <summary>The scopes to report; null or empty: every scope that applies on this machine.</summary>
        public IReadOnlyCollection<TimeoutScope>? Scopes { get; set; }

        /// <summary>
        /// A config file read instead of the default ones, as <c>ssh -F</c> or <c>sshd -f</c>: for the client scope
        /// when no scope is given, otherwise for the one scope given (Client or Server).
        /// </summary>
        public string? ConfigPath { get; set; }

        /// <summary>The connection the server's Match blocks are evaluated for (<c>sshd -C</c>).</summary>
        public ServerConnection Connection { get; set; } = ServerConnection.None;

        /// <summary>Idle seconds after which the network path forgets a connection (measured, or known), for the summary; null when unknown.</summary>
        public int? PathIdleTimeout { get; set; }

        /// <summary>Where <see cref="PathIdleTimeout"/> comes from, e.g. "measured by Measure-SshIdleTimeout".</summary>
        public string? PathIdleTimeoutSource { get; set; }

        /// <summary>Run the commands of client <c>Match exec</c> lines; off: such blocks are reported as unevaluated.</summary>
        public bool AllowMatchExec { get; set; }

        /// <summary>
        /// The OpenSSH release the configs are read as (which keywords its ssh and sshd know), e.g. that of the server a
        /// copied sshd_config comes from; null: the releases of this machine's ssh and sshd (<see cref="TimeoutEnvironment"/>).
        /// </summary>
        public OpenSshVersion? OpenSshVersion { get; set; }

        /// <summary>The machine the environment is (as given to -ComputerName): every row names it; null for this machine.</summary>
        public string? ComputerName { get; set; }

        /// <summary>Stops a running Match exec command (Ctrl-C); the report then throws <see cref="System.OperationCanceledException"/>.</summary>
        public CancellationToken CancellationToken { get; set; }
    }
}
