using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.Kernel;
using SshKeepAlive.Core.Shell;

namespace SshKeepAlive.Core.Timeouts
{
    /// <summary>Rows for the settings of this machine that do not depend on a host: the shell's TMOUT and the kernel's.</summary>
    internal static class LocalTimeoutSettings
    {
        public const string LoginShellTarget = "login shell";
        public const string InteractiveShellTarget = "interactive shell";
        public const string KernelTarget = "kernel";

        /// <summary>Linux's built-in values, to tell a tuned setting from an untouched one.</summary>
        private static readonly Dictionary<string, int> KernelDefaults = new Dictionary<string, int>
        {
            ["net.ipv4.tcp_keepalive_time"] = 7200,
            ["net.ipv4.tcp_keepalive_intvl"] = 75,
            ["net.ipv4.tcp_keepalive_probes"] = 9,
            ["net.netfilter.nf_conntrack_tcp_timeout_established"] = 432000,
        };

        /// <param name="report">What the startup files set.</param>
        /// <param name="user">The user whose home was read, when not the current one.</param>
        public static IEnumerable<TimeoutSetting> Shell(ShellTimeoutReport report, string? user)
        {
            yield return Tmout(report.Login, LoginShellTarget, user);
            yield return Tmout(report.Interactive, InteractiveShellTarget, user);
        }

        public static IEnumerable<TimeoutSetting> Kernel(IEnumerable<KernelSetting> settings) =>
            settings.Select(s => new TimeoutSetting(
                TimeoutScope.Kernel,
                KernelTarget,
                s.Name,
                s.Value,
                s.Value != null && KernelDefaults.TryGetValue(s.Name, out int builtIn) && builtIn == s.Value,
                s.Source,
                null,
                s.Problem ?? (s.Name.StartsWith("net.netfilter.", System.StringComparison.Ordinal) ? "per network namespace: a firewall elsewhere has its own" : null)));

        private static TimeoutSetting Tmout(ShellTimeout shell, string target, string? user)
        {
            TmoutStatement? source = shell.Source;
            var notes = new List<string>();
            if (user != null)
            {
                notes.Add("user " + user);
            }

            if (source?.Problem != null)
            {
                notes.Add(source.Problem);
            }

            if (shell.IsReadOnly)
            {
                notes.Add("read-only (" + shell.ReadOnlySource + ")");
            }

            if (shell.Refused.Count > 0)
            {
                notes.Add("bash refuses the later " + string.Join(", ", shell.Refused) + ": TMOUT is read-only");
            }

            return new TimeoutSetting(
                TimeoutScope.Shell,
                target,
                "TMOUT",
                shell.Seconds,
                source == null,
                source?.File ?? TimeoutSetting.DefaultSource,
                source?.Line,
                notes.Count == 0 ? null : string.Join("; ", notes));
        }
    }
}
