using System;
using System.IO;
using System.Net.Sockets;
using Renci.SshNet.Common;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Ssh;

namespace SshKeepAlive.Core.Sessions
{
    public enum ConnectFailureKind
    {
        /// <summary>Not a connection failure: a bug, to be reported as it is.</summary>
        None,
        HostKeyUnknown,
        HostKeyChanged,
        HostKeyRevoked,
        KeyFileUnusable,
        AuthenticationFailed,

        /// <summary>sshd's MaxAuthTries ran out ("Too many authentication failures").</summary>
        AuthenticationAttemptsExhausted,

        /// <summary>A passphrase, password or answer was needed and nobody could give it.</summary>
        CredentialMissing,

        /// <summary>A forward could not be set up under ExitOnForwardFailure.</summary>
        ForwardFailed,
        Unreachable,

        /// <summary>
        /// This SSH.NET lacks the internals of keepalives the server must answer (<see cref="KeepAliveUnsupportedException"/>):
        /// sessions still connect, with SSH.NET's own keepalives, so the cmdlets warn rather than fail.
        /// </summary>
        KeepAliveReplyUnavailable,
    }

    /// <summary>
    /// Sorts what a connect threw. Lives here, not in the cmdlets: SSH.NET's exception types exist only in
    /// the module's own load context, so the cmdlet assembly cannot name them reliably.
    /// </summary>
    public static class ConnectFailure
    {
        /// <summary>The error id of a failed connect, or null when the exception is not a connection failure.</summary>
        public static ErrorId? IdOf(Exception exception)
        {
            switch (Classify(exception))
            {
                case ConnectFailureKind.HostKeyUnknown: return ErrorId.HostKeyUnknown;
                case ConnectFailureKind.HostKeyChanged: return ErrorId.HostKeyChanged;
                case ConnectFailureKind.HostKeyRevoked: return ErrorId.HostKeyRevoked;
                case ConnectFailureKind.KeyFileUnusable: return ErrorId.KeyFileUnusable;
                case ConnectFailureKind.AuthenticationFailed: return ErrorId.AuthenticationFailed;
                case ConnectFailureKind.AuthenticationAttemptsExhausted: return ErrorId.AuthenticationAttemptsExhausted;
                case ConnectFailureKind.CredentialMissing: return ErrorId.CredentialMissing;
                case ConnectFailureKind.ForwardFailed: return ErrorId.ForwardFailed;
                case ConnectFailureKind.Unreachable: return ErrorId.ConnectionFailed;
                case ConnectFailureKind.KeepAliveReplyUnavailable: return ErrorId.KeepAliveReplyUnavailable;
                default: return null;
            }
        }

        public static ConnectFailureKind Classify(Exception exception)
        {
            switch (exception)
            {
                case HostKeyVerificationException hostKey:
                    return hostKey.Check.Status == HostKeyStatus.Unknown ? ConnectFailureKind.HostKeyUnknown
                        : hostKey.Check.Status == HostKeyStatus.Changed ? ConnectFailureKind.HostKeyChanged
                        : ConnectFailureKind.HostKeyRevoked;
                case KeepAliveUnsupportedException _:
                    return ConnectFailureKind.KeepAliveReplyUnavailable;
                case PrivateKeyFileException _:
                    return ConnectFailureKind.KeyFileUnusable;
                case CredentialRequiredException _:
                    return ConnectFailureKind.CredentialMissing;
                case ForwardFailedException _:
                    return ConnectFailureKind.ForwardFailed;
                case SshConnectionException tooMany when SshConnector.IsTooManyAuthenticationFailures(tooMany):
                    return ConnectFailureKind.AuthenticationAttemptsExhausted;
                case SshAuthenticationException _:
                    return ConnectFailureKind.AuthenticationFailed;
                case SessionUnavailableException _:
                case SshException _:
                case SocketException _:
                case TimeoutException _:
                case IOException _:
                    return ConnectFailureKind.Unreachable;
                default:
                    return ConnectFailureKind.None;
            }
        }
    }
}
