using System;
using System.Collections.Generic;
using System.Linq;

namespace SshKeepAlive.Core.ConfigDocuments
{
    /// <summary>
    /// The text lines are cut from: a whole file decoded once, with its bytes when each character is one byte
    /// (then an unedited line is written back by copying its bytes).
    /// </summary>
    internal sealed class LineSource
    {
        public LineSource(string text, byte[]? bytes)
        {
            Text = text;
            Bytes = bytes;
        }

        public string Text { get; }

        /// <summary>The file's bytes when they are ASCII, so that character offsets are byte offsets; else null.</summary>
        public byte[]? Bytes { get; }
    }

    /// <summary>
    /// One line of an ssh_config or sshd_config file: its exact text and line ending, and what OpenSSH reads
    /// from it. Lines are immutable; edits go through <see cref="ConfigDocument"/>, which returns a new document.
    /// A line is a place in its file's decoded text plus its tokens, so a parsed file costs little more than
    /// its text; <see cref="Text"/> is cut out when asked for.
    /// </summary>
    public sealed class ConfigLine
    {
        private static readonly string[] Endings = { string.Empty, "\n", "\r\n" };

        private readonly LineSource source;
        private readonly int start;
        private readonly int length;
        private readonly byte ending;
        private readonly LineTokens tokens;

        // Host, Match or Include, found once: every walk over a file asks.
        private readonly byte structure;

        // The line's original bytes when they are not valid UTF-8, so they are written back unchanged.
        private readonly byte[]? originalBytes;

        internal ConfigLine(int lineNumber, string text, string lineEnding, byte[]? originalBytes = null)
            : this(lineNumber, new LineSource(text, null), 0, text.Length, EndingCode(lineEnding), originalBytes)
        {
        }

        internal ConfigLine(int lineNumber, LineSource source, int start, int length, byte ending, byte[]? originalBytes = null)
        {
            LineNumber = lineNumber;
            this.source = source;
            this.start = start;
            this.length = length;
            this.ending = ending;
            this.originalBytes = originalBytes;
            tokens = LineTokenizer.Tokenize(source.Text, start, length);
            structure = tokens.Keyword == null || tokens.Keyword.Length > 7 ? (byte)0
                : IsKeyword("Host") ? (byte)1 : IsKeyword("Match") ? (byte)2 : IsKeyword("Include") ? (byte)3 : (byte)0;
        }

        private ConfigLine(ConfigLine line, int lineNumber, byte ending)
        {
            LineNumber = lineNumber;
            source = line.source;
            start = line.start;
            length = line.length;
            this.ending = ending;
            originalBytes = line.originalBytes;
            tokens = line.tokens;
            structure = line.structure;
        }

        /// <summary>1-based line number in its document.</summary>
        public int LineNumber { get; }

        /// <summary>The line's text without its line ending (invalid UTF-8 shows as U+FFFD; the bytes are kept).</summary>
        public string Text => start == 0 && length == source.Text.Length ? source.Text : source.Text.Substring(start, length);

        /// <summary>"\n", "\r\n", or "" for a last line without a newline.</summary>
        public string LineEnding => Endings[ending];

        /// <summary>The keyword as written (compare with <see cref="IsKeyword"/>); null for comments and blank lines.</summary>
        public string? Keyword => tokens.Keyword;

        /// <summary>The arguments with quotes and escapes removed, up to a trailing comment.</summary>
        public IReadOnlyList<string> Arguments => tokens.Arguments;

        /// <summary>The first argument, or null.</summary>
        public string? Value => tokens.Arguments.Length > 0 ? tokens.Arguments[0] : null;

        /// <summary>The arguments exactly as written (quotes included, trailing comment excluded).</summary>
        public string ArgumentText
        {
            get
            {
                ArgumentSpan[] spans = LineTokenizer.Spans(Text, tokens);
                return spans.Length == 0 ? string.Empty : source.Text.Substring(start + spans[0].Start, spans[spans.Length - 1].End - spans[0].Start);
            }
        }

        /// <summary>Everything after the keyword and its separator: the arguments as written and any comment after them.</summary>
        public string TextAfterSeparator => Keyword == null ? string.Empty : source.Text.Substring(start + Math.Min(tokens.ArgumentsStart, length), length - Math.Min(tokens.ArgumentsStart, length));

        /// <summary>The whitespace before the keyword.</summary>
        public string Indentation => Keyword == null ? string.Empty : source.Text.Substring(start, tokens.KeywordStart);

        /// <summary>What separates keyword and arguments as written: " ", "\t", "=", " = "...; empty when absent.</summary>
        public string Separator => Keyword == null ? string.Empty : source.Text.Substring(start + tokens.KeywordEnd, tokens.ArgumentsStart - tokens.KeywordEnd);

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
        public bool StartsBlock => structure == 1 || structure == 2;

        /// <summary>True for Include lines.</summary>
        public bool IsInclude => structure == 3;

        internal byte[]? OriginalBytes => originalBytes;

        /// <summary>The number of bytes the line's text takes written (its line ending excluded).</summary>
        internal int ByteCount => originalBytes?.Length ?? (source.Bytes != null ? length : System.Text.Encoding.UTF8.GetByteCount(Text));

        /// <summary>The Match criteria split as OpenSSH's match code splits them (quotes, '=' as separator).</summary>
        internal IReadOnlyList<string> MatchCriteria() => LineTokenizer.SplitLikeStrdelim(source.Text, start + tokens.ArgumentsStart, start + tokens.ContentEnd);

        internal ConfigLine WithLineEnding(string lineEnding) => new ConfigLine(this, LineNumber, EndingCode(lineEnding));

        internal ConfigLine WithLineNumber(int lineNumber) => lineNumber == LineNumber ? this : new ConfigLine(this, lineNumber, ending);

        /// <summary>Writes the line's bytes (its line ending included) at <paramref name="offset"/>; returns the offset after them.</summary>
        internal int CopyBytes(byte[] buffer, int offset)
        {
            if (originalBytes != null)
            {
                Buffer.BlockCopy(originalBytes, 0, buffer, offset, originalBytes.Length);
                offset += originalBytes.Length;
            }
            else if (source.Bytes != null)
            {
                Buffer.BlockCopy(source.Bytes, start, buffer, offset, length);
                offset += length;
            }
            else
            {
                offset += System.Text.Encoding.UTF8.GetBytes(source.Text, start, length, buffer, offset);
            }

            if (ending == 2)
            {
                buffer[offset++] = (byte)'\r';
            }

            if (ending != 0)
            {
                buffer[offset++] = (byte)'\n';
            }

            return offset;
        }

        internal static byte EndingCode(string lineEnding) =>
            lineEnding.Length == 0 ? (byte)0 : lineEnding == "\n" ? (byte)1 : lineEnding == "\r\n" ? (byte)2 : throw new ArgumentException($"Not a line ending: '{lineEnding}'.", nameof(lineEnding));

        /// <summary>This line's text with new arguments, keeping indentation, keyword, separator and trailing comment.</summary>
        internal string TextWithArguments(IReadOnlyList<string> arguments)
        {
            if (Keyword == null)
            {
                throw new InvalidOperationException($"Line {LineNumber} has no keyword to give arguments to.");
            }

            string text = Text;
            ArgumentSpan[] spans = LineTokenizer.Spans(text, tokens);
            bool quoteStyle = spans.Any(s => s.Quoted);
            string formatted = string.Join(" ", arguments.Select(a => ArgumentFormatter.Format(a, quoteStyle)));
            if (spans.Length == 0)
            {
                string separator = Separator.Length > 0 ? Separator : " ";
                return text.Substring(0, tokens.KeywordEnd) + separator + formatted + text.Substring(tokens.ContentEnd);
            }

            return text.Substring(0, spans[0].Start) + formatted + text.Substring(spans[spans.Length - 1].End);
        }

        public override string ToString() => LineNumber + ": " + Text;
    }
}
