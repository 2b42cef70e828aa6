using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.Shell;
using SshKeepAlive.Core.Timeouts;

namespace SshKeepAlive.Core.Diagnostics
{
    /// <summary>
    /// <see cref="FindingId.ShellIdleLogout"/>: TMOUT (bash, zsh, ksh) or tcsh's autologout in the startup files: a
    /// Warning for the user's login shell (what ssh starts), an Info for a shell started without login (a new tmux
    /// window) and for other shells installed here. Keepalives cannot help: the prompt itself times out.
    /// </summary>
    internal sealed class ShellIdleLogoutCheck : IDiagnosticCheck
    {
        public FindingId Id => FindingId.ShellIdleLogout;

        public IEnumerable<Finding> Run(CheckContext context)
        {
            var rows = context.Settings.Where(s => s.Scope == TimeoutScope.Shell && (s.Name == "TMOUT" || s.Name == "autologout") && s.Value is int seconds && seconds > 0).ToList();
            TimeoutSetting? login = rows.FirstOrDefault(r => r.Target == LocalTimeoutSettings.LoginShellTarget);
            foreach (TimeoutSetting row in rows)
            {
                bool isLogin = row == login;
                if (!isLogin && login != null && row.Location == login.Location)
                {
                    continue;
                }

                int seconds = (int)row.Value!;
                string who = isLogin ? "The login shell ssh starts" : row.Target == LocalTimeoutSettings.InteractiveShellTarget ? "A shell started without login (a new tmux or screen window)" : "A " + row.Target;
                yield return context.Make(
                    Id,
                    isLogin ? FindingSeverity.Warning : FindingSeverity.Info,
                    $"{who} logs an idle session out after {seconds} s ({row.Name}). Keepalives cannot help: they keep the connection busy, not the shell's prompt.",
                    CheckContext.Describe(row) + (row.Note == null ? string.Empty : "; " + row.Note),
                    Fix(row),
                    FixKind.Manual,
                    isLogin ? context.Summary.IdleLimits.FirstOrDefault(l => l.Kind == IdleLimitKind.ShellLogout) : null,
                    seconds);
            }
        }

        private static string Fix(TimeoutSetting row)
        {
            bool readOnly = row.Note != null && row.Note.Contains("read-only");
            return $"Remove line {row.Line} of {row.Source} (the {row.Name} setting)" +
                (row.Source.StartsWith("/etc", System.StringComparison.Ordinal) || row.Source.Contains("/etc/") ? " as root: it is a system-wide file" : string.Empty) +
                (readOnly ? $"; it makes {row.Name} read-only, so no later file or user can change it" : string.Empty) + ".";
        }
    }

    /// <summary>
    /// <see cref="FindingId.LogindIdleStop"/>: systemd-logind's StopIdleSessionSec stops sessions idle that long
    /// (logind watches the terminal, so keepalives cannot help).
    /// </summary>
    internal sealed class LogindIdleStopCheck : IDiagnosticCheck
    {
        public FindingId Id => FindingId.LogindIdleStop;

        public IEnumerable<Finding> Run(CheckContext context)
        {
            TimeoutSetting? row = context.Settings.FirstOrDefault(s => s.Scope == TimeoutScope.Shell && s.Target == LocalTimeoutSettings.LogindTarget);
            if (row?.Value is int seconds && seconds > 0)
            {
                yield return context.Make(
                    Id,
                    FindingSeverity.Warning,
                    $"systemd-logind stops sessions idle for {seconds} s. It watches the terminal, not the connection, so keepalives cannot help.",
                    CheckContext.Describe(row) + (row.Note == null ? string.Empty : "; " + row.Note),
                    $"Set {LogindIdleReader.Keyword}=infinity on line {row.Line} of {row.Source} (as root), then run: systemctl restart systemd-logind",
                    FixKind.Manual,
                    context.Summary.IdleLimits.FirstOrDefault(l => l.Kind == IdleLimitKind.LogindIdle),
                    seconds);
            }
        }
    }
}
