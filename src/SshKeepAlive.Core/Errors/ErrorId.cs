namespace SshKeepAlive.Core.Errors
{
    /// <summary>
    /// Every error the module reports, in one place. Names are Noun-Problem: the thing at fault, then what is wrong
    /// with it (<c>ConfigFileNotFound</c>, <c>HostKeyChanged</c>). The cmdlets turn an id into an ErrorRecord whose
    /// FullyQualifiedErrorId is <c>Id,SshKeepAlive.Commands.&lt;Cmdlet&gt;Command</c>, with the category and the
    /// advice they word for their parameters; the README lists each id with its category.
    /// </summary>
    public enum ErrorId
    {
        /// <summary>A config file to read or edit does not exist.</summary>
        ConfigFileNotFound,

        /// <summary>The config file to edit is read-only.</summary>
        ConfigFileReadOnly,

        /// <summary>Another edit held the config file's lock for too long.</summary>
        ConfigFileLocked,

        /// <summary>Backing up or writing the config failed (permissions, full disk); nothing was left half-written.</summary>
        ConfigWriteFailed,

        /// <summary>The edit lock of a config file could not be taken (its private lock folder is not usable).</summary>
        ConfigLockFailed,

        /// <summary>A config path names a directory, not a file.</summary>
        ConfigFileIsDirectory,

        /// <summary>A config path names a device, FIFO or socket: only regular files are read for editing or edited.</summary>
        ConfigFileNotRegular,

        /// <summary>A config file (or one it includes) exists but cannot be read.</summary>
        ConfigFileUnreadable,

        /// <summary>A config OpenSSH itself refuses (a keyword it does not know, a byte order mark before the first keyword).</summary>
        ConfigKeywordUnknown,

        /// <summary>A line of ssh_config or sshd_config (or a file it includes) that OpenSSH would refuse.</summary>
        ConfigInvalid,

        /// <summary>A path given to a cmdlet is not on the FileSystem provider (or its drive does not exist).</summary>
        PathNotFileSystem,

        /// <summary>A wildcard path matches more than one file where one file is read or edited.</summary>
        PathAmbiguous,

        /// <summary>A config path given with scopes it cannot belong to (only one of client or server).</summary>
        PathScopeAmbiguous,

        /// <summary>An OpenSSH release given to read the configs as that is not a version such as 9.2p1.</summary>
        OpenSshVersionInvalid,

        /// <summary>A keepalive interval that is not a time, negative, or above a day.</summary>
        IntervalInvalid,

        /// <summary>A keepalive count out of range.</summary>
        CountMaxInvalid,

        /// <summary>A timeout that is not an OpenSSH time.</summary>
        TimeoutInvalid,

        /// <summary>A ChannelTimeout entry that is not type=time.</summary>
        ChannelTimeoutInvalid,

        /// <summary>A client Host pattern OpenSSH would read as something else.</summary>
        HostPatternInvalid,

        /// <summary>An edit that names no setting at all.</summary>
        SettingMissing,

        /// <summary>A setting of the client given for the server, or the other way round.</summary>
        SettingNotInScope,

        /// <summary>A scope the config editors do not edit (shell, kernel).</summary>
        ScopeNotEditable,

        /// <summary>A line the editor may not change wins over the setting (e.g. one behind Match exec).</summary>
        SettingOverriddenElsewhere,

        /// <summary>After planning, the setting would still not hold for the target; nothing was written.</summary>
        EditNotEffective,

        /// <summary>A server Match block gives another value to the connections it matches; nothing was written.</summary>
        SettingOverriddenByMatch,

        /// <summary>A keyword sshd refuses inside a Match block (TCPKeepAlive, LoginGraceTime) given with a Match criterion.</summary>
        SettingNotAllowedInMatch,

        /// <summary>The edit would change the value of other hosts too (a line they share, or their own values for "*").</summary>
        EditChangesOtherHosts,

        /// <summary>A Match-block edit would change the value of connections the block does not match.</summary>
        EditChangesOtherConnections,

        /// <summary>An Include pattern of the edited tree could read a file the editor writes (temp file, backup).</summary>
        EditorFileIncluded,

        /// <summary>A Match criterion given for a client edit, which is per host.</summary>
        MatchScopeInvalid,

        /// <summary>Match criteria that are missing, malformed, or cannot be checked with a connection (a group nobody is in).</summary>
        MatchCriteriaInvalid,

        /// <summary>sshd -t rejects the edited server config; nothing was changed.</summary>
        SshdConfigRejected,

        /// <summary>The sshd binary that must check a server edit is missing or cannot run; nothing was changed.</summary>
        SshdNotFound,

        /// <summary>sshd's privilege separation directory (/run/sshd) is missing, so sshd -t cannot check a server edit; nothing was changed.</summary>
        SshdPrivilegeSeparationDirectoryMissing,

        /// <summary>sshd's privilege separation user is missing, so sshd -t cannot check a server edit; nothing was changed.</summary>
        SshdPrivilegeSeparationUserMissing,

        /// <summary>sshd finds no host key, so sshd -t cannot check a server edit; nothing was changed.</summary>
        SshdHostKeysMissing,

        /// <summary>sshd did not survive the reload; the message says whether the previous config was restored and sshd runs.</summary>
        SshdReloadFailed,

        /// <summary>The server edit was written (and validated) but no running sshd reads the file, so none was reloaded.</summary>
        SshdNotReloaded,

        /// <summary>A destination ssh would not connect to (not [user@]host or ssh://[user@]host[:port]).</summary>
        HostNameInvalid,

        /// <summary>A longest reconnect delay shorter than the first one.</summary>
        ReconnectDelayInvalid,

        /// <summary>The server's host key is in no known_hosts file and new keys are not accepted.</summary>
        HostKeyUnknown,

        /// <summary>The server's host key differs from the known one.</summary>
        HostKeyChanged,

        /// <summary>The server's host key is marked revoked.</summary>
        HostKeyRevoked,

        /// <summary>A private key file is missing, unreadable, or encrypted without its passphrase.</summary>
        KeyFileUnusable,

        /// <summary>The server accepted none of the credentials offered.</summary>
        AuthenticationFailed,

        /// <summary>The server stopped authentication after too many refused keys (sshd's MaxAuthTries), typically many agent keys.</summary>
        AuthenticationAttemptsExhausted,

        /// <summary>Authentication needs a passphrase, password or answer, and nobody can give it (BatchMode, a host that cannot prompt).</summary>
        CredentialMissing,

        /// <summary>The configured Ciphers, MACs, KexAlgorithms or HostKeyAlgorithms leave nothing SSH.NET can use.</summary>
        AlgorithmsUnavailable,

        /// <summary>A jump host list ssh would refuse, or one that loops.</summary>
        JumpHostInvalid,

        /// <summary>A jump host (ProxyJump) where the command does not go through one: Measure-SshIdleTimeout probes a direct path.</summary>
        JumpHostUnsupported,

        /// <summary>A port forward ssh would refuse, or a kind sessions do not offer (Unix sockets, remote dynamic).</summary>
        ForwardSpecInvalid,

        /// <summary>A port forward could not be set up (a local port in use, the server refusing a remote listener) under ExitOnForwardFailure.</summary>
        ForwardFailed,

        /// <summary>The server could not be reached or the SSH handshake failed.</summary>
        ConnectionFailed,

        /// <summary>
        /// A warning, not an error: the SSH.NET loaded lacks the internals of keepalives the server must answer, so sessions
        /// send SSH.NET's own (unanswered) keepalives and notice a dead path only when TCP gives up.
        /// </summary>
        KeepAliveReplyUnavailable,

        /// <summary>No session of this runspace has the name or id.</summary>
        SessionNotFound,

        /// <summary>The session is not connected and did not reconnect in time.</summary>
        SessionUnavailable,

        /// <summary>The connection was lost while a command ran; whether it ran is unknown, so it is not retried.</summary>
        SessionLostDuringCommand,

        /// <summary>The user gave up waiting for an interactive session to reconnect (Ctrl-C or ~. during the outage).</summary>
        SessionReconnectAbandoned,

        /// <summary>Running a remote command failed for another reason.</summary>
        CommandFailed,

        /// <summary>No command to run: none given, and ssh_config sets no RemoteCommand for the session.</summary>
        CommandMissing,

        /// <summary>A tmux/screen session name with characters the multiplexer would misread.</summary>
        MultiplexerSessionNameInvalid,

        /// <summary>Connection parameters (-Credential, -KeyFile, -SudoCredential, -User, ...) given without -ComputerName.</summary>
        ComputerNameMissing,

        /// <summary>A -Path or -LiteralPath for a remote machine that is not an absolute POSIX path (or ~/...).</summary>
        RemotePathInvalid,

        /// <summary>On a remote machine, sudo -n wants a password to run as root, and none was given (-SudoCredential).</summary>
        SudoPasswordMissing,

        /// <summary>On a remote machine, sudo refused to run as root (not in sudoers, a wrong password, no sudo).</summary>
        SudoFailed,

        /// <summary>
        /// A remote edit was installed and sshd reloaded, but a brand-new login, or that login's sshd -T, did not confirm
        /// it; the message says whether the previous config was restored, reloaded and confirmed in turn.
        /// </summary>
        EditVerificationFailed,
        /// <summary>The idle timeout measurement could not open or check any probe connection after the first.</summary>
        IdleProbeFailed,
    }
}
