namespace SshKeepAlive.Core.Diagnostics
{
    /// <summary>
    /// Every check Test-SshKeepAlive makes, in one place: a finding's <c>Id</c>. The README's finding table and the
    /// help list each with what it means; a test holds them to this catalogue.
    /// </summary>
    public enum FindingId
    {
        /// <summary>No keepalive on either side while the path forgets idle connections (known, measured, or common middlebox limits).</summary>
        KeepAliveMissing,

        /// <summary>The soonest keepalive comes after the path has forgotten the idle connection.</summary>
        KeepAliveTooSlow,

        /// <summary>A keepalive or timeout line that never takes effect for the target: an earlier line wins, or its block never matches.</summary>
        SettingShadowed,

        /// <summary>The shell logs idle sessions out: TMOUT (bash, zsh, ksh) or tcsh's autologout.</summary>
        ShellIdleLogout,

        /// <summary>systemd-logind stops idle sessions (StopIdleSessionSec).</summary>
        LogindIdleStop,

        /// <summary>sshd's ChannelTimeout closes idle session channels; keepalives do not count as traffic.</summary>
        SessionChannelTimeout,

        /// <summary>sshd's UnusedConnectionTimeout closes connections without channels (ssh -N port forwards).</summary>
        UnusedConnectionTimeout,

        /// <summary>ClientAliveCountMax 0: sshd never drops an unresponsive client (not an idle timeout since OpenSSH 8.2).</summary>
        ClientAliveCountMaxZero,

        /// <summary>TCPKeepAlive no and no ServerAlive/ClientAlive on a side: it never notices a dead peer.</summary>
        DeadPeerUndetected,

        /// <summary>LoginGraceTime 0: unauthenticated connections are never dropped.</summary>
        LoginGraceTimeZero,

        /// <summary>The running sshd has not loaded the sshd_config on disk (changed after its start or last reload).</summary>
        SshdConfigNotLoaded,

        /// <summary>sshd -t rejects the server config: sshd would not start (or reload) with it.</summary>
        SshdConfigInvalid,

        /// <summary>~/.ssh/config or an included file has an owner or mode ssh refuses ("Bad owner or permissions").</summary>
        ClientConfigInsecure,

        /// <summary>ssh rejects the client config (a byte-order mark, an unknown keyword, a bad value), in ssh's own words.</summary>
        ClientConfigInvalid,

        /// <summary>The kernel's first TCP keepalive comes after this machine's conntrack has forgotten the idle flow.</summary>
        KernelKeepAliveTooSlow,
    }
}
