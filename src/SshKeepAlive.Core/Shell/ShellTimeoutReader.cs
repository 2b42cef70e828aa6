using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Platform;

namespace SshKeepAlive.Core.Shell
{
    /// <summary>
    /// Finds the idle logout (TMOUT; tcsh's autologout) in a shell's startup files and replays them in the shell's
    /// reading order, as an interactive shell would. One reader reads one home; ask it one family at a time.
    /// </summary>
    /// <remarks>
    /// The model, chosen for "what will an SSH session's shell do": conditions (<c>if</c>, <c>&amp;&amp;</c>) are taken as
    /// true for an interactive bash, so Debian's <c>. /etc/bash.bashrc</c> in /etc/profile and <c>. "$HOME/.bashrc"</c>
    /// in ~/.profile are followed. <c>.</c>/<c>source</c> of a literal absolute path or a <c>$HOME</c>/<c>~</c> path is
    /// followed; so is a <c>for f in /dir/*.sh; do . "$f"; done</c> loop (files in byte order, as bash in the C locale).
    /// Assignments that only prefix a command (<c>TMOUT=5 cmd</c>) are ignored, and so are function bodies (bash runs
    /// them only when called) and here-documents; subshells are read as if they ran in the shell itself.
    /// A read-only TMOUT cannot be changed by any later file: bash refuses the assignment.
    /// /etc/bash.bashrc is Debian's system-wide bashrc (a build option of bash); other systems have none.
    /// zsh and ksh files are read with the same model (their assignment, export, readonly and typeset -r syntax
    /// is bash's); tcsh files with <see cref="CshStartupFile"/>. ZDOTDIR and a custom ENV are not followed.
    /// </remarks>
    public sealed class ShellTimeoutReader
    {
        private const int MaxSourceDepth = 16;

        private readonly string rootPath;
        private readonly string? homeDirectory;
        private readonly IReadOnlyFileSystem files;
        private readonly Dictionary<string, ShellStartupFile?> parsed = new Dictionary<string, ShellStartupFile?>(StringComparer.Ordinal);
        private readonly List<ShellFileProblem> readProblems = new List<ShellFileProblem>();
        private ShellFamily family = ShellFamily.Bash;

        /// <param name="rootPath">Where the file system root is: "/" normally, a temporary folder in tests.</param>
        /// <param name="homeDirectory">The user's home directory, as a full path (not under <paramref name="rootPath"/>); null to read only the system-wide files.</param>
        /// <param name="files">The machine whose files are read (default: this one).</param>
        public ShellTimeoutReader(string rootPath, string? homeDirectory, IReadOnlyFileSystem? files = null)
        {
            this.rootPath = rootPath;
            this.homeDirectory = homeDirectory;
            this.files = files ?? LocalFileSystem.Instance;
        }

        private string SystemPath(string absolute) => FileSystemExtensions.JoinPath(rootPath, absolute.TrimStart('/'));

        /// <summary>A file in the home directory; null without one.</summary>
        private string? HomePath(string name) => homeDirectory == null ? null : FileSystemExtensions.JoinPath(homeDirectory, name);

        /// <summary>What bash's startup files do to TMOUT.</summary>
        public ShellTimeoutReport Read() => Read(ShellFamily.Bash);

        /// <summary>
        /// What the startup files of <paramref name="family"/> do to its idle logout (TMOUT, or tcsh's autologout),
        /// for a login shell and for an interactive non-login one.
        /// </summary>
        public ShellTimeoutReport Read(ShellFamily family)
        {
            this.family = family;
            parsed.Clear();
            readProblems.Clear();
            ShellTimeout login = Follow(ShellKind.Login, Existing(ShellFamilies.Steps(family, ShellKind.Login)));
            ShellTimeout interactive = Follow(ShellKind.Interactive, Existing(ShellFamilies.Steps(family, ShellKind.Interactive)));

            // Files no shell kind reads still get listed: a TMOUT there is a trap worth seeing.
            var candidates = ShellFamilies.Steps(family, ShellKind.Login).Concat(ShellFamilies.Steps(family, ShellKind.Interactive))
                .SelectMany(step => step.Candidates.Select(c => step.InHome ? HomePath(c) : SystemPath(c)))
                .Concat(ShellFamilies.ExtraSystemFiles(family).SelectMany(glob => ExpandGlob(SystemPath(glob.Directory), glob.Pattern)))
                .Where(p => p != null)
                .Select(p => p!)
                .Distinct();
            foreach (string candidate in candidates.Where(files.FileExists))
            {
                Parse(candidate);
            }

            var read = parsed.Where(p => p.Value != null).Select(p => p.Value!).ToList();
            var statements = read.SelectMany(f => f.Steps).SelectMany(s => s.Statements).ToList();
            var problems = readProblems
                .Concat(read.SelectMany(f => f.Problems))
                .Concat(statements.Where(s => s.Problem != null).Select(s => new ShellFileProblem(s.File, s.Line, s.Problem!)))
                .OrderBy(p => p.File, StringComparer.Ordinal).ThenBy(p => p.Line)
                .ToList();
            return new ShellTimeoutReport(family, statements, problems, read.Select(f => f.Path).ToList(), login, interactive);
        }

        /// <summary>True when any startup file the family reads exists (apart from the ones every Bourne shell shares).</summary>
        public bool HasOwnStartupFiles(ShellFamily family) =>
            ShellFamilies.Steps(family, ShellKind.Login).Concat(ShellFamilies.Steps(family, ShellKind.Interactive))
                .SelectMany(step => step.Candidates.Where(c => c != "/etc/profile" && c != ".profile").Select(c => step.InHome ? HomePath(c) : SystemPath(c)))
                .Any(p => p != null && files.FileExists(p));

        /// <summary>For each step, its first candidate that exists.</summary>
        private IEnumerable<string> Existing(IEnumerable<StartupStep> steps) =>
            steps.Select(step => step.Candidates.Select(c => step.InHome ? HomePath(c) : SystemPath(c)).FirstOrDefault(p => p != null && files.FileExists(p)))
                .Where(p => p != null)
                .Select(p => p!);

        /// <summary>Replays the given files in order (each with what it sources), as a shell of the given kind reads them.</summary>
        internal ShellTimeout Follow(ShellKind kind, IEnumerable<string> files)
        {
            var state = new ReplayState();
            foreach (string file in files)
            {
                Replay(file, state, 0);
            }

            return new ShellTimeout(family, kind, state.Files, state.Source, state.IsSet, state.ReadOnlySource, state.Refused);
        }

        private void Replay(string path, ReplayState state, int depth)
        {
            ShellStartupFile? file = depth > MaxSourceDepth || !files.FileExists(path) ? null : Parse(path);
            if (file == null)
            {
                return;
            }

            state.Files.Add(path);
            var steps = file.Steps;
            for (int i = 0; i < steps.Count; i++)
            {
                var words = steps[i].Words;
                foreach (TmoutStatement statement in steps[i].Statements)
                {
                    state.Apply(statement);
                }

                if (IsSource(words) && ResolveSourced(words[1]) is string sourced)
                {
                    Replay(sourced, state, depth + 1);
                }
                else if (words[0].Text == "for" && words.Count > 3 && words[2].Text == "in" && LoopSourcesItsVariable(steps, i + 1, words[1].Text))
                {
                    foreach (string item in words.Skip(3).SelectMany(ExpandLoopItem))
                    {
                        Replay(item, state, depth + 1);
                    }
                }
            }
        }

        private ShellStartupFile? Parse(string path)
        {
            if (parsed.TryGetValue(path, out ShellStartupFile? known))
            {
                return known;
            }

            ShellStartupFile? file;
            try
            {
                string text = files.ReadAllText(path);
                file = family == ShellFamily.Tcsh ? CshStartupFile.Parse(text, path) : ShellStartupFile.Parse(text, path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                readProblems.Add(new ShellFileProblem(path, 0, "Cannot read the file: " + ex.Message));
                file = null;
            }

            parsed[path] = file;
            return file;
        }

        private static bool IsSource(IReadOnlyList<ShellWord> words) =>
            words.Count >= 2 && (words[0].Text == "." || words[0].Text == "source");

        /// <summary>True when the loop body (up to its <c>done</c>) sources the loop variable: <c>. "$f"</c>, <c>source ${f}</c>.</summary>
        private static bool LoopSourcesItsVariable(IReadOnlyList<ShellStep> steps, int bodyStart, string variable)
        {
            for (int i = bodyStart; i < steps.Count && steps[i].Words[0].Text != "done"; i++)
            {
                var words = steps[i].Words;
                if (IsSource(words) && (words[1].Text == "$" + variable || words[1].Text == "${" + variable + "}"))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The file a <c>.</c>/<c>source</c> argument names, when it is knowable without running anything.</summary>
        private string? ResolveSourced(ShellWord argument)
        {
            string text = argument.Text;
            foreach (string prefix in new[] { "~/", "$HOME/", "${HOME}/" })
            {
                if (text.StartsWith(prefix, StringComparison.Ordinal))
                {
                    text = text.Substring(prefix.Length);
                    return text.IndexOfAny(new[] { '$', '`' }) < 0 ? HomePath(text) : null;
                }
            }

            return text.StartsWith("/", StringComparison.Ordinal) && !argument.HasExpansion ? SystemPath(text) : null;
        }

        private IEnumerable<string> ExpandLoopItem(ShellWord item)
        {
            // Debian 13's /etc/profile: for i in $(run-parts --list --regex '^[a-zA-Z0-9_][a-zA-Z0-9._-]*\.sh$' /etc/profile.d)
            Match runParts = RunPartsList.Match(item.Text);
            if (runParts.Success)
            {
                var names = new Regex(runParts.Groups["regex"].Value, RegexOptions.CultureInvariant);
                return files.FilesOf(SystemPath(runParts.Groups["dir"].Value)).Where(path => names.IsMatch(path.Substring(path.LastIndexOf('/') + 1)));
            }

            if (item.HasExpansion || !item.Text.StartsWith("/", StringComparison.Ordinal))
            {
                return Enumerable.Empty<string>();
            }

            int slash = item.Text.LastIndexOf('/');
            string name = item.Text.Substring(slash + 1);
            string directory = SystemPath(item.Text.Substring(0, slash + 1));
            return name.IndexOfAny(new[] { '*', '?', '[' }) < 0
                ? new[] { FileSystemExtensions.JoinPath(directory, name) }.Where(files.FileExists)
                : ExpandGlob(directory, name);
        }

        /// <summary><c>$(run-parts --list --regex 'RE' /dir)</c>: the regular files of /dir whose names match RE, in byte order.</summary>
        private static readonly Regex RunPartsList = new Regex(@"^\$\(run-parts --list --regex '(?<regex>[^']*)' (?<dir>/[^\s)]+)\)$", RegexOptions.CultureInvariant);

        /// <summary>Files of <paramref name="directory"/> matching a glob, in byte order; like bash, a wildcard never matches a leading dot.</summary>
        private IEnumerable<string> ExpandGlob(string directory, string glob) =>
            files.FilesOf(directory).Where(path => ConfigGlob.Matches(path.Substring(path.LastIndexOfAny(new[] { '/', '\\' }) + 1), glob));

        /// <summary>TMOUT as bash holds it while reading the files.</summary>
        private sealed class ReplayState
        {
            public List<string> Files { get; } = new List<string>();

            public List<TmoutStatement> Refused { get; } = new List<TmoutStatement>();

            public TmoutStatement? Source { get; private set; }

            public bool IsSet { get; private set; }

            public TmoutStatement? ReadOnlySource { get; private set; }

            public void Apply(TmoutStatement statement)
            {
                if (ReadOnlySource != null)
                {
                    if (statement.Action != TmoutAction.MakeReadOnly)
                    {
                        Refused.Add(statement);
                    }

                    return;
                }

                if (statement.Action != TmoutAction.MakeReadOnly)
                {
                    Source = statement;
                    IsSet = statement.Action == TmoutAction.Assign;
                }

                if (statement.MakesReadOnly)
                {
                    ReadOnlySource = statement;
                }
            }
        }
    }
}
