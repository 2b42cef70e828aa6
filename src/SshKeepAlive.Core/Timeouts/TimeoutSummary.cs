using System.Collections.Generic;
using System.Linq;

namespace SshKeepAlive.Core.Timeouts
{
    /// <summary>
    /// At a glance, for one target: how soon each side notices a dead peer, how often an idle connection carries
    /// traffic, and what will end an idle session even when both peers are alive — each with the winning source.
    /// </summary>
    /// <remarks>
    /// Server, shell and kernel settings are this machine's: they describe the target's session only when this
    /// machine is the server. Dead-peer times are the nominal Interval x CountMax of ssh_config(5)/sshd_config(5),
    /// or TCP keepalive's time + intvl x probes when TCPKeepAlive is on, whichever is sooner.
    /// </remarks>
    public sealed class TimeoutSummary
    {
        private TimeoutSummary(string target, IReadOnlyList<TimeoutSetting> settings)
        {
            Target = target;
            Settings = settings;
        }

        /// <summary>The machine the settings were read on; null for this machine.</summary>
        public string? ComputerName => Settings.Select(s => s.ComputerName).FirstOrDefault(c => c != null);

        public string Target { get; }

        /// <summary>Seconds until ssh gives up on a silent server; null when nothing on the client side ever does.</summary>
        public int? ClientDeadPeerSeconds { get; private set; }

        /// <summary>The setting that decides <see cref="ClientDeadPeerSeconds"/>, as "Name (path:line)".</summary>
        public string? ClientDeadPeerSource { get; private set; }

        /// <summary>Seconds until sshd gives up on a silent client; null when nothing on the server side ever does.</summary>
        public int? ServerDeadPeerSeconds { get; private set; }

        public string? ServerDeadPeerSource { get; private set; }

        /// <summary>Longest silence on an idle connection before a keepalive crosses it; null when nothing sends one.</summary>
        public int? KeepAliveSeconds { get; private set; }

        public string? KeepAliveSource { get; private set; }

        /// <summary>Seconds after which an idle session ends although both peers are alive (TMOUT, ChannelTimeout, a firewall forgetting the flow); null when nothing ends it.</summary>
        public int? IdleTimeoutSeconds { get; private set; }

        /// <summary>What ends the idle session first, as "Name (path:line)".</summary>
        public string? IdleTimeoutSource { get; private set; }

        /// <summary>Every setting the summary was made from.</summary>
        public IReadOnlyList<TimeoutSetting> Settings { get; }

        internal static TimeoutSummary Create(string target, IReadOnlyList<TimeoutSetting> settings)
        {
            var summary = new TimeoutSummary(target, settings);
            var view = new SettingView(settings);
            Candidate? tcp = view.TcpDeadPeer();

            (summary.ClientDeadPeerSeconds, summary.ClientDeadPeerSource) = Earliest(
                view.DeadPeer(TimeoutScope.Client, "ServerAliveInterval", "ServerAliveCountMax", countMaxZeroDisables: false),
                view.Flag(TimeoutScope.Client, "TCPKeepAlive") ? tcp : null);
            (summary.ServerDeadPeerSeconds, summary.ServerDeadPeerSource) = Earliest(
                view.DeadPeer(TimeoutScope.Server, "ClientAliveInterval", "ClientAliveCountMax", countMaxZeroDisables: true),
                view.Flag(TimeoutScope.Server, "TCPKeepAlive") ? tcp : null);

            bool anyTcpKeepAlive = view.Flag(TimeoutScope.Client, "TCPKeepAlive") || view.Flag(TimeoutScope.Server, "TCPKeepAlive");
            (summary.KeepAliveSeconds, summary.KeepAliveSource) = Earliest(
                view.Positive(TimeoutScope.Client, "ServerAliveInterval"),
                view.Positive(TimeoutScope.Server, "ClientAliveInterval"),
                anyTcpKeepAlive ? view.Positive(TimeoutScope.Kernel, "net.ipv4.tcp_keepalive_time") : null);

            Candidate? firewall = view.Positive(TimeoutScope.Kernel, "net.netfilter.nf_conntrack_tcp_timeout_established");
            bool keepAliveOutrunsFirewall = firewall != null && summary.KeepAliveSeconds != null && summary.KeepAliveSeconds < firewall.Seconds;
            (summary.IdleTimeoutSeconds, summary.IdleTimeoutSource) = Earliest(
                view.Positive(TimeoutScope.Shell, "TMOUT", LocalTimeoutSettings.LoginShellTarget),
                view.SessionChannelTimeout(),
                keepAliveOutrunsFirewall ? null : firewall);
            return summary;
        }

        private static (int?, string?) Earliest(params Candidate?[] candidates)
        {
            Candidate? first = candidates.Where(c => c != null).OrderBy(c => c!.Seconds).FirstOrDefault();
            return (first?.Seconds, first?.Source);
        }

        /// <summary>A number of seconds and the setting(s) it comes from.</summary>
        private sealed class Candidate
        {
            public Candidate(int seconds, string source)
            {
                Seconds = seconds;
                Source = source;
            }

            public int Seconds { get; }

            public string Source { get; }
        }

        private sealed class SettingView
        {
            private readonly IReadOnlyList<TimeoutSetting> settings;

            public SettingView(IReadOnlyList<TimeoutSetting> settings)
            {
                this.settings = settings;
            }

            public bool Flag(TimeoutScope scope, string name) => Find(scope, name)?.Value is bool on && on;

            public Candidate? Positive(TimeoutScope scope, string name, string? target = null)
            {
                TimeoutSetting? setting = Find(scope, name, target);
                return setting?.Value is int seconds && seconds > 0 ? new Candidate(seconds, Describe(setting)) : null;
            }

            /// <summary>Interval x CountMax; sshd treats ClientAliveCountMax 0 as "never disconnect", ssh as "after one interval".</summary>
            public Candidate? DeadPeer(TimeoutScope scope, string intervalName, string countMaxName, bool countMaxZeroDisables)
            {
                TimeoutSetting? interval = Find(scope, intervalName);
                TimeoutSetting? countMax = Find(scope, countMaxName);
                if (!(interval?.Value is int seconds) || seconds <= 0 || !(countMax?.Value is int count) || (count == 0 && countMaxZeroDisables))
                {
                    return null;
                }

                return new Candidate(seconds * System.Math.Max(count, 1), Describe(interval) + " x " + Describe(countMax));
            }

            /// <summary>The kernel's dead-peer time for a socket with SO_KEEPALIVE: time + intvl x probes.</summary>
            public Candidate? TcpDeadPeer()
            {
                TimeoutSetting? time = Find(TimeoutScope.Kernel, "net.ipv4.tcp_keepalive_time");
                TimeoutSetting? interval = Find(TimeoutScope.Kernel, "net.ipv4.tcp_keepalive_intvl");
                TimeoutSetting? probes = Find(TimeoutScope.Kernel, "net.ipv4.tcp_keepalive_probes");
                if (!(time?.Value is int t) || !(interval?.Value is int i) || !(probes?.Value is int p))
                {
                    return null;
                }

                return new Candidate(t + (i * p), "TCPKeepAlive: " + Describe(time) + " + intvl x probes");
            }

            /// <summary>sshd's ChannelTimeout for interactive sessions: the first type=interval entry whose type matches "session".</summary>
            public Candidate? SessionChannelTimeout()
            {
                TimeoutSetting? setting = Find(TimeoutScope.Server, "ChannelTimeout");
                int? seconds = setting?.Value is string list ? ChannelTimeouts.ForSession(list) : null;
                return seconds > 0 ? new Candidate(seconds.Value, Describe(setting!)) : null;
            }

            private TimeoutSetting? Find(TimeoutScope scope, string name, string? target = null) =>
                settings.FirstOrDefault(s => s.Scope == scope && s.Name == name && (target == null || s.Target == target));

            private static string Describe(TimeoutSetting setting) => setting.Name + " (" + setting.Location + ")";
        }
    }
}
