using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace SshKeepAlive.Core.Shell
{
    /// <summary>One command of a startup file, as the TMOUT replay sees it.</summary>
    internal sealed class ShellStep
    {
        public ShellStep(IReadOnlyList<ShellWord> words, IReadOnlyList<TmoutStatement> statements)
        {
            Words = words;
            Statements = statements;
        }

        /// <summary>The command's words without leading reserved words (<c>then TMOUT=5</c> → <c>TMOUT=5</c>).</summary>
        public IReadOnlyList<ShellWord> Words { get; }

        public IReadOnlyList<TmoutStatement> Statements { get; }
    }

    /// <summary>
    /// A bash startup file read into commands, each with the TMOUT statements it makes; function bodies are left out
    /// (bash runs them only when called), and a file bash would stop reading with a syntax error says where.
    /// </summary>
    internal sealed class ShellStartupFile
    {
        private static readonly HashSet<string> LeadingReservedWords = new HashSet<string>(StringComparer.Ordinal)
        {
            "if", "then", "else", "elif", "do", "while", "until", "{", "!",
        };

        internal ShellStartupFile(string path, IReadOnlyList<ShellStep> steps, IReadOnlyList<ShellFileProblem> problems)
        {
            Path = path;
            Steps = steps;
            Problems = problems;
        }

        public string Path { get; }

        public IReadOnlyList<ShellStep> Steps { get; }

        public IReadOnlyList<ShellFileProblem> Problems { get; }

        public static ShellStartupFile Read(string path) => Parse(File.ReadAllText(path), path);

        /// <summary>The startup file <paramref name="path"/> whose text is <paramref name="text"/>.</summary>
        public static ShellStartupFile Parse(string text, string path)
        {
            ShellLexer lexer = ShellLexer.Parse(text);
            var steps = new List<ShellStep>();
            var commands = lexer.Commands;
            for (int i = 0; i < commands.Count; i++)
            {
                if (IsFunctionDefinition(commands[i].Words))
                {
                    i = EndOfFunctionBody(commands, i);
                    continue;
                }

                ShellCommand command = commands[i];
                var words = command.Words.SkipWhile(w => LeadingReservedWords.Contains(w.Text)).ToList();
                if (words.Count > 0)
                {
                    steps.Add(new ShellStep(words, Classify(path, command.Line, words).ToList()));
                }
            }

            var problems = lexer.UnterminatedAt is int line
                ? new[] { new ShellFileProblem(path, line, "Unterminated quote or substitution: bash stops reading the file here with a syntax error.") }
                : new ShellFileProblem[0];
            return new ShellStartupFile(path, steps, problems);
        }

        /// <summary><c>name () …</c> or <c>function name …</c>: bash stores the body and runs it only when called.</summary>
        private static bool IsFunctionDefinition(IReadOnlyList<ShellWord> words) =>
            (words.Count >= 2 && words[1].Text == "()" && words[0].AssignmentName == null) || (words.Count >= 2 && words[0].Text == "function");

        /// <summary>The index of the command that closes the body's braces; the header alone when no '{' follows it.</summary>
        private static int EndOfFunctionBody(IReadOnlyList<ShellCommand> commands, int header)
        {
            int depth = 0;
            bool opened = false;
            for (int i = header; i < commands.Count; i++)
            {
                if (!opened && i > header && commands[i].Words[0].Text != "{")
                {
                    return i - 1;
                }

                foreach (ShellWord word in commands[i].Words)
                {
                    opened |= word.Text == "{";
                    depth += word.Text == "{" ? 1 : word.Text == "}" ? -1 : 0;
                }

                if (opened && depth <= 0)
                {
                    return i;
                }
            }

            return commands.Count - 1;
        }

        /// <summary>The TMOUT statements of one command (none for most commands).</summary>
        private static IEnumerable<TmoutStatement> Classify(string file, int line, IReadOnlyList<ShellWord> words)
        {
            string command = words[0].Text;
            if (words[0].AssignmentName != null)
            {
                // Assignments before a command only set its environment; alone, they set the shell's variables.
                return words.All(w => w.AssignmentName != null)
                    ? words.Where(w => w.AssignmentName == "TMOUT").Select(w => Assign(file, line, w.AssignmentValue, w.HasExpansion, false))
                    : Enumerable.Empty<TmoutStatement>();
            }

            bool isDeclare = command == "declare" || command == "typeset";
            if (command != "export" && command != "readonly" && !isDeclare && command != "unset")
            {
                return Enumerable.Empty<TmoutStatement>();
            }

            var options = words.Skip(1).TakeWhile(w => w.Text.Length > 1 && (w.Text[0] == '-' || w.Text[0] == '+') && w.Text != "--").Select(w => w.Text).ToList();
            var arguments = words.Skip(1 + options.Count).SkipWhile(w => w.Text == "--").ToList();
            bool declaresFunctionsOrPrints = options.Any(o => o.IndexOfAny(new[] { 'f', 'F', 'p' }) > 0);
            if (declaresFunctionsOrPrints)
            {
                return Enumerable.Empty<TmoutStatement>();
            }

            if (command == "unset")
            {
                return arguments.Where(a => a.Text == "TMOUT").Select(_ => new TmoutStatement(file, line, TmoutAction.Unset, null, false, null));
            }

            bool readOnly = command == "readonly" || (isDeclare && options.Any(o => o[0] == '-' && o.IndexOf('r') > 0));
            var statements = new List<TmoutStatement>();
            foreach (ShellWord argument in arguments)
            {
                if (argument.Text.StartsWith("TMOUT=", StringComparison.Ordinal))
                {
                    statements.Add(Assign(file, line, argument.Text.Substring("TMOUT=".Length), argument.HasExpansion, readOnly));
                }
                else if (argument.Text == "TMOUT" && readOnly)
                {
                    statements.Add(new TmoutStatement(file, line, TmoutAction.MakeReadOnly, null, true, null));
                }
            }

            return statements;
        }

        private static TmoutStatement Assign(string file, int line, string value, bool hasExpansion, bool readOnly) =>
            new TmoutStatement(file, line, TmoutAction.Assign, value, readOnly, TmoutStatement.ValueProblem(value, hasExpansion));
    }
}
