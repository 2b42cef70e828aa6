using System;
using System.Management.Automation;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Sessions;

namespace SshKeepAlive.Commands
{
    /// <summary>The error records of the session cmdlets, one id each.</summary>
    internal static class SessionErrors
    {
        public static ErrorRecord NotFound(object idOrName) =>
            ErrorRecords.Create(ErrorId.SessionNotFound, new ItemNotFoundException($"No persistent SSH session '{idOrName}' in this runspace."), idOrName);

        /// <summary>The session is not usable; <paramref name="recommendedAction"/> replaces the advice for scripted sessions.</summary>
        public static ErrorRecord Unavailable(PersistentSshSession session, Exception exception, string? recommendedAction = null) =>
            ErrorRecords.Create(ErrorId.SessionUnavailable, exception, session, recommendedAction);

        public static ErrorRecord Lost(PersistentSshSession session, Exception exception) =>
            ErrorRecords.Create(ErrorId.SessionLostDuringCommand, exception, session);

        public static ErrorRecord CommandFailed(PersistentSshSession session, Exception exception) =>
            ErrorRecords.Create(ErrorId.CommandFailed, exception, session);
    }
}
