namespace SshKeepAlive.Core.Timeouts
{
    /// <summary>What ends an idle session although both peers are alive.</summary>
    public enum IdleLimitKind
    {
        /// <summary>The login shell logs out at its prompt: TMOUT (bash, zsh, ksh) or tcsh's autologout.</summary>
        ShellLogout,

        /// <summary>systemd-logind stops sessions idle longer than StopIdleSessionSec.</summary>
        LogindIdle,

        /// <summary>sshd closes session channels without traffic for their ChannelTimeout.</summary>
        ChannelTimeout,

        /// <summary>This machine's conntrack (a Linux firewall or NAT) forgets idle flows that no keepalive refreshes in time.</summary>
        Firewall,

        /// <summary>Something on the path (a NAT, firewall or load balancer) forgets idle flows: the idle timeout given or measured.</summary>
        Path,
    }

    /// <summary>One thing that ends an idle session, after how long, and the setting it comes from.</summary>
    public sealed class IdleLimit
    {
        internal IdleLimit(IdleLimitKind kind, int seconds, string source, TimeoutSetting? setting)
        {
            Kind = kind;
            Seconds = seconds;
            Source = source;
            Setting = setting;
        }

        public IdleLimitKind Kind { get; }

        /// <summary>Idle seconds after which it ends the session.</summary>
        public int Seconds { get; }

        /// <summary>The setting, as "Name (path:line)", or where a path's idle timeout was learnt.</summary>
        public string Source { get; }

        /// <summary>The report row it comes from; null for a path's idle timeout, which no file sets.</summary>
        public TimeoutSetting? Setting { get; }

        public override string ToString() => $"{Kind} {Seconds}s: {Source}";
    }
}
