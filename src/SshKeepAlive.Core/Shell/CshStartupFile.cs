using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;

namespace SshKeepAlive.Core.Shell
{
    /// <summary>
    /// A tcsh/csh startup file (/etc/csh.cshrc, ~/.tcshrc, ~/.login…) read for what ends idle sessions:
    /// <c>set autologout = minutes</c> (also <c>set autologout=(minutes lock)</c>, <c>set -r</c> for read-only,
    /// <c>unset autologout</c>) and the files it <c>source</c>s. tcsh sets autologout to 60 by itself only for
    /// login shells outside a pty, which an SSH session never is, so only the files count.
    /// </summary>
    internal static class CshStartupFile
    {
        private static readonly Regex SetAutologout = new Regex(
            @"^set\s+(?<ro>-r\s+)?autologout(\s*=\s*(\(\s*(?<min>[^\s)]*)[^)]*\)|""(?<min>[^""]*)""|'(?<min>[^']*)'|(?<min>\S+)))?$",
            RegexOptions.CultureInvariant);

        private static readonly Regex UnsetAutologout = new Regex(@"^unset\s+(.*\s)?autologout(\s.*)?$", RegexOptions.CultureInvariant);

        private static readonly Regex Source = new Regex(@"^source\s+(?<file>\S+)$", RegexOptions.CultureInvariant);

        /// <summary>The tcsh file <paramref name="path"/> whose text is <paramref name="text"/>.</summary>
        public static ShellStartupFile Parse(string text, string path)
        {
            var steps = new List<ShellStep>();
            string[] lines = text.Replace("\r\n", "\n").Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                foreach (string command in Commands(lines[i]))
                {
                    ShellStep? step = Classify(path, i + 1, command);
                    if (step != null)
                    {
                        steps.Add(step);
                    }
                }
            }

            return new ShellStartupFile(path, steps, Array.Empty<ShellFileProblem>());
        }

        /// <summary>The commands of one line: a comment starts at a '#' beginning a word; ';' separates commands.</summary>
        private static IEnumerable<string> Commands(string line)
        {
            int comment = -1;
            for (int i = 0; i < line.Length; i++)
            {
                if (line[i] == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1])))
                {
                    comment = i;
                    break;
                }
            }

            foreach (string command in (comment < 0 ? line : line.Substring(0, comment)).Split(';'))
            {
                string trimmed = command.Trim();
                if (trimmed.Length > 0)
                {
                    yield return trimmed;
                }
            }
        }

        private static ShellStep? Classify(string file, int line, string command)
        {
            Match set = SetAutologout.Match(command);
            if (set.Success)
            {
                // "set autologout" without a value sets it to the empty word, which tcsh reads as no timeout.
                string minutes = set.Groups["min"].Success ? set.Groups["min"].Value : "0";
                var statement = TmoutStatement.Autologout(file, line, TmoutAction.Assign, minutes.Length == 0 ? "0" : minutes, set.Groups["ro"].Success);
                return new ShellStep(Words(command), new[] { statement });
            }

            if (UnsetAutologout.IsMatch(command))
            {
                return new ShellStep(Words(command), new[] { TmoutStatement.Autologout(file, line, TmoutAction.Unset, null, false) });
            }

            Match source = Source.Match(command);
            return source.Success ? new ShellStep(new[] { Word("source"), Word(source.Groups["file"].Value.Trim('"', '\'')) }, Array.Empty<TmoutStatement>()) : null;
        }

        private static IReadOnlyList<ShellWord> Words(string command) => Array.ConvertAll(command.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries), Word);

        private static ShellWord Word(string text) => new ShellWord(text, text.IndexOf('$') >= 0, null);
    }
}
