using System;
using System.Management.Automation;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Sessions;

namespace SshKeepAlive.Commands
{
    /// <summary>Runs a command on persistent sessions; a command cut by a lost connection is reported, never retried.</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "PersistentSshCommand", DefaultParameterSetName = SessionSelection.BySession)]
    [OutputType(typeof(CommandResult))]
    public sealed class InvokePersistentSshCommandCommand : SshKeepAliveCmdlet
    {
        /// <summary>The sessions to run the command on.</summary>
        [Parameter(ParameterSetName = SessionSelection.BySession, Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNullOrEmpty]
        public PersistentSshSession[] Session { get; set; } = new PersistentSshSession[0];

        /// <summary>Ids of the sessions to run the command on.</summary>
        [Parameter(ParameterSetName = SessionSelection.ById, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public int[] Id { get; set; } = new int[0];

        /// <summary>The command line, run by the remote user's shell; default: the session's RemoteCommand from ssh_config.</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string? Command { get; set; }

        /// <summary>Seconds to wait for a reconnecting session before giving up on it.</summary>
        [Parameter]
        [ValidateRange(0, 86400)]
        public int ReconnectWaitSeconds { get; set; } = 30;

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            foreach (PersistentSshSession session in SessionSelection.Select(this, ParameterSetName, Session, Id))
            {
                string? command = Command ?? session.RemoteCommand;
                if (command == null)
                {
                    WriteError(ErrorRecords.Create(ErrorId.CommandMissing, $"No -Command was given, and ssh_config sets no RemoteCommand for {session.Target}.", session));
                    continue;
                }

                WriteVerbose($"Running '{command}' on session {session.Id} ({session.Target}, {session.State}).");
                try
                {
                    WriteObject(session.RunCommandAsync(command, TimeSpan.FromSeconds(ReconnectWaitSeconds), CancellationToken).GetAwaiter().GetResult());
                }
                catch (SessionLostException ex)
                {
                    // What arrived before the loss is output like any other, as ssh prints it; the error follows.
                    if (ex.Partial != null)
                    {
                        WriteObject(ex.Partial);
                    }

                    WriteError(SessionErrors.Lost(session, ex));
                }
                catch (SessionUnavailableException ex)
                {
                    WriteError(SessionErrors.Unavailable(session, ex));
                }
                catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (!(ex is PipelineStoppedException))
                {
                    WriteError(SessionErrors.CommandFailed(session, ex));
                }
            }
        }
    }
}
