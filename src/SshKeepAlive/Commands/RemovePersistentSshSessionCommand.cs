using System.Management.Automation;
using SshKeepAlive.Core.Sessions;

namespace SshKeepAlive.Commands
{
    /// <summary>Closes persistent sessions and stops their keepalives and reconnects.</summary>
    [Cmdlet(VerbsCommon.Remove, "PersistentSshSession", DefaultParameterSetName = SessionSelection.BySession, SupportsShouldProcess = true)]
    [OutputType(typeof(void))]
    public sealed class RemovePersistentSshSessionCommand : SshKeepAliveCmdlet
    {
        /// <summary>The sessions to close.</summary>
        [Parameter(ParameterSetName = SessionSelection.BySession, Mandatory = true, ValueFromPipeline = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public PersistentSshSession[] Session { get; set; } = new PersistentSshSession[0];

        /// <summary>Ids of the sessions to close.</summary>
        [Parameter(ParameterSetName = SessionSelection.ById, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public int[] Id { get; set; } = new int[0];

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            foreach (PersistentSshSession session in SessionSelection.Select(this, ParameterSetName, Session, Id))
            {
                if (!ShouldProcess($"session {session.Id} ({session.Target})", "Close"))
                {
                    continue;
                }

                if (!RunspaceState.Sessions.Remove(session))
                {
                    WriteError(SessionErrors.NotFound(session.Id));
                }
                else
                {
                    WriteVerbose($"Closed session {session.Id} to {session.Target}.");
                }
            }
        }
    }
}
