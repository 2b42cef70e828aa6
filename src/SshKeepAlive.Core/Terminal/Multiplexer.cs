using System;
using System.Text.RegularExpressions;
using SshKeepAlive.Core.Errors;

namespace SshKeepAlive.Core.Terminal
{
    public enum Multiplexer
    {
        /// <summary>tmux if the server has it, else screen, else a plain shell.</summary>
        Auto,
        Tmux,
        Screen,
        None,
    }

    /// <summary>The remote commands that attach to, or create, a named multiplexer session.</summary>
    public static class MultiplexerCommands
    {
        /// <summary>Prints "tmux", "screen" or nothing: what Auto would use on the server.</summary>
        public const string Probe = "if command -v tmux >/dev/null 2>&1; then echo tmux; elif command -v screen >/dev/null 2>&1; then echo screen; fi";

        private static readonly Regex SafeName = new Regex("^[A-Za-z0-9_.-]{1,64}$");

        public static bool IsValidSessionName(string name) => SafeName.IsMatch(name);

        /// <summary>Checks a session name before anything connects: tmux and screen would misread other characters.</summary>
        /// <exception cref="SshKeepAliveException"><see cref="ErrorId.MultiplexerSessionNameInvalid"/>.</exception>
        public static string CheckSessionName(string name)
        {
            if (!IsValidSessionName(name))
            {
                throw new SshKeepAliveException(ErrorId.MultiplexerSessionNameInvalid, $"'{name}' is not a valid multiplexer session name: use 1-64 letters, digits, '.', '_' or '-'.", name);
            }

            return name;
        }

        /// <summary>A multiplexer by name, in any case: Auto, Tmux, Screen or None.</summary>
        public static Multiplexer Parse(string name) => (Multiplexer)Enum.Parse(typeof(Multiplexer), name, ignoreCase: true);

        /// <summary>
        /// The command a pseudo-terminal channel runs instead of a login shell, so nothing is typed into a shell (or
        /// its history): attach to the named session, or create it, detaching every other client first (those of
        /// dead connections would otherwise stay attached and keep the window at their size). Null for no multiplexer.
        /// </summary>
        /// <remarks>
        /// screen needs more than its flags, so it runs in <c>sh -c</c> (a plain word list for any login shell):
        /// its socket folder (/run/screen on Debian) is made at boot by tmpfiles.d, which a container without
        /// systemd never runs, and screen then only says "Cannot make directory" and exits (ssh -t host screen too);
        /// when <c>screen -ls</c> cannot list that folder, the sockets go to SCREENDIR=$HOME/.screen, which screen
        /// makes private itself (the same rule, so the same folder, on every re-attach). And -S NAME also matches a
        /// longer name, so <c>-D -RR</c> would re-attach "work2" for "work": it re-attaches only when
        /// <c>screen -ls</c> lists NAME exactly, and otherwise creates NAME.
        /// </remarks>
        public static string? AttachCommand(Multiplexer multiplexer, string sessionName)
        {
            if (!IsValidSessionName(sessionName))
            {
                throw new ArgumentException($"'{sessionName}' is not a valid session name: use 1-64 letters, digits, '.', '_' or '-'.", nameof(sessionName));
            }

            switch (multiplexer)
            {
                case Multiplexer.Tmux: return "tmux new-session -A -D -s " + sessionName;
                case Multiplexer.Screen: return ScreenAttach(sessionName);
                case Multiplexer.None: return null;
                default: throw new ArgumentOutOfRangeException(nameof(multiplexer), multiplexer, "Resolve Auto before attaching.");
            }
        }

        // Single quotes for the login shell, double quotes inside; the name is letters, digits, '.', '_' and '-'.
        private static string ScreenAttach(string sessionName)
        {
            string listedName = sessionName.Replace(".", "\\.");
            return "sh -c '"
                + "if screen -ls 2>/dev/null | grep -Eq \"Sockets? (found )?in \"; then :; else SCREENDIR=$HOME/.screen; export SCREENDIR; fi; "
                + $"if screen -ls | grep -Eq \"^[[:space:]]+[0-9]+\\.{listedName}[[:space:]]\"; then exec screen -D -RR -S {sessionName}; fi; "
                + $"exec screen -S {sessionName}'";
        }

        public static Multiplexer FromProbe(string probeOutput)
        {
            switch (probeOutput.Trim())
            {
                case "tmux": return Multiplexer.Tmux;
                case "screen": return Multiplexer.Screen;
                default: return Multiplexer.None;
            }
        }
    }
}
