using System;
using System.Management.Automation;
using System.Threading;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Sessions;

namespace SshKeepAlive.Commands
{
    /// <summary>The error record of a failed connect: one id per cause, about user@host:port.</summary>
    internal static class ConnectionErrors
    {
        private static int keepAliveWarned;

        /// <summary>
        /// The warning, once per process, that this SSH.NET cannot send keepalives the server must answer: id, message
        /// and what to do on one line (PowerShell has no public way to write a warning with an id); null when it can,
        /// or once said.
        /// </summary>
        public static string? KeepAliveReplyUnavailableWarning(SshSessionSettings settings)
        {
            KeepAliveUnsupportedException? problem = SshNetInternals.Current.Problem;
            if (problem == null || Interlocked.Exchange(ref keepAliveWarned, 1) != 0)
            {
                return null;
            }

            ErrorRecord record = For(problem, settings)!;
            return $"{record.FullyQualifiedErrorId}: {problem.Message} {record.ErrorDetails.RecommendedAction}";
        }

        /// <summary>The record for a failed connect, or null when the exception is not a connection failure.</summary>
        public static ErrorRecord? For(Exception exception, SshSessionSettings settings)
        {
            ErrorId? id = ConnectFailure.IdOf(exception);
            if (id == null)
            {
                return null;
            }

            string target = $"{settings.User}@{settings.HostName}:{settings.Port}";
            string? action = id == ErrorId.HostKeyUnknown
                ? $"Check the fingerprint with the host's administrator, then add the key to {settings.UserKnownHostsFile} (or connect once with -StrictHostKeyChecking AcceptNew)."
                : null;
            if (id == ErrorId.AuthenticationAttemptsExhausted)
            {
                // SSH.NET passes on only the server's words; say what they mean.
                return ErrorRecords.Create(id.Value, new InvalidOperationException(
                    $"{target} ended authentication: \"{exception.Message}\". The server counts every key offered (the ssh-agent's first, then the key files) against its MaxAuthTries, so it gave up before the right one{(settings.IdentitiesOnly ? string.Empty : "; IdentitiesOnly is off, so every key of the agent was offered")}.", exception), target, action);
            }

            return ErrorRecords.Create(id.Value, exception, target, action);
        }
    }
}
