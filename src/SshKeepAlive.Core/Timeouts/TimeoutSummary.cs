using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.Kernel;

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

        /// <summary>The row of the soonest keepalive (a kernel row when TCP keepalives are the soonest).</summary>
        internal TimeoutSetting? KeepAliveSetting { get; private set; }

        /// <summary>Seconds after which an idle session ends although both peers are alive (TMOUT, ChannelTimeout, a firewall forgetting the flow); null when nothing ends it.</summary>
        public int? IdleTimeoutSeconds { get; private set; }

        /// <summary>What ends the idle session first, as "Name (path:line)".</summary>
        public string? IdleTimeoutSource { get; private set; }

        /// <summary>
        /// Everything that ends an idle session although both peers are alive, soonest first (the first is
        /// <see cref="IdleTimeoutSeconds"/>). A firewall's or the path's idle timeout counts only when no keepalive
        /// crosses the connection sooner. Test-SshKeepAlive's first finding is the first of these.
        /// </summary>
        public IReadOnlyList<IdleLimit> IdleLimits { get; private set; } = new IdleLimit[0];

        /// <summary>Every setting the summary was made from.</summary>
        public IReadOnlyList<TimeoutSetting> Settings { get; }

        internal static TimeoutSummary Create(string target, IReadOnlyList<TimeoutSetting> settings) => Create(target, settings, null, null);

        /// <param name="target">The target the summary is for.</param>
        /// <param name="settings">The target's settings and every local one.</param>
        /// <param name="pathIdleTimeout">Idle seconds after which the path forgets the connection (given or measured); null when unknown.</param>
        /// <param name="pathIdleSource">Where <paramref name="pathIdleTimeout"/> was learnt.</param>
        internal static TimeoutSummary Create(string target, IReadOnlyList<TimeoutSetting> settings, int? pathIdleTimeout, string? pathIdleSource)
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
            Candidate? keepAlive = new[]
            {
                view.Positive(TimeoutScope.Client, "ServerAliveInterval"),
                view.Positive(TimeoutScope.Server, "ClientAliveInterval"),
                anyTcpKeepAlive ? view.Kernel(KernelRole.KeepAliveTime) : null,
            }.Where(c => c != null).OrderBy(c => c!.Seconds).FirstOrDefault();
            (summary.KeepAliveSeconds, summary.KeepAliveSource, summary.KeepAliveSetting) = (keepAlive?.Seconds, keepAlive?.Source, keepAlive?.Setting);

            var limits = new List<IdleLimit>();
            void Add(IdleLimitKind kind, Candidate? candidate)
            {
                if (candidate != null)
                {
                    limits.Add(new IdleLimit(kind, candidate.Seconds, candidate.Source, candidate.Setting));
                }
            }

            bool Unprotected(Candidate? limit) => limit != null && !(summary.KeepAliveSeconds < limit.Seconds);

            Add(IdleLimitKind.ShellLogout, view.Positive(TimeoutScope.Shell, null, LocalTimeoutSettings.LoginShellTarget));
            Add(IdleLimitKind.LogindIdle, view.Positive(TimeoutScope.Shell, null, LocalTimeoutSettings.LogindTarget));
            Add(IdleLimitKind.ChannelTimeout, view.SessionChannelTimeout());
            Candidate? firewall = view.Kernel(KernelRole.ConntrackEstablished);
            Add(IdleLimitKind.Firewall, Unprotected(firewall) ? firewall : null);
            Candidate? path = pathIdleTimeout > 0 ? new Candidate(pathIdleTimeout.Value, pathIdleSource ?? "the path's idle timeout", null) : null;
            Add(IdleLimitKind.Path, Unprotected(path) ? path : null);

            // Stable: at equal seconds the order above (the session's own limits before the path's) decides.
            summary.IdleLimits = limits.Select((l, i) => (l, i)).OrderBy(p => p.l.Seconds).ThenBy(p => p.i).Select(p => p.l).ToList();
            summary.IdleTimeoutSeconds = summary.IdleLimits.FirstOrDefault()?.Seconds;
            summary.IdleTimeoutSource = summary.IdleLimits.FirstOrDefault()?.Source;
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
            public Candidate(int seconds, string source, TimeoutSetting? setting)
            {
                Seconds = seconds;
                Source = source;
                Setting = setting;
            }

            public int Seconds { get; }

            public string Source { get; }

            public TimeoutSetting? Setting { get; }
        }

        private sealed class SettingView
        {
            private readonly IReadOnlyList<TimeoutSetting> settings;

            public SettingView(IReadOnlyList<TimeoutSetting> settings)
            {
                this.settings = settings;
            }

            public bool Flag(TimeoutScope scope, string name) => Find(scope, name)?.Value is bool on && on;

            /// <summary>A setting's positive seconds; <paramref name="name"/> null: whatever the target's row is called (TMOUT, autologout).</summary>
            public Candidate? Positive(TimeoutScope scope, string? name, string? target = null)
            {
                TimeoutSetting? setting = Find(scope, name, target);
                return setting?.Value is int seconds && seconds > 0 ? new Candidate(seconds, Describe(setting), setting) : null;
            }

            /// <summary>A kernel setting by what it means, whatever the platform calls it.</summary>
            public Candidate? Kernel(KernelRole role)
            {
                TimeoutSetting? setting = FindKernel(role);
                return setting?.Value is int seconds && seconds > 0 ? new Candidate(seconds, Describe(setting), setting) : null;
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

                return new Candidate(seconds * System.Math.Max(count, 1), Describe(interval) + " x " + Describe(countMax), interval);
            }

            /// <summary>The kernel's dead-peer time for a socket with SO_KEEPALIVE: time + intvl x probes.</summary>
            public Candidate? TcpDeadPeer()
            {
                TimeoutSetting? time = FindKernel(KernelRole.KeepAliveTime);
                TimeoutSetting? interval = FindKernel(KernelRole.KeepAliveInterval);
                TimeoutSetting? probes = FindKernel(KernelRole.KeepAliveProbes);
                if (!(time?.Value is int t) || !(interval?.Value is int i) || !(probes?.Value is int p))
                {
                    return null;
                }

                return new Candidate(t + (i * p), "TCPKeepAlive: " + Describe(time) + " + intvl x probes", time);
            }

            /// <summary>sshd's ChannelTimeout for interactive sessions: the first type=interval entry whose type matches "session".</summary>
            public Candidate? SessionChannelTimeout()
            {
                TimeoutSetting? setting = Find(TimeoutScope.Server, "ChannelTimeout");
                int? seconds = setting?.Value is string list ? ChannelTimeouts.ForSession(list) : null;
                return seconds > 0 ? new Candidate(seconds.Value, Describe(setting!), setting) : null;
            }

            private TimeoutSetting? Find(TimeoutScope scope, string? name, string? target = null) =>
                settings.FirstOrDefault(s => s.Scope == scope && (name == null || s.Name == name) && (target == null || s.Target == target));

            private TimeoutSetting? FindKernel(KernelRole role) =>
                settings.FirstOrDefault(s => s.Scope == TimeoutScope.Kernel && KernelTimeoutReader.RoleOf(s.Name) == role);

            private static string Describe(TimeoutSetting setting) => setting.Name + " (" + setting.Location + ")";
        }
    }
}
