using System.Management.Automation;
using SshKeepAlive.Core.Sessions;

namespace SshKeepAlive.Commands
{
    /// <summary>Opens a persistent SSH session: keepalives the server answers, dead-peer detection, reconnect with backoff.</summary>
    [Cmdlet(VerbsCommon.New, "PersistentSshSession", SupportsShouldProcess = true)]
    [OutputType(typeof(PersistentSshSession))]
    public sealed class NewPersistentSshSessionCommand : PersistentSessionCmdlet
    {
        /// <summary>The session's name for Get-PersistentSshSession -Name; default: the destination as given.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? Name { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            SshSessionSettings settings = BuildSettings(Name);
            if (!ShouldProcess($"{settings.User}@{settings.HostName}:{settings.Port}", "Open a persistent SSH session"))
            {
                return;
            }

            PersistentSshSession? session = Connect(settings, terminating: false);
            if (session != null)
            {
                RunspaceState.Sessions.Add(session);
                WriteVerbose($"Registered session {session.Id} ({session.Name}).");
                WriteObject(session);
            }
        }
    }
}
