using System.Collections.Generic;

namespace SshKeepAlive.Core.Shell
{
    /// <summary>Which kind of interactive shell reads which startup files (see <see cref="ShellFamilies"/> for each family's).</summary>
    public enum ShellKind
    {
        /// <summary>
        /// An interactive login shell — what <c>ssh host</c> starts. For bash: /etc/profile (and what it sources, e.g.
        /// /etc/profile.d/*.sh), then the first of ~/.bash_profile, ~/.bash_login, ~/.profile (and what it sources).
        /// </summary>
        Login,

        /// <summary>An interactive non-login shell (a new tmux window, <c>bash</c> typed at a prompt); for bash /etc/bash.bashrc, then ~/.bashrc.</summary>
        Interactive,
    }

    /// <summary>A problem found while reading a startup file: a malformed value, an unterminated quote, an unreadable file.</summary>
    public sealed class ShellFileProblem
    {
        public ShellFileProblem(string file, int line, string message)
        {
            File = file;
            Line = line;
            Message = message;
        }

        public string File { get; }

        /// <summary>1-based line; 0 when the problem is the whole file.</summary>
        public int Line { get; }

        public string Message { get; }

        public override string ToString() => $"{File}:{Line}: {Message}";
    }

    /// <summary>The idle logout (TMOUT, tcsh's autologout) a kind of shell ends up with after reading its startup files in its order.</summary>
    public sealed class ShellTimeout
    {
        internal ShellTimeout(ShellFamily family, ShellKind kind, IReadOnlyList<string> files, TmoutStatement? source, bool isSet, TmoutStatement? readOnlySource, IReadOnlyList<TmoutStatement> refused)
        {
            Family = family;
            Kind = kind;
            Files = files;
            Source = source;
            IsSet = isSet;
            ReadOnlySource = readOnlySource;
            Refused = refused;
        }

        public ShellFamily Family { get; }

        public ShellKind Kind { get; }

        /// <summary>The startup files the shell reads, in order (existing ones only).</summary>
        public IReadOnlyList<string> Files { get; }

        /// <summary>The statement that gave TMOUT its final state (an assignment, or an unset); null when nothing touched it.</summary>
        public TmoutStatement? Source { get; }

        /// <summary>True when TMOUT ends up set (possibly to 0 or to a malformed value).</summary>
        public bool IsSet { get; }

        /// <summary>Idle seconds before bash exits at its prompt; 0 = never; null when TMOUT is unset or not a number.</summary>
        public int? Seconds => IsSet ? Source!.Seconds : null;

        /// <summary>True when TMOUT is read-only at the end: users cannot change it in their own files or at the prompt.</summary>
        public bool IsReadOnly => ReadOnlySource != null;

        /// <summary>The statement that made TMOUT read-only, if any.</summary>
        public TmoutStatement? ReadOnlySource { get; }

        /// <summary>Later statements bash refuses ("TMOUT: readonly variable") because an earlier one made TMOUT read-only.</summary>
        public IReadOnlyList<TmoutStatement> Refused { get; }
    }

    /// <summary>Every TMOUT statement found in the startup files, and what each kind of shell ends up with.</summary>
    public sealed class ShellTimeoutReport
    {
        internal ShellTimeoutReport(ShellFamily family, IReadOnlyList<TmoutStatement> statements, IReadOnlyList<ShellFileProblem> problems, IReadOnlyList<string> filesRead, ShellTimeout login, ShellTimeout interactive)
        {
            Family = family;
            Statements = statements;
            Problems = problems;
            FilesRead = filesRead;
            Login = login;
            Interactive = interactive;
        }

        public ShellFamily Family { get; }

        /// <summary>Every statement touching TMOUT in any file read, in the order the files were read, by line.</summary>
        public IReadOnlyList<TmoutStatement> Statements { get; }

        public IReadOnlyList<ShellFileProblem> Problems { get; }

        /// <summary>Every startup file that was read, whether or not a shell kind reads it.</summary>
        public IReadOnlyList<string> FilesRead { get; }

        public ShellTimeout Login { get; }

        public ShellTimeout Interactive { get; }
    }
}
