using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace SshKeepAlive.Core.Shell
{
    /// <summary>
    /// Splits shell startup-file text into simple commands the way bash tokenises it: quoting, backslash escapes and
    /// line continuations, comments at word starts, separators. It does not interpret control flow: a command inside
    /// an <c>if</c> body or after <c>&amp;&amp;</c> is listed like any other, which is what a reader of TMOUT needs.
    /// </summary>
    /// <remarks>
    /// Over 300 lines on purpose: one scanner whose readers (quotes, expansions, redirections, here-documents) all
    /// advance the same position, line count and word under construction; split apart, they would pass that state
    /// back and forth.
    /// </remarks>
    internal sealed class ShellLexer
    {
        private readonly string text;
        private readonly List<ShellCommand> commands = new List<ShellCommand>();
        private readonly List<ShellWord> words = new List<ShellWord>();
        private readonly StringBuilder word = new StringBuilder();
        private int position;
        private int line = 1;
        private int commandLine;
        private bool inWord;
        private bool wordQuoted;
        private bool wordHasExpansion;
        private string? assignmentName;
        private bool skipNextWord;
        private string? hereDocumentPending;
        private readonly List<(string Delimiter, bool StripTabs)> hereDocuments = new List<(string, bool)>();
        private const string HereDocumentPlain = "<<";
        private const string HereDocumentStripTabs = "<<-";

        private ShellLexer(string text)
        {
            this.text = text;
        }

        /// <summary>Set when the text ends inside a quote or substitution: the line where it opened.</summary>
        public int? UnterminatedAt { get; private set; }

        public static ShellLexer Parse(string text)
        {
            var lexer = new ShellLexer(text);
            lexer.Run();
            return lexer;
        }

        public IReadOnlyList<ShellCommand> Commands => commands;

        private void Run()
        {
            while (position < text.Length && UnterminatedAt == null)
            {
                char c = text[position];
                if (!ReadQuotedOrExpansion(c))
                {
                    ReadUnquoted(c);
                }
            }

            EndCommand();
        }

        /// <summary>Reads what starts with a quote, escape or expansion character; false for any other character.</summary>
        private bool ReadQuotedOrExpansion(char c)
        {
            switch (c)
            {
                case '\\':
                    ReadBackslash();
                    return true;
                case '\'':
                    ReadSingleQuoted();
                    return true;
                case '"':
                    ReadDoubleQuoted();
                    return true;
                case '$':
                    ReadDollar();
                    return true;
                case '`':
                    ReadBackquoted();
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>Comments, blanks, separators and redirections end words and commands; other characters join the word.</summary>
        private void ReadUnquoted(char c)
        {
            switch (c)
            {
                case '#' when !inWord:
                    while (position < text.Length && text[position] != '\n')
                    {
                        position++;
                    }

                    break;
                case ' ':
                case '\t':
                case '\r':
                    EndWord();
                    position++;
                    break;
                case '&' when position + 1 < text.Length && text[position + 1] == '>':
                    ReadRedirection();
                    break;
                case '(' when ClosesImmediately():
                    // "name ()" of a function definition: kept as a word, so the reader can skip the body.
                    EndWord();
                    words.Add(new ShellWord("()", false, null));
                    position = text.IndexOf(')', position) + 1;
                    break;
                case '\n':
                case ';':
                case '&':
                case '|':
                case '(':
                case ')':
                    ReadSeparator(c);
                    break;
                case '<':
                case '>':
                    ReadRedirection();
                    break;
                default:
                    if (c == '=' && assignmentName == null && !wordQuoted && !wordHasExpansion && IsName(word))
                    {
                        assignmentName = word.ToString();
                    }

                    Append(c);
                    position++;
                    break;
            }
        }

        private void ReadSeparator(char c)
        {
            EndCommand();
            position++;
            if (c == '\n')
            {
                line++;
                SkipHereDocuments();
            }
        }

        private void ReadBackslash()
        {
            if (position + 1 < text.Length && text[position + 1] == '\n')
            {
                line++;
                position += 2;
                return;
            }

            if (position + 1 < text.Length)
            {
                Append(text[position + 1]);
            }

            wordQuoted = true;

            position += 2;
        }

        private void ReadSingleQuoted()
        {
            int openedAt = line;
            int close = text.IndexOf('\'', position + 1);
            if (close < 0)
            {
                UnterminatedAt = openedAt;
                return;
            }

            CountLines(position, close);
            AppendSpan(position + 1, close);
            wordQuoted = true;
            position = close + 1;
        }

        private void ReadDoubleQuoted()
        {
            int openedAt = line;
            StartWord();
            wordQuoted = true;
            position++;
            while (position < text.Length)
            {
                char c = text[position];
                if (c == '"')
                {
                    position++;
                    return;
                }

                if (c == '\\' && position + 1 < text.Length && "$`\"\\\n".IndexOf(text[position + 1]) >= 0)
                {
                    if (text[position + 1] == '\n')
                    {
                        line++;
                    }
                    else
                    {
                        word.Append(text[position + 1]);
                    }

                    position += 2;
                    continue;
                }

                if (c == '$' || c == '`')
                {
                    wordHasExpansion = true;
                }

                if (c == '\n')
                {
                    line++;
                }

                word.Append(c);
                position++;
            }

            UnterminatedAt = openedAt;
        }

        /// <summary>Keeps <c>$NAME</c>, <c>${…}</c>, <c>$(…)</c> and <c>$((…))</c> literally, as one piece of the word.</summary>
        private void ReadDollar()
        {
            wordHasExpansion = true;
            int start = position;
            position++;
            if (position < text.Length && (text[position] == '(' || text[position] == '{'))
            {
                char open = text[position];
                char close = open == '(' ? ')' : '}';
                int depth = 0;
                int openedAt = line;
                for (; position < text.Length; position++)
                {
                    if (text[position] == open)
                    {
                        depth++;
                    }
                    else if (text[position] == close && --depth == 0)
                    {
                        break;
                    }
                    else if (text[position] == '\n')
                    {
                        line++;
                    }
                }

                if (position >= text.Length)
                {
                    UnterminatedAt = openedAt;
                    return;
                }

                position++;
            }

            AppendSpan(start, position);
        }

        private void ReadBackquoted()
        {
            wordHasExpansion = true;
            int close = text.IndexOf('`', position + 1);
            if (close < 0)
            {
                UnterminatedAt = line;
                return;
            }

            CountLines(position, close);
            AppendSpan(position, close + 1);
            position = close + 1;
        }

        private void StartWord()
        {
            if (!inWord && words.Count == 0)
            {
                commandLine = line;
            }

            inWord = true;
        }

        private void Append(char c)
        {
            StartWord();
            word.Append(c);
        }

        private void AppendSpan(int start, int end)
        {
            StartWord();
            word.Append(text, start, end - start);
        }

        private void CountLines(int start, int end)
        {
            for (int i = start; i < end; i++)
            {
                if (text[i] == '\n')
                {
                    line++;
                }
            }
        }

        /// <summary>True at a '(' followed by ')' with only blanks between.</summary>
        private bool ClosesImmediately()
        {
            int next = position + 1;
            while (next < text.Length && (text[next] == ' ' || text[next] == '\t'))
            {
                next++;
            }

            return next < text.Length && text[next] == ')';
        }

        /// <summary>
        /// Drops a redirection (<c>2&gt;/dev/null</c>, <c>&gt;&amp;2</c>, <c>&amp;&gt;log</c>) from the words: its fd number
        /// and its target are not arguments, so <c>TMOUT=5 2&gt;/dev/null</c> stays a plain assignment.
        /// </summary>
        private void ReadRedirection()
        {
            if (inWord && !wordQuoted && !wordHasExpansion && word.ToString().All(char.IsDigit))
            {
                DiscardWord();
            }

            EndWord();
            int start = position;
            while (position < text.Length && (text[position] == '<' || text[position] == '>' || text[position] == '&' || text[position] == '|'))
            {
                position++;
            }

            string op = text.Substring(start, position - start);
            if (op == "<<")
            {
                bool stripTabs = position < text.Length && text[position] == '-';
                position += stripTabs ? 1 : 0;
                hereDocumentPending = stripTabs ? HereDocumentStripTabs : HereDocumentPlain;
            }

            skipNextWord = true;
        }

        /// <summary>After the line that opened them, skips here-document bodies: their lines are data, not commands.</summary>
        private void SkipHereDocuments()
        {
            foreach (var (delimiter, stripTabs) in hereDocuments)
            {
                while (position < text.Length)
                {
                    int end = text.IndexOf('\n', position);
                    string bodyLine = text.Substring(position, (end < 0 ? text.Length : end) - position).TrimEnd('\r');
                    position = end < 0 ? text.Length : end + 1;
                    line++;
                    if ((stripTabs ? bodyLine.TrimStart('\t') : bodyLine) == delimiter)
                    {
                        break;
                    }
                }
            }

            hereDocuments.Clear();
        }

        private void EndWord()
        {
            if (inWord && !skipNextWord)
            {
                words.Add(new ShellWord(word.ToString(), wordHasExpansion, assignmentName));
            }

            if (inWord && hereDocumentPending != null)
            {
                hereDocuments.Add((word.ToString(), hereDocumentPending == HereDocumentStripTabs));
                hereDocumentPending = null;
            }

            if (inWord)
            {
                skipNextWord = false;
            }

            DiscardWord();
        }

        private void DiscardWord()
        {
            word.Clear();
            inWord = false;
            wordQuoted = false;
            wordHasExpansion = false;
            assignmentName = null;
        }

        private void EndCommand()
        {
            EndWord();
            skipNextWord = false;
            if (words.Count > 0)
            {
                commands.Add(new ShellCommand(commandLine, words.ToArray()));
            }

            words.Clear();
        }

        private static bool IsName(StringBuilder candidate)
        {
            if (candidate.Length == 0 || char.IsDigit(candidate[0]))
            {
                return false;
            }

            for (int i = 0; i < candidate.Length; i++)
            {
                char c = candidate[i];
                if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
