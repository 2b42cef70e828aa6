using System;
using System.Collections.Generic;
using System.Text;

namespace SshKeepAlive.Core.ConfigDocuments
{
    /// <summary>One argument's place in a line's text, for edits that keep the rest of the line.</summary>
    internal readonly struct ArgumentSpan
    {
        public ArgumentSpan(int start, int end, bool quoted)
        {
            Start = start;
            End = end;
            Quoted = quoted;
        }

        public int Start { get; }

        public int End { get; }

        public bool Quoted { get; }
    }

    /// <summary>
    /// The pieces of one configuration line, as OpenSSH's readconf/servconf split them, kept inside the line
    /// itself (no object of its own). Positions count from the line's first character.
    /// </summary>
    internal struct LineTokens
    {
        public string? Keyword;

        public int KeywordStart;

        public int KeywordEnd;

        /// <summary>Where the arguments begin (after the whitespace and/or single '=' separator).</summary>
        public int ArgumentsStart;

        /// <summary>End of the meaningful text: trailing whitespace stripped as OpenSSH does.</summary>
        public int ContentEnd;

        public bool IsComment;

        public string[] Arguments;

        public string? Error;
    }

    /// <summary>
    /// Splits a line the way OpenSSH does: the keyword ends at whitespace, a quote or one '=' (strdelim); the
    /// arguments follow argv_split rules — single or double quotes (also mid-token), backslash escapes of quotes,
    /// backslash and space, and '#' starting a comment only at the start of a token. Works on a line inside a
    /// larger text (the whole file, decoded once), so parsing allocates only what each line keeps; short words
    /// (keywords, "yes", "60") are shared between lines.
    /// </summary>
    internal static class LineTokenizer
    {
        private const int NoMoreText = -1;
        private const int UnterminatedQuote = -2;
        private static readonly string[] NoArguments = new string[0];

        // Scratch list reused across lines: parsing a large file allocates only what each line keeps.
        [ThreadStatic]
        private static List<string>? scratchArguments;

        // OpenSSH's WHITESPACE: " \t\r\n".
        private static bool IsWhitespace(char c) => c == ' ' || c == '\t' || c == '\r' || c == '\n';

        /// <summary>Tokenizes the line at <paramref name="start"/> (<paramref name="length"/> characters) of <paramref name="text"/>.</summary>
        public static LineTokens Tokenize(string text, int start, int length)
        {
            var line = new LineTokens { Arguments = NoArguments };
            int end = start + length;
            while (end > start && (IsWhitespace(text[end - 1]) || text[end - 1] == '\f'))
            {
                end--;
            }

            int position = start;
            Token keyword = Strdelim(text, ref position, end);
            if (keyword.Found && keyword.Length == 0)
            {
                // Leading whitespace (or a leading '=') yields an empty first token; OpenSSH takes the next one.
                keyword = Strdelim(text, ref position, end);
            }

            if (!keyword.Found)
            {
                if (position == UnterminatedQuote)
                {
                    line.Error = "unterminated quote in keyword";
                    line.ContentEnd = end - start;
                }

                return line;
            }

            if (keyword.Length == 0 || keyword.FirstChar(text) == '#')
            {
                line.IsComment = keyword.Length > 0;
                return line;
            }

            line.ContentEnd = end - start;
            line.Keyword = keyword.Text(text);
            line.KeywordStart = keyword.Start - start;
            line.KeywordEnd = keyword.End - start;
            if (position < 0 || position >= end)
            {
                line.ArgumentsStart = end - start;
                line.Error = $"no argument after keyword \"{line.Keyword}\"";
                return line;
            }

            line.ArgumentsStart = position - start;
            List<string> arguments = scratchArguments ??= new List<string>();
            arguments.Clear();
            line.Error = SplitArguments(text, position, end, arguments, null);
            line.Arguments = arguments.Count == 0 ? NoArguments : arguments.ToArray();
            return line;
        }

        /// <summary>Where each argument of <paramref name="text"/> (one line) is written, for edits that keep the rest.</summary>
        public static ArgumentSpan[] Spans(string text, LineTokens tokens)
        {
            if (tokens.Keyword == null || tokens.ArgumentsStart >= tokens.ContentEnd)
            {
                return new ArgumentSpan[0];
            }

            var spans = new List<ArgumentSpan>();
            SplitArguments(text, tokens.ArgumentsStart, tokens.ContentEnd, new List<string>(), spans);
            return spans.ToArray();
        }

        /// <summary>
        /// Splits text the way OpenSSH's strdelim does (used by Match criteria): tokens end at whitespace or one
        /// '='; a double quote starts a quoted part; stops at the end or at an empty token.
        /// </summary>
        public static List<string> SplitLikeStrdelim(string text, int start, int end)
        {
            var tokens = new List<string>();
            int position = start;
            while (true)
            {
                Token token = Strdelim(text, ref position, end);
                if (!token.Found || token.Length == 0)
                {
                    return tokens;
                }

                tokens.Add(token.Text(text));
            }
        }

        private static Token Strdelim(string text, ref int position, int end)
        {
            if (position < 0)
            {
                return default;
            }

            int old = position;
            int delimiter = old;
            while (delimiter < end && !IsWhitespace(text[delimiter]) && text[delimiter] != '"' && text[delimiter] != '=')
            {
                delimiter++;
            }

            if (delimiter >= end)
            {
                position = NoMoreText;
                return new Token(old, end, null);
            }

            if (text[delimiter] == '"')
            {
                int close = text.IndexOf('"', delimiter + 1, end - delimiter - 1);
                if (close < 0)
                {
                    position = UnterminatedQuote;
                    return default;
                }

                var quoted = new Token(old, close + 1, text.Substring(old, delimiter - old) + text.Substring(delimiter + 1, close - delimiter - 1));
                position = SkipWhitespace(text, close + 1, end);
                return quoted;
            }

            bool sawEquals = text[delimiter] == '=';
            var token = new Token(old, delimiter, null);
            position = SkipWhitespace(text, delimiter + 1, end);
            if (!sawEquals && position < end && text[position] == '=')
            {
                position = SkipWhitespace(text, position + 1, end);
            }

            return token;
        }

        private static int SkipWhitespace(string text, int position, int end)
        {
            while (position < end && IsWhitespace(text[position]))
            {
                position++;
            }

            return position;
        }

        // Positions in spans are relative to the line: callers pass the line's own text for spans.
        private static string? SplitArguments(string text, int start, int end, List<string> arguments, List<ArgumentSpan>? spans)
        {
            int i = start;
            while (i < end)
            {
                char c = text[i];
                if (c == ' ' || c == '\t')
                {
                    i++;
                    continue;
                }

                if (c == '#')
                {
                    break;
                }

                int tokenStart = i;
                int plainEnd = i;
                while (plainEnd < end && text[plainEnd] != ' ' && text[plainEnd] != '\t' && text[plainEnd] != '"' && text[plainEnd] != '\'' && text[plainEnd] != '\\')
                {
                    plainEnd++;
                }

                if (plainEnd == end || text[plainEnd] == ' ' || text[plainEnd] == '\t')
                {
                    // No quotes or escapes: the token is the text itself.
                    arguments.Add(SharedWords.Get(text, tokenStart, plainEnd - tokenStart));
                    spans?.Add(new ArgumentSpan(tokenStart, plainEnd, false));
                    i = plainEnd;
                    continue;
                }

                char quote = '\0';
                bool quoted = false;
                var value = new StringBuilder();
                for (; i < end; i++)
                {
                    c = text[i];
                    if (c == '\\')
                    {
                        char next = i + 1 < end ? text[i + 1] : '\0';
                        if (next == '\'' || next == '"' || next == '\\' || (quote == '\0' && next == ' '))
                        {
                            i++;
                            value.Append(next);
                        }
                        else
                        {
                            value.Append(c);
                        }
                    }
                    else if (quote == '\0' && (c == ' ' || c == '\t'))
                    {
                        break;
                    }
                    else if (quote == '\0' && (c == '"' || c == '\''))
                    {
                        quote = c;
                        quoted = true;
                    }
                    else if (quote != '\0' && c == quote)
                    {
                        quote = '\0';
                    }
                    else
                    {
                        value.Append(c);
                    }
                }

                if (quote != '\0')
                {
                    return "unterminated quote";
                }

                arguments.Add(value.ToString());
                spans?.Add(new ArgumentSpan(tokenStart, i, quoted));
            }

            return null;
        }

        // A token found by strdelim: its place, and its text when quotes made it differ from that place.
        private readonly struct Token
        {
            private readonly string? unquoted;

            public Token(int start, int end, string? unquoted)
            {
                Found = true;
                Start = start;
                End = end;
                this.unquoted = unquoted;
            }

            public bool Found { get; }

            public int Start { get; }

            public int End { get; }

            public int Length => unquoted?.Length ?? End - Start;

            public char FirstChar(string text) => unquoted != null ? unquoted[0] : text[Start];

            public string Text(string text) => unquoted ?? SharedWords.Get(text, Start, End - Start);
        }
    }

    /// <summary>
    /// One string per short word, shared by every line that writes it (keywords, "yes", "60"): a large file's
    /// lines then hold references instead of copies. A fixed table whose slots later words may take over; a
    /// race only costs a second copy of a word.
    /// </summary>
    internal static class SharedWords
    {
        private const int MaxLength = 32;
        private static readonly string?[] Table = new string?[8192];

        public static string Get(string text, int start, int length)
        {
            if (length > MaxLength)
            {
                return text.Substring(start, length);
            }

            uint hash = 2166136261;
            for (int i = start; i < start + length; i++)
            {
                hash = (hash ^ text[i]) * 16777619;
            }

            int slot = (int)(hash & (Table.Length - 1));
            string? known = Table[slot];
            if (known != null && known.Length == length && string.CompareOrdinal(known, 0, text, start, length) == 0)
            {
                return known;
            }

            string word = text.Substring(start, length);
            Table[slot] = word;
            return word;
        }
    }
}
