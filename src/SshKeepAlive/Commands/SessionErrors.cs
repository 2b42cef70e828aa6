using System;
using System.Management.Automation;
using SshKeepAlive.Core.Sessions;

namespace SshKeepAlive.Commands
{
    /// <summary>The error records of the session cmdlets, one id each.</summary>
    internal static class SessionErrors
    {
        public static ErrorRecord NotFound(object idOrName)
        {
            var exception = new ItemNotFoundException($"No persistent SSH session '{idOrName}' in this runspace.");
            return ErrorRecords.Create(exception, "PersistentSshSessionNotFound", ErrorCategory.ObjectNotFound, idOrName, "List sessions with Get-PersistentSshSession.");
        }

        public static ErrorRecord Unavailable(PersistentSshSession session, Exception exception) =>
            ErrorRecords.Create(exception, "PersistentSshSessionUnavailable", ErrorCategory.ConnectionError, session,
                "Wait for the session to reconnect (Get-PersistentSshSession shows its state), or create a new one with New-PersistentSshSession.");

        public static ErrorRecord Lost(PersistentSshSession session, Exception exception) =>
            ErrorRecords.Create(exception, "PersistentSshSessionLostDuringCommand", ErrorCategory.ConnectionError, session,
                "Check on the host whether the command ran before running it again.");

        public static ErrorRecord CommandFailed(PersistentSshSession session, Exception exception) =>
            ErrorRecords.Create(exception, "PersistentSshCommandFailed", ErrorCategory.InvalidOperation, session, "See the inner exception.");
    }
}
