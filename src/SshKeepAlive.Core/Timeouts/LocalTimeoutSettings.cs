using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.Kernel;
using SshKeepAlive.Core.Shell;

namespace SshKeepAlive.Core.Timeouts
{
    /// <summary>Rows for the settings of this machine that do not depend on a host: the shells', logind's and the kernel's.</summary>
    internal static class LocalTimeoutSettings
    {
        /// <summary>The row of the user's login shell (what <c>ssh host</c> starts), whichever shell it is.</summary>
        public const string LoginShellTarget = "login shell";

        /// <summary>The row of the user's shell started without login (a new tmux window).</summary>
        public const string InteractiveShellTarget = "interactive shell";

        public const string LogindTarget = "systemd-logind";
        public const string KernelTarget = "kernel";

        /// <summary>The target of a shell installed here that is not the user's login shell: "zsh login shell".</summary>
        public static string OtherShellTarget(ShellFamily family) => ShellFamilies.Name(family) + " " + LoginShellTarget;

        /// <param name="report">What the startup files of the user's login shell set.</param>
        /// <param name="user">The user whose home was read, when not the current one.</param>
        public static IEnumerable<TimeoutSetting> LoginShell(ShellTimeoutReport report, string? user)
        {
            string? shell = report.Family == ShellFamily.Bash ? null : ShellFamilies.Name(report.Family) + " (the user's login shell)";
            yield return Logout(report.Login, LoginShellTarget, user, shell);
            yield return Logout(report.Interactive, InteractiveShellTarget, user, shell);
        }

        /// <summary>The login-shell row of a shell the user does not log in with, whose files are on the machine all the same.</summary>
        public static TimeoutSetting OtherShell(ShellTimeoutReport report, string? user) =>
            Logout(report.Login, OtherShellTarget(report.Family), user, "not the user's login shell");

        public static TimeoutSetting Logind(LogindIdleSetting logind) =>
            new TimeoutSetting(
                TimeoutScope.Shell,
                LogindTarget,
                LogindIdleReader.Keyword,
                logind.Seconds,
                logind.File == null,
                logind.File ?? TimeoutSetting.DefaultSource,
                logind.Line,
                logind.RawValue != null && logind.RawValue != (logind.Seconds?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "infinity") ? "written as " + logind.RawValue : null);

        public static IEnumerable<TimeoutSetting> Kernel(IEnumerable<KernelSetting> settings) =>
            settings.Select(s => new TimeoutSetting(
                TimeoutScope.Kernel,
                KernelTarget,
                s.Name,
                s.Value,
                s.Value != null && s.BuiltInDefault == s.Value,
                s.Source,
                null,
                s.Problem ?? s.Note ?? (s.Role == KernelRole.ConntrackEstablished ? "per network namespace: a firewall elsewhere has its own" : null)));

        private static TimeoutSetting Logout(ShellTimeout shell, string target, string? user, string? about)
        {
            TmoutStatement? source = shell.Source;
            string variable = ShellFamilies.IdleVariable(shell.Family);
            var notes = new List<string>();
            if (about != null)
            {
                notes.Add(about);
            }

            if (user != null)
            {
                notes.Add("user " + user);
            }

            if (source?.Problem != null)
            {
                notes.Add(source.Problem);
            }

            if (source?.Variable == "autologout" && source.RawValue != null)
            {
                notes.Add(source.RawValue + " min");
            }

            if (shell.IsReadOnly)
            {
                notes.Add("read-only (" + shell.ReadOnlySource + ")");
            }

            if (shell.Refused.Count > 0)
            {
                notes.Add($"{ShellFamilies.Name(shell.Family)} refuses the later {string.Join(", ", shell.Refused)}: {variable} is read-only");
            }

            return new TimeoutSetting(
                TimeoutScope.Shell,
                target,
                variable,
                shell.Seconds,
                source == null,
                source?.File ?? TimeoutSetting.DefaultSource,
                source?.Line,
                notes.Count == 0 ? null : string.Join("; ", notes));
        }
    }
}
