using System.Collections.Generic;
using System.Management.Automation;
using SshKeepAlive.Core.Editing;
using SshKeepAlive.Core.Fleet;

namespace SshKeepAlive.Commands
{
    /// <summary>
    /// Sets the keepalive of ssh (ServerAliveInterval/ServerAliveCountMax/TCPKeepAlive for a Host pattern) or sshd
    /// (ClientAliveInterval/ClientAliveCountMax/TCPKeepAlive, global) so that it takes effect: lossless, idempotent,
    /// atomic, validated, with -WhatIf showing the diff.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "SshKeepAlive", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByPath)]
    [OutputType(typeof(EditResult), typeof(RemoteEditResult))]
    public sealed class SetSshKeepAliveCommand : ConfigEditCommand
    {
        /// <summary>
        /// Seconds between keepalives (e.g. 60) or an OpenSSH time string (e.g. 5m); 0 turns them off. At least one of
        /// -Interval, -CountMax and -TcpKeepAlive, except that -Scope Server -Reload alone only reloads sshd.
        /// </summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string? Interval { get; set; }

        /// <summary>Unanswered keepalives before the connection is dropped (0-100).</summary>
        [Parameter]
        [ValidateRange(0, EditRules.MaxCountMax)]
        public int? CountMax { get; set; }

        /// <summary>Whether TCP keepalives are sent as well (TCPKeepAlive yes/no).</summary>
        [Parameter]
        public bool? TcpKeepAlive { get; set; }

        /// <inheritdoc />
        protected override string Action => "Set keepalive";

        /// <inheritdoc />
        protected override IReadOnlyList<SettingChange> Changes() => TimeoutChanges.KeepAlive(EditScope, Interval, CountMax, TcpKeepAlive, reloadOnly: ReloadsServer);
    }
}
