using System.Collections.Generic;
using System.Text;

namespace SshKeepAlive.Core.Config
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

    /// <summary>The pieces of one configuration line, as OpenSSH's readconf/servconf split them.</summary>
    internal sealed class TokenizedLine
    {
        public string? Keyword { get; set; }

        public int KeywordStart { get; set; }

        public int KeywordEnd { get; set; }

        public bool IsComment { get; set; }

        /// <summary>Where the arguments begin (after the whitespace and/or single '=' separator).</summary>
        public int ArgumentsStart { get; set; }

        /// <summary>End of the meaningful text: trailing whitespace stripped as OpenSSH does.</summary>
        public int ContentEnd { get; set; }

        public List<string> Arguments { get; } = new List<string>();

        public List<ArgumentSpan> Spans { get; } = new List<ArgumentSpan>();

        public string? Error { get; set; }
    }

    /// <summary>
    /// Splits a line the way OpenSSH does: the keyword ends at whitespace, a quote or one '=' (strdelim); the
    /// arguments follow argv_split rules — single or double quotes (also mid-token), backslash escapes of quotes,
    /// backslash and space, and '#' starting a comment only at the start of a token.
    /// </summary>
    internal static class LineTokenizer
    {
        private const string Whitespace = " \t\r\n";

        public static TokenizedLine Tokenize(string text)
        {
            var line = new TokenizedLine();
            int end = text.Length;
            while (end > 0 && (Whitespace.IndexOf(text[end - 1]) >= 0 || text[end - 1] == '\f'))
            {
                end--;
            }

            line.ContentEnd = end;
            int position = 0;
            Token? keyword = Strdelim(text, ref position, end);
            if (keyword != null && keyword.Text.Length == 0)
            {
                // Leading whitespace (or a leading '=') yields an empty first token; OpenSSH takes the next one.
                keyword = Strdelim(text, ref position, end);
            }

            if (keyword == null)
            {
                if (position == UnterminatedQuote)
                {
                    line.Error = "unterminated quote in keyword";
                }

                return line;
            }

            if (keyword.Text.Length == 0 || keyword.Text[0] == '#')
            {
                line.IsComment = keyword.Text.Length > 0;
                return line;
            }

            line.Keyword = keyword.Text;
            line.KeywordStart = keyword.Start;
            line.KeywordEnd = keyword.End;
            if (position < 0 || position >= end)
            {
                line.ArgumentsStart = end;
                line.Error = $"no argument after keyword \"{keyword.Text}\"";
                return line;
            }

            line.ArgumentsStart = position;
            line.Error = SplitArguments(text, position, end, line.Arguments, line.Spans);
            return line;
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
                Token? token = Strdelim(text, ref position, end);
                if (token == null || token.Text.Length == 0)
                {
                    return tokens;
                }

                tokens.Add(token.Text);
            }
        }

        private const int NoMoreText = -1;
        private const int UnterminatedQuote = -2;

        private sealed class Token
        {
            public Token(string text, int start, int end)
            {
                Text = text;
                Start = start;
                End = end;
            }

            public string Text { get; }

            public int Start { get; }

            public int End { get; }
        }

        private static Token? Strdelim(string text, ref int position, int end)
        {
            if (position < 0)
            {
                return null;
            }

            int old = position;
            int delimiter = old;
            while (delimiter < end && Whitespace.IndexOf(text[delimiter]) < 0 && text[delimiter] != '"' && text[delimiter] != '=')
            {
                delimiter++;
            }

            if (delimiter >= end)
            {
                position = NoMoreText;
                return new Token(text.Substring(old, end - old), old, end);
            }

            if (text[delimiter] == '"')
            {
                int close = text.IndexOf('"', delimiter + 1, end - delimiter - 1);
                if (close < 0)
                {
                    position = UnterminatedQuote;
                    return null;
                }

                var quoted = new Token(text.Substring(old, delimiter - old) + text.Substring(delimiter + 1, close - delimiter - 1), old, close + 1);
                position = SkipWhitespace(text, close + 1, end);
                return quoted;
            }

            bool sawEquals = text[delimiter] == '=';
            var token = new Token(text.Substring(old, delimiter - old), old, delimiter);
            position = SkipWhitespace(text, delimiter + 1, end);
            if (!sawEquals && position < end && text[position] == '=')
            {
                position = SkipWhitespace(text, position + 1, end);
            }

            return token;
        }

        private static int SkipWhitespace(string text, int position, int end)
        {
            while (position < end && Whitespace.IndexOf(text[position]) >= 0)
            {
                position++;
            }

            return position;
        }

        private static string? SplitArguments(string text, int start, int end, List<string> arguments, List<ArgumentSpan> spans)
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
                spans.Add(new ArgumentSpan(tokenStart, i, quoted));
            }

            return null;
        }
    }
}
