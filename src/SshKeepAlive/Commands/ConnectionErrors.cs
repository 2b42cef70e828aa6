using System;
using System.Management.Automation;
using System.Threading;
using SshKeepAlive.Core.Sessions;

namespace SshKeepAlive.Commands
{
    /// <summary>The error records of opening a connection, one stable id per cause.</summary>
    internal static class ConnectionErrors
    {
        private static int keepAliveWarned;

        public static ErrorRecord InvalidHostName(string hostName, Exception exception) =>
            ErrorRecords.Create(exception, "PersistentSshInvalidHostName", ErrorCategory.InvalidArgument, hostName,
                "Give the destination as [user@]host or ssh://[user@]host[:port].");

        public static ErrorRecord InvalidConfig(string destination, System.Collections.Generic.IEnumerable<string> errors) =>
            ErrorRecords.Create(
                new InvalidOperationException($"ssh would refuse its configuration for {destination}: " + string.Join("; ", errors)),
                "PersistentSshConfigInvalid", ErrorCategory.InvalidData, destination, "Fix the ssh_config lines named, or give another file with -ConfigPath.");

        public static ErrorRecord InvalidReconnectDelays(TimeSpan first, TimeSpan max) =>
            ErrorRecords.Create(
                new ArgumentException($"ReconnectMaxDelay ({max.TotalSeconds} s) is shorter than ReconnectDelay ({first.TotalSeconds} s)."),
                "PersistentSshInvalidReconnectDelay", ErrorCategory.InvalidArgument, max, "Make ReconnectMaxDelay at least ReconnectDelay.");

        /// <summary>
        /// The warning, once per process, that this SSH.NET cannot send keepalives the server must answer (its id,
        /// message and what to do, as one line: a warning has no record of its own); null when it can, or once said.
        /// </summary>
        public static string? KeepAliveUnsupportedWarning(SshSessionSettings settings)
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
            ConnectFailureKind kind = ConnectFailure.Classify(exception);
            if (kind == ConnectFailureKind.None)
            {
                return null;
            }

            var (id, category, action) = Describe(kind, settings);
            return ErrorRecords.Create(exception, id, category, $"{settings.User}@{settings.HostName}:{settings.Port}", action);
        }

        private static (string Id, ErrorCategory Category, string Action) Describe(ConnectFailureKind kind, SshSessionSettings settings)
        {
            switch (kind)
            {
                case ConnectFailureKind.HostKeyUnknown:
                    return ("PersistentSshHostKeyUnknown", ErrorCategory.SecurityError,
                        $"Check the fingerprint with the host's administrator, then add the key to {settings.UserKnownHostsFile} (or connect once with -StrictHostKeyChecking AcceptNew).");
                case ConnectFailureKind.HostKeyChanged:
                    return ("PersistentSshHostKeyChanged", ErrorCategory.SecurityError,
                        "Find out why the key changed before trusting it; if it is expected, remove the old line the message names and connect again.");
                case ConnectFailureKind.HostKeyRevoked:
                    return ("PersistentSshHostKeyRevoked", ErrorCategory.SecurityError,
                        "The key is revoked in a known_hosts file: do not connect to this server until its key is replaced.");
                case ConnectFailureKind.KeyFileUnusable:
                    return ("PersistentSshKeyFileUnusable", ErrorCategory.InvalidArgument,
                        "Check the key file's path, and give the passphrase of an encrypted key with -KeyPassphrase.");
                case ConnectFailureKind.KeepAliveUnsupported:
                    return ("PersistentSshKeepAliveUnsupported", ErrorCategory.NotImplemented,
                        $"Load the SSH.NET this module ships ({SshNetInternals.ShippedVersion}): remove other copies from the module's deps folder, or reinstall SshKeepAlive.");
                case ConnectFailureKind.AuthenticationFailed:
                    return ("PersistentSshAuthenticationFailed", ErrorCategory.AuthenticationError,
                        "Check the user name, key (-KeyFile, ssh-agent) or password (-Credential); the server's log says which methods it tried.");
                default:
                    return ("PersistentSshConnectFailed", ErrorCategory.ConnectionError,
                        "Check the host name, port and network path; -Verbose shows where the connection goes.");
            }
        }
    }
}
