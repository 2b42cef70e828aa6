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

    /// <summary>The pieces of one configuration line, as OpenSSH's readconf/servconf split them.</summary>
    internal sealed class TokenizedLine
    {
        private static readonly string[] NoArguments = new string[0];
        private static readonly ArgumentSpan[] NoSpans = new ArgumentSpan[0];

        /// <summary>Shared by every blank line: nothing in it varies.</summary>
        public static readonly TokenizedLine Blank = new TokenizedLine();

        /// <summary>Shared by every comment line.</summary>
        public static readonly TokenizedLine Comment = new TokenizedLine { IsComment = true };

        public string? Keyword { get; set; }

        public int KeywordStart { get; set; }

        public int KeywordEnd { get; set; }

        public bool IsComment { get; set; }

        /// <summary>Where the arguments begin (after the whitespace and/or single '=' separator).</summary>
        public int ArgumentsStart { get; set; }

        /// <summary>End of the meaningful text: trailing whitespace stripped as OpenSSH does.</summary>
        public int ContentEnd { get; set; }

        public string[] Arguments { get; set; } = NoArguments;

        public ArgumentSpan[] Spans { get; set; } = NoSpans;

        public string? Error { get; set; }
    }

    /// <summary>
    /// Splits a line the way OpenSSH does: the keyword ends at whitespace, a quote or one '=' (strdelim); the
    /// arguments follow argv_split rules — single or double quotes (also mid-token), backslash escapes of quotes,
    /// backslash and space, and '#' starting a comment only at the start of a token.
    /// </summary>
    internal static class LineTokenizer
    {
        // OpenSSH's WHITESPACE: " \t\r\n".
        private static bool IsWhitespace(char c) => c == ' ' || c == '\t' || c == '\r' || c == '\n';

        // Scratch lists reused across lines: parsing a large file allocates only what each line keeps.
        [ThreadStatic]
        private static List<string>? scratchArguments;

        [ThreadStatic]
        private static List<ArgumentSpan>? scratchSpans;

        public static TokenizedLine Tokenize(string text)
        {
            int end = text.Length;
            while (end > 0 && (IsWhitespace(text[end - 1]) || text[end - 1] == '\f'))
            {
                end--;
            }

            int position = 0;
            Token? keyword = Strdelim(text, ref position, end);
            if (keyword != null && keyword.Value.Text.Length == 0)
            {
                // Leading whitespace (or a leading '=') yields an empty first token; OpenSSH takes the next one.
                keyword = Strdelim(text, ref position, end);
            }

            if (keyword == null)
            {
                return position == UnterminatedQuote ? new TokenizedLine { Error = "unterminated quote in keyword", ContentEnd = end } : TokenizedLine.Blank;
            }

            if (keyword.Value.Text.Length == 0 || keyword.Value.Text[0] == '#')
            {
                return keyword.Value.Text.Length > 0 ? TokenizedLine.Comment : TokenizedLine.Blank;
            }

            var line = new TokenizedLine { ContentEnd = end };

            line.Keyword = keyword.Value.Text;
            line.KeywordStart = keyword.Value.Start;
            line.KeywordEnd = keyword.Value.End;
            if (position < 0 || position >= end)
            {
                line.ArgumentsStart = end;
                line.Error = $"no argument after keyword \"{line.Keyword}\"";
                return line;
            }

            line.ArgumentsStart = position;
            List<string> arguments = scratchArguments ??= new List<string>();
            List<ArgumentSpan> spans = scratchSpans ??= new List<ArgumentSpan>();
            arguments.Clear();
            spans.Clear();
            line.Error = SplitArguments(text, position, end, arguments, spans);
            line.Arguments = arguments.ToArray();
            line.Spans = spans.ToArray();
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
                if (token == null || token.Value.Text.Length == 0)
                {
                    return tokens;
                }

                tokens.Add(token.Value.Text);
            }
        }

        private const int NoMoreText = -1;
        private const int UnterminatedQuote = -2;

        private readonly struct Token
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
            while (delimiter < end && !IsWhitespace(text[delimiter]) && text[delimiter] != '"' && text[delimiter] != '=')
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
            while (position < end && IsWhitespace(text[position]))
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
                int plainEnd = i;
                while (plainEnd < end && text[plainEnd] != ' ' && text[plainEnd] != '\t' && text[plainEnd] != '"' && text[plainEnd] != '\'' && text[plainEnd] != '\\')
                {
                    plainEnd++;
                }

                if (plainEnd == end || text[plainEnd] == ' ' || text[plainEnd] == '\t')
                {
                    // No quotes or escapes: the token is the text itself.
                    arguments.Add(text.Substring(tokenStart, plainEnd - tokenStart));
                    spans.Add(new ArgumentSpan(tokenStart, plainEnd, false));
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
                spans.Add(new ArgumentSpan(tokenStart, i, quoted));
            }

            return null;
        }
    }
}
