using System;
using System.Management.Automation;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Sessions;

namespace SshKeepAlive
{
    /// <summary>
    /// For each error id: its category, and what to do next in terms of this module's parameters (Core's messages say
    /// what is wrong; the advice belongs here, beside the parameters it names). README's error table mirrors it.
    /// </summary>
    internal sealed class ErrorAdvice
    {
        private ErrorAdvice(ErrorCategory category, string action)
        {
            Category = category;
            Action = action;
        }

        public ErrorCategory Category { get; }

        public string Action { get; }

        public static ErrorAdvice For(ErrorId id) => ForFiles(id) ?? ForEdits(id) ?? ForSessions(id)
            ?? throw new ArgumentOutOfRangeException(nameof(id), id, "An error id without advice: add it here and to the README's error table.");

        private static ErrorAdvice? ForFiles(ErrorId id)
        {
            switch (id)
            {
                case ErrorId.ConfigFileNotFound: return Of(ErrorCategory.ObjectNotFound, "Give the path of an existing ssh_config or sshd_config file with -Path or -LiteralPath, or leave them out to use the default file.");
                case ErrorId.ConfigFileReadOnly: return Of(ErrorCategory.PermissionDenied, "Make the file writable if it is meant to be edited.");
                case ErrorId.ConfigFileLocked: return Of(ErrorCategory.ResourceBusy, "Another edit of this file (the process the message names) holds its lock: run the command again when it has finished.");
                case ErrorId.ConfigWriteFailed: return Of(ErrorCategory.WriteError, "Check that the config's folder (or the backup folder the message names) is writable and has free space; nothing was left changed.");
                case ErrorId.ConfigLockFailed: return Of(ErrorCategory.WriteError, "Make the lock folder the message names a folder of this account (remove it so it is made again), then run the command again.");
                case ErrorId.ConfigFileIsDirectory: return Of(ErrorCategory.InvalidType, "Give the config file itself with -Path or -LiteralPath, not its folder.");
                case ErrorId.ConfigFileNotRegular: return Of(ErrorCategory.InvalidType, "Give the path of a regular config file (a symbolic link to one is followed); devices, FIFOs and sockets are never edited.");
                case ErrorId.ConfigFileUnreadable: return Of(ErrorCategory.PermissionDenied, "Make the file readable by this account (or run as one that can read it), then run the command again.");
                case ErrorId.ConfigKeywordUnknown: return Of(ErrorCategory.InvalidData, "Fix or remove the named line as OpenSSH says (ssh -G or sshd -t report the same), then run the command again.");
                case ErrorId.ConfigInvalid: return Of(ErrorCategory.InvalidData, "Fix the named line (ssh -G or sshd -t report the same problem), then run the command again.");
                case ErrorId.PathNotFileSystem: return Of(ErrorCategory.InvalidArgument, "Give a path of the file system (a FileSystem drive such as C: or /, or a path relative to a file-system location).");
                case ErrorId.PathAmbiguous: return Of(ErrorCategory.InvalidArgument, "Give a -Path whose wildcards match one file, or the exact file with -LiteralPath.");
                case ErrorId.PathScopeAmbiguous: return Of(ErrorCategory.InvalidArgument, "With -Path or -LiteralPath, give -Scope Client (the default) or -Scope Server.");
                case ErrorId.OpenSshVersionInvalid: return Of(ErrorCategory.InvalidArgument, "Give -OpenSshVersion as an OpenSSH release prints it, such as 9.2p1 or 10.0 (ssh -V on the server shows it).");
                default: return null;
            }
        }

        private static ErrorAdvice? ForEdits(ErrorId id)
        {
            switch (id)
            {
                case ErrorId.IntervalInvalid: return Of(ErrorCategory.InvalidArgument, "Give -Interval in seconds (60) or as an OpenSSH time (5m), at most one day; 0 turns keepalives off.");
                case ErrorId.CountMaxInvalid: return Of(ErrorCategory.InvalidArgument, "Give -CountMax from 0 to 100.");
                case ErrorId.TimeoutInvalid: return Of(ErrorCategory.InvalidArgument, "Give the timeout in seconds (30) or as an OpenSSH time (5m, 1h30m).");
                case ErrorId.ChannelTimeoutInvalid: return Of(ErrorCategory.InvalidArgument, "Give -ChannelTimeout entries as type=time, such as session=30m or global=1h.");
                case ErrorId.HostPatternInvalid: return Of(ErrorCategory.InvalidArgument, "Give -HostName as one Host pattern, such as web01 or *.example.com.");
                case ErrorId.SettingMissing: return Of(ErrorCategory.InvalidArgument, "Give a setting: -Interval, -CountMax or -TcpKeepAlive (Set-SshKeepAlive; or -Scope Server -Reload alone, to reload sshd); -ConnectTimeout (client), or -LoginGraceTime, -ChannelTimeout or -UnusedConnectionTimeout with -Scope Server (Set-SshTimeoutConfig).");
                case ErrorId.SettingNotInScope: return Of(ErrorCategory.InvalidArgument, "Use -Scope Client for -ConnectTimeout, and -Scope Server for -LoginGraceTime, -ChannelTimeout and -UnusedConnectionTimeout.");
                case ErrorId.ScopeNotEditable: return Of(ErrorCategory.InvalidArgument, "Use -Scope Client or -Scope Server.");
                case ErrorId.SettingOverriddenElsewhere: return Of(ErrorCategory.ResourceExists, "Change or remove the named line by hand; it would otherwise win over the edit.");
                case ErrorId.EditNotEffective: return Of(ErrorCategory.ResourceExists, "Change or remove the named line by hand; it would otherwise win over the edit.");
                case ErrorId.SshdConfigRejected: return Of(ErrorCategory.InvalidResult, "Fix what sshd -t reports; nothing was changed.");
                case ErrorId.SshdNotFound: return Of(ErrorCategory.InvalidResult, "Install the OpenSSH server, whose sshd -t checks every server edit; nothing was changed.");
                case ErrorId.SshdPrivilegeSeparationDirectoryMissing: return Of(ErrorCategory.ResourceUnavailable, "Create sshd's privilege separation directory as the message says (install -d -m 0755 /run/sshd, or start the ssh service once), then run the command again; nothing was changed.");
                case ErrorId.SshdPrivilegeSeparationUserMissing: return Of(ErrorCategory.ResourceUnavailable, "Create sshd's system account as the message says (the openssh-server package does), then run the command again; nothing was changed.");
                case ErrorId.SshdHostKeysMissing: return Of(ErrorCategory.ResourceUnavailable, "Generate the host keys with ssh-keygen -A (or point HostKey at existing keys), then run the command again; nothing was changed.");
                case ErrorId.SshdReloadFailed: return Of(ErrorCategory.ResourceUnavailable, "Check the sshd log; the message says whether the previous config was restored and whether sshd runs.");
                case ErrorId.SshdNotReloaded: return Of(ErrorCategory.ResourceUnavailable, "Reload (or start) the sshd that reads this file yourself; the new config is written.");
                case ErrorId.SettingOverriddenByMatch: return Of(ErrorCategory.ResourceExists, "Edit inside the named Match block with -MatchUser, -MatchGroup, -MatchAddress, -MatchHost or -MatchLocalPort, or change or remove its line by hand.");
                case ErrorId.SettingNotAllowedInMatch: return Of(ErrorCategory.InvalidArgument, "Set this keyword without -Match parameters: sshd allows it only globally.");
                case ErrorId.EditChangesOtherHosts: return Of(ErrorCategory.ResourceExists, "Give a -HostName for the hosts named, or change the shared line by hand.");
                case ErrorId.EditChangesOtherConnections: return Of(ErrorCategory.ResourceExists, "Change the named lines by hand; nothing was changed.");
                case ErrorId.EditorFileIncluded: return Of(ErrorCategory.InvalidData, "Narrow the named Include pattern (e.g. *.conf) so that it cannot read the editor's own files.");
                case ErrorId.MatchScopeInvalid: return Of(ErrorCategory.InvalidArgument, "Use the -Match parameters with -Scope Server; client edits are per host (-HostName).");
                case ErrorId.MatchCriteriaInvalid: return Of(ErrorCategory.InvalidArgument, "Give each -Match parameter as one pattern list without whitespace or quotes; for -MatchGroup, a group some account belongs to.");
                default: return null;
            }
        }

        private static ErrorAdvice? ForSessions(ErrorId id)
        {
            switch (id)
            {
                case ErrorId.HostNameInvalid: return Of(ErrorCategory.InvalidArgument, "Give the destination as [user@]host or ssh://[user@]host[:port].");
                case ErrorId.ReconnectDelayInvalid: return Of(ErrorCategory.InvalidArgument, "Make -ReconnectMaxDelay at least -ReconnectDelay.");
                case ErrorId.HostKeyUnknown: return Of(ErrorCategory.SecurityError, "Check the fingerprint with the host's administrator, then add the key to your known_hosts (or connect once with -StrictHostKeyChecking AcceptNew).");
                case ErrorId.HostKeyChanged: return Of(ErrorCategory.SecurityError, "Find out why the key changed before trusting it; if it is expected, remove the old line the message names and connect again.");
                case ErrorId.HostKeyRevoked: return Of(ErrorCategory.SecurityError, "The key is revoked in a known_hosts file: do not connect to this server until its key is replaced.");
                case ErrorId.KeyFileUnusable: return Of(ErrorCategory.InvalidArgument, "Check the key file's path, and give the passphrase of an encrypted key with -KeyPassphrase.");
                case ErrorId.AuthenticationFailed: return Of(ErrorCategory.AuthenticationError, "Check the user name, key (-KeyFile, ssh-agent) or password (-Credential); the server's log says which methods it tried.");
                case ErrorId.AuthenticationAttemptsExhausted: return Of(ErrorCategory.AuthenticationError, "Offer only the key this server takes: IdentitiesOnly yes with its IdentityFile in ssh_config (or -KeyFile), or fewer keys in ssh-agent; the server's MaxAuthTries counts every key offered.");
                case ErrorId.CredentialMissing: return Of(ErrorCategory.AuthenticationError, "Give the secret up front (-Credential, -KeyPassphrase), load the key into ssh-agent, or run the command where it can ask (an interactive PowerShell host, without BatchMode yes).");
                case ErrorId.AlgorithmsUnavailable: return Of(ErrorCategory.InvalidData, "Widen the named Ciphers, MACs, KexAlgorithms or HostKeyAlgorithms line so it includes an algorithm SSH.NET offers (the message lists them).");
                case ErrorId.JumpHostInvalid: return Of(ErrorCategory.InvalidArgument, "Give -JumpHost (or ProxyJump) as [user@]host[:port] or ssh://[user@]host[:port], comma-separated, first hop first, with no hop reached through itself.");
                case ErrorId.JumpHostUnsupported: return Of(ErrorCategory.NotImplemented, "Measure each leg on its own: the jump host from here (Measure-SshIdleTimeout <jump host>), and the destination from the jump host; or name the destination with a -ConfigPath whose ProxyJump is none.");
                case ErrorId.ForwardSpecInvalid: return Of(ErrorCategory.InvalidArgument, "Give forwards as ssh does: -LocalForward/-RemoteForward [bind:]port:host:hostport, -DynamicForward [bind:]port.");
                case ErrorId.ForwardFailed: return Of(ErrorCategory.ResourceUnavailable, "Free the local port (or pick another), or check that the server allows the forward (AllowTcpForwarding, PermitListen, PermitOpen); without ExitOnForwardFailure the session connects and shows the forward's state instead.");
                case ErrorId.ConnectionFailed: return Of(ErrorCategory.ConnectionError, "Check the host name, port and network path; -Verbose shows where the connection goes.");
                case ErrorId.KeepAliveReplyUnavailable: return Of(ErrorCategory.NotImplemented, $"Load the SSH.NET this module ships ({SshNetInternals.ShippedVersion}): remove other copies from the module's deps folder, or reinstall SshKeepAlive.");
                case ErrorId.SessionNotFound: return Of(ErrorCategory.ObjectNotFound, "List sessions with Get-PersistentSshSession.");
                case ErrorId.SessionUnavailable: return Of(ErrorCategory.ConnectionError, "Wait for the session to reconnect (Get-PersistentSshSession shows its state), or create a new one with New-PersistentSshSession.");
                case ErrorId.SessionLostDuringCommand: return Of(ErrorCategory.ConnectionError, "Check on the host whether the command ran before running it again.");
                case ErrorId.CommandMissing: return Of(ErrorCategory.InvalidArgument, "Give -Command, or set RemoteCommand for the host in ssh_config.");
                case ErrorId.SessionReconnectAbandoned: return Of(ErrorCategory.OperationStopped, "Run Enter-PersistentSsh again when the host is reachable: it re-attaches the tmux or screen session (-SessionName), whose programs kept running.");
                case ErrorId.CommandFailed: return Of(ErrorCategory.InvalidOperation, "See the inner exception.");
                case ErrorId.MultiplexerSessionNameInvalid: return Of(ErrorCategory.InvalidArgument, "Give -SessionName as 1-64 letters, digits, '.', '_' or '-'.");
                case ErrorId.ComputerNameMissing: return Of(ErrorCategory.InvalidArgument, "Give -ComputerName with the connection parameters (-Credential, -KeyFile, -KnownHostsFile, -StrictHostKeyChecking, -ConnectTimeout, -ConfigPath, -SudoCredential, -User), or leave them out for this machine.");
                case ErrorId.RemotePathInvalid: return Of(ErrorCategory.InvalidArgument, "With -ComputerName, give -Path or -LiteralPath as the remote machine's absolute path (/etc/ssh/sshd_config) or ~/...; wildcards are not expanded there.");
                case ErrorId.SudoPasswordMissing: return Of(ErrorCategory.PermissionDenied, "Give the login user's password with -SudoCredential, allow it sudo without a password (NOPASSWD), or connect as root; nothing was changed on that host.");
                case ErrorId.SudoFailed: return Of(ErrorCategory.PermissionDenied, "Check that the login user may run /bin/sh as root with sudo (sudo -l on the host) and, with -SudoCredential, its password; nothing was changed on that host.");
                case ErrorId.EditVerificationFailed: return Of(ErrorCategory.InvalidResult, "Check the host's sshd log for why the new login failed; the message says whether the previous config is back and confirmed.");
                case ErrorId.IdleProbeFailed: return Of(ErrorCategory.ConnectionError, "Check that the server accepts this many connections at once (sshd's MaxStartups, MaxSessions): lower -MaxConnections, then measure again.");
                default: return null;
            }
        }

        private static ErrorAdvice Of(ErrorCategory category, string action) => new ErrorAdvice(category, action);
    }
}
