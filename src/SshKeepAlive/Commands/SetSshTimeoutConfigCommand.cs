using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SshKeepAlive.Core.Editing;
using SshKeepAlive.Core.Fleet;

namespace SshKeepAlive.Commands
{
    /// <summary>
    /// Sets the other timeouts that end SSH sessions: ConnectTimeout (client); LoginGraceTime, ChannelTimeout and
    /// UnusedConnectionTimeout (server), with the same guarantees as Set-SshKeepAlive.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "SshTimeoutConfig", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByPath)]
    [OutputType(typeof(EditResult), typeof(RemoteEditResult))]
    public sealed class SetSshTimeoutConfigCommand : ConfigEditCommand
    {
        /// <summary>Client: how long ssh waits for the TCP connection (seconds, an OpenSSH time, or none, written as the 0 ssh takes as no timeout).</summary>
        /// <remarks>
        /// The setting to write: it hides the connection parameter of the same name, so with -ComputerName this cmdlet waits
        /// for the hosts as ssh_config's ConnectTimeout for them says (-ConfigPath), else 30 s.
        /// </remarks>
        [Parameter]
        public new string? ConnectTimeout { get; set; }

        /// <inheritdoc />
        protected override string[] ConnectionParameterNames => base.ConnectionParameterNames.Where(name => name != nameof(ConnectTimeout)).ToArray();

        /// <summary>Server: how long a client has to log in (seconds or an OpenSSH time; 0 means no limit).</summary>
        [Parameter]
        public string? LoginGraceTime { get; set; }

        /// <summary>Server: idle timeouts per channel type, as type=time entries (e.g. session=30m, global=1h).</summary>
        [Parameter]
        public string[]? ChannelTimeout { get; set; }

        /// <summary>Server: how long a connection without open channels may stay (an OpenSSH time, or none).</summary>
        [Parameter]
        public string? UnusedConnectionTimeout { get; set; }

        /// <inheritdoc />
        protected override string Action => "Set timeouts";

        /// <inheritdoc />
        protected override IReadOnlyList<SettingChange> Changes() =>
            TimeoutChanges.Timeouts(EditScope, ConnectTimeout, LoginGraceTime, ChannelTimeout, UnusedConnectionTimeout);
    }
}
