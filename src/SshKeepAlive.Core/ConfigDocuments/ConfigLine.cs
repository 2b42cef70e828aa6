using System;
using System.Collections.Generic;
using System.Linq;

namespace SshKeepAlive.Core.ConfigDocuments
{
    /// <summary>
    /// One line of an ssh_config or sshd_config file: its exact text and line ending, and what OpenSSH reads
    /// from it. Lines are immutable; edits go through <see cref="ConfigDocument"/>, which returns a new document.
    /// </summary>
    public sealed class ConfigLine
    {
        private readonly TokenizedLine tokens;

        // The line's original bytes when they are not valid UTF-8, so they are written back unchanged.
        private readonly byte[]? originalBytes;

        internal ConfigLine(int lineNumber, string text, string lineEnding, byte[]? originalBytes = null)
        {
            LineNumber = lineNumber;
            Text = text;
            LineEnding = lineEnding;
            this.originalBytes = originalBytes;
            tokens = LineTokenizer.Tokenize(text);
        }

        private ConfigLine(ConfigLine line, int lineNumber)
        {
            LineNumber = lineNumber;
            Text = line.Text;
            LineEnding = line.LineEnding;
            originalBytes = line.originalBytes;
            tokens = line.tokens;
        }

        /// <summary>1-based line number in its document.</summary>
        public int LineNumber { get; }

        /// <summary>The line's text without its line ending (invalid UTF-8 shows as U+FFFD; the bytes are kept).</summary>
        public string Text { get; }

        /// <summary>"\n", "\r\n", or "" for a last line without a newline.</summary>
        public string LineEnding { get; }

        /// <summary>The keyword as written (compare with <see cref="IsKeyword"/>); null for comments and blank lines.</summary>
        public string? Keyword => tokens.Keyword;

        /// <summary>The arguments with quotes and escapes removed, up to a trailing comment.</summary>
        public IReadOnlyList<string> Arguments => tokens.Arguments;

        /// <summary>The first argument, or null.</summary>
        public string? Value => tokens.Arguments.Length > 0 ? tokens.Arguments[0] : null;

        /// <summary>The arguments exactly as written (quotes included, trailing comment excluded).</summary>
        public string ArgumentText =>
            tokens.Spans.Length == 0 ? string.Empty : Text.Substring(tokens.Spans[0].Start, tokens.Spans[tokens.Spans.Length - 1].End - tokens.Spans[0].Start);

        /// <summary>Everything after the keyword and its separator: the arguments as written and any comment after them.</summary>
        public string TextAfterSeparator => Keyword == null ? string.Empty : Text.Substring(Math.Min(tokens.ArgumentsStart, Text.Length));

        /// <summary>The whitespace before the keyword.</summary>
        public string Indentation => Keyword == null ? string.Empty : Text.Substring(0, tokens.KeywordStart);

        /// <summary>What separates keyword and arguments as written: " ", "\t", "=", " = "...; empty when absent.</summary>
        public string Separator => Keyword == null ? string.Empty : Text.Substring(tokens.KeywordEnd, tokens.ArgumentsStart - tokens.KeywordEnd);

        public bool IsComment => tokens.IsComment;

        /// <summary>True for empty or whitespace-only lines.</summary>
        public bool IsBlank => Keyword == null && !IsComment && Error == null;

        /// <summary>True when the line carries a keyword (it may still have an <see cref="Error"/>).</summary>
        public bool IsDirective => Keyword != null;

        /// <summary>Why OpenSSH would reject this line's syntax (e.g. "unterminated quote"); null when it parses.</summary>
        public string? Error => tokens.Error;

        /// <summary>True when the line is a directive for <paramref name="keyword"/>, compared case-insensitively.</summary>
        public bool IsKeyword(string keyword) => string.Equals(Keyword, keyword, StringComparison.OrdinalIgnoreCase);

        /// <summary>True for Host and Match lines, which start a block.</summary>
        public bool StartsBlock => IsKeyword("Host") || IsKeyword("Match");

        internal byte[]? OriginalBytes => originalBytes;

        /// <summary>The Match criteria split as OpenSSH's match code splits them (quotes, '=' as separator).</summary>
        internal IReadOnlyList<string> MatchCriteria() => LineTokenizer.SplitLikeStrdelim(Text, tokens.ArgumentsStart, tokens.ContentEnd);

        internal ConfigLine WithLineEnding(string lineEnding) => new ConfigLine(LineNumber, Text, lineEnding, originalBytes);

        internal ConfigLine WithLineNumber(int lineNumber) => lineNumber == LineNumber ? this : new ConfigLine(this, lineNumber);

        /// <summary>This line's text with new arguments, keeping indentation, keyword, separator and trailing comment.</summary>
        internal string TextWithArguments(IReadOnlyList<string> arguments)
        {
            if (Keyword == null)
            {
                throw new InvalidOperationException($"Line {LineNumber} has no keyword to give arguments to.");
            }

            bool quoteStyle = tokens.Spans.Any(s => s.Quoted);
            string formatted = string.Join(" ", arguments.Select(a => ArgumentFormatter.Format(a, quoteStyle)));
            if (tokens.Spans.Length == 0)
            {
                string separator = Separator.Length > 0 ? Separator : " ";
                return Text.Substring(0, tokens.KeywordEnd) + separator + formatted + Text.Substring(tokens.ContentEnd);
            }

            int start = tokens.Spans[0].Start;
            int end = tokens.Spans[tokens.Spans.Length - 1].End;
            return Text.Substring(0, start) + formatted + Text.Substring(end);
        }

        public override string ToString() => LineNumber + ": " + Text;
    }
}
