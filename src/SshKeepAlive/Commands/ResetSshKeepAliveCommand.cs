using System.Collections.Generic;
using System.Management.Automation;
using SshKeepAlive.Core.Editing;
using SshKeepAlive.Core.Fleet;

namespace SshKeepAlive.Commands
{
    /// <summary>
    /// Removes the keepalive settings of a Host pattern (client) or the global ones (server) again, so OpenSSH's
    /// defaults or other lines apply; the rest of the file is untouched.
    /// </summary>
    [Cmdlet(VerbsCommon.Reset, "SshKeepAlive", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByPath)]
    [OutputType(typeof(EditResult), typeof(RemoteEditResult))]
    public sealed class ResetSshKeepAliveCommand : ConfigEditCommand
    {
        /// <inheritdoc />
        protected override string Action => "Remove keepalive settings";

        /// <inheritdoc />
        protected override IReadOnlyList<SettingChange> Changes() => TimeoutChanges.KeepAliveRemoval(EditScope);
    }
}
