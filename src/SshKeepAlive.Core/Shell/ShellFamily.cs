using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace SshKeepAlive.Core.Shell
{
    /// <summary>The shells whose startup files can end an idle session: TMOUT in bash, zsh and ksh, autologout in tcsh.</summary>
    public enum ShellFamily
    {
        Bash,
        Zsh,
        Ksh,
        Tcsh,
    }

    /// <summary>Which startup files each shell family reads, in its order, for a login and an interactive non-login shell.</summary>
    public static class ShellFamilies
    {
        /// <summary>
        /// The family of a login shell path (passwd's last field); null for shells without an idle logout (dash,
        /// fish, nologin) and for an empty path. sh counts as bash, as it is bash on most systems that honour TMOUT.
        /// </summary>
        public static ShellFamily? FromPath(string? shellPath)
        {
            switch (string.IsNullOrEmpty(shellPath) ? string.Empty : Path.GetFileName(shellPath!.TrimEnd('/')))
            {
                case "bash":
                case "rbash":
                case "sh":
                    return ShellFamily.Bash;
                case "zsh":
                    return ShellFamily.Zsh;
                case "ksh":
                case "ksh93":
                case "mksh":
                case "pdksh":
                    return ShellFamily.Ksh;
                case "tcsh":
                case "csh":
                    return ShellFamily.Tcsh;
                default:
                    return null;
            }
        }

        /// <summary>The variable the family ends idle sessions with: TMOUT (seconds) or tcsh's autologout (minutes).</summary>
        public static string IdleVariable(ShellFamily family) => family == ShellFamily.Tcsh ? "autologout" : "TMOUT";

        /// <summary>The shell's own name, lowercase (bash, zsh, ksh, tcsh).</summary>
        public static string Name(ShellFamily family) => family.ToString().ToLowerInvariant();

        /// <summary>
        /// The files a shell of the family reads, in order: system files as absolute paths (resolved under the
        /// reader's root), user files as names in the home directory. Where a shell reads the first of several files
        /// (bash's ~/.bash_profile, ~/.bash_login, ~/.profile; tcsh's ~/.tcshrc or ~/.cshrc), they are one step.
        /// zsh's system files are in /etc/zsh on Debian and in /etc elsewhere (macOS); both are listed, as a
        /// machine has one set.
        /// </summary>
        internal static IReadOnlyList<StartupStep> Steps(ShellFamily family, ShellKind kind)
        {
            switch (family)
            {
                case ShellFamily.Zsh:
                    var stages = kind == ShellKind.Login ? new[] { "zshenv", "zprofile", "zshrc", "zlogin" } : new[] { "zshenv", "zshrc" };
                    return stages.SelectMany(s => new[] { StartupStep.System("/etc/zsh/" + s, "/etc/" + s), StartupStep.Home("." + s) }).ToList();
                case ShellFamily.Ksh:
                    return kind == ShellKind.Login
                        ? new[] { StartupStep.System("/etc/profile"), StartupStep.Home(".profile"), StartupStep.Home(".kshrc", ".mkshrc") }
                        : new[] { StartupStep.Home(".kshrc", ".mkshrc") };
                case ShellFamily.Tcsh:
                    return kind == ShellKind.Login
                        ? new[] { StartupStep.System("/etc/csh.cshrc"), StartupStep.System("/etc/csh.login"), StartupStep.Home(".tcshrc", ".cshrc"), StartupStep.Home(".login") }
                        : new[] { StartupStep.System("/etc/csh.cshrc"), StartupStep.Home(".tcshrc", ".cshrc") };
                default:
                    return kind == ShellKind.Login
                        ? new[] { StartupStep.System("/etc/profile"), StartupStep.Home(".bash_profile", ".bash_login", ".profile") }
                        : new[] { StartupStep.System("/etc/bash.bashrc"), StartupStep.Home(".bashrc") };
            }
        }

        /// <summary>Files worth reading although no step names them: a TMOUT there is a trap worth seeing (bash's profile.d, sourced by most /etc/profile).</summary>
        internal static IReadOnlyList<(string Directory, string Pattern)> ExtraSystemFiles(ShellFamily family) =>
            family == ShellFamily.Bash ? new[] { ("/etc/profile.d", "*.sh") } : Array.Empty<(string, string)>();
    }

    /// <summary>One step of a shell's startup: the first existing file of the candidates.</summary>
    internal sealed class StartupStep
    {
        private StartupStep(bool inHome, IReadOnlyList<string> candidates)
        {
            InHome = inHome;
            Candidates = candidates;
        }

        /// <summary>True for files in the user's home (names), false for system files (absolute paths).</summary>
        public bool InHome { get; }

        public IReadOnlyList<string> Candidates { get; }

        public static StartupStep System(params string[] paths) => new StartupStep(false, paths);

        public static StartupStep Home(params string[] names) => new StartupStep(true, names);
    }
}
