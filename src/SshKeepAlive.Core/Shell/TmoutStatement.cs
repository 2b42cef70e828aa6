namespace SshKeepAlive.Core.Shell
{
    /// <summary>What a statement does to TMOUT.</summary>
    public enum TmoutAction
    {
        /// <summary><c>TMOUT=v</c>, <c>export TMOUT=v</c>, <c>readonly TMOUT=v</c>, <c>declare -r TMOUT=v</c>…</summary>
        Assign,

        /// <summary><c>readonly TMOUT</c> or <c>declare -r TMOUT</c> without a value: freezes the current value.</summary>
        MakeReadOnly,

        /// <summary><c>unset TMOUT</c>.</summary>
        Unset,
    }

    /// <summary>One statement of a shell startup file that sets, freezes or unsets TMOUT (or tcsh's autologout).</summary>
    public sealed class TmoutStatement
    {
        public TmoutStatement(string file, int line, TmoutAction action, string? rawValue, bool makesReadOnly, string? problem)
            : this(file, line, action, rawValue, makesReadOnly, problem, "TMOUT", action == TmoutAction.Assign && problem == null ? ParseSeconds(rawValue!) : null)
        {
        }

        private TmoutStatement(string file, int line, TmoutAction action, string? rawValue, bool makesReadOnly, string? problem, string variable, int? seconds)
        {
            File = file;
            Line = line;
            Action = action;
            RawValue = rawValue;
            MakesReadOnly = makesReadOnly;
            Problem = problem;
            Variable = variable;
            Seconds = seconds;
        }

        /// <summary>tcsh's <c>set autologout = minutes</c> (or <c>unset autologout</c>); its seconds are the minutes times 60.</summary>
        internal static TmoutStatement Autologout(string file, int line, TmoutAction action, string? minutes, bool makesReadOnly)
        {
            int? value = minutes == null ? null : ParseSeconds(minutes);
            string? problem = action == TmoutAction.Assign && value == null ? $"autologout value '{minutes}' is not a number of minutes." : null;
            return new TmoutStatement(file, line, action, minutes, makesReadOnly, problem, "autologout", value * 60);
        }

        /// <summary>The variable: TMOUT (bash, zsh, ksh; seconds) or autologout (tcsh; minutes).</summary>
        public string Variable { get; }

        /// <summary>Full path of the file.</summary>
        public string File { get; }

        /// <summary>1-based line where the statement starts.</summary>
        public int Line { get; }

        public TmoutAction Action { get; }

        /// <summary>The assigned text after quote removal; null unless <see cref="Action"/> is Assign.</summary>
        public string? RawValue { get; }

        /// <summary>The assigned seconds (0 = no timeout, as bash treats an empty TMOUT; autologout in seconds); null when not assigned or malformed.</summary>
        public int? Seconds { get; }

        /// <summary>True when the statement makes TMOUT read-only (<c>readonly</c>, <c>declare -r</c>, <c>typeset -r</c>).</summary>
        public bool MakesReadOnly { get; }

        /// <summary>Why the value is not a number of seconds bash would honour as written; null when it is.</summary>
        public string? Problem { get; }

        public override string ToString() => File + ":" + Line;

        /// <summary>A literal count of seconds, or the problem with it; null when fine.</summary>
        internal static string? ValueProblem(string value, bool hasExpansion)
        {
            if (hasExpansion)
            {
                return $"TMOUT is set from an expansion ('{value}'), not a literal number of seconds.";
            }

            return ParseSeconds(value) == null ? $"TMOUT value '{value}' is not a number of seconds." : null;
        }

        private static int? ParseSeconds(string value)
        {
            if (value.Length == 0)
            {
                return 0;
            }

            int seconds = 0;
            foreach (char c in value)
            {
                if (c < '0' || c > '9' || seconds > (int.MaxValue - 9) / 10)
                {
                    return null;
                }

                seconds = (seconds * 10) + (c - '0');
            }

            return seconds;
        }
    }
}
