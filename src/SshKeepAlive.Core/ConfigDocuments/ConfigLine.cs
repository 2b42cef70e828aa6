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
    /// its text; <see cref="Text"/> is cut out when asked for. A line does not know its number: that is its
    /// place in a document, so an edited document shares every line it did not change with the one it came from.
    /// </summary>
    public sealed class ConfigLine
    {
        private static readonly string[] Endings = { string.Empty, "\n", "\r\n" };

        // flags: the line ending (bits 0-1), Host/Match/Include (bits 2-3), a comment (bit 4), positions in details (bit 5).
        private const int StructureShift = 2;
        private const byte CommentFlag = 1 << 4;
        private const byte LongFlag = 1 << 5;

        // A file has millions of lines: a line is kept small (positions in 16 bits), what few lines need is in details.
        private readonly LineSource source;
        private readonly string? keyword;
        private readonly string[] arguments;
        private readonly LineDetails? details;
        private readonly int start;
        private readonly ushort length;
        private readonly ushort keywordStart;
        private readonly ushort keywordEnd;
        private readonly ushort argumentsStart;
        private readonly ushort contentEnd;
        private readonly byte flags;

        internal ConfigLine(string text, string lineEnding, byte[]? originalBytes = null)
            : this(new LineSource(text, null), 0, text.Length, EndingCodeOf(lineEnding), originalBytes)
        {
        }

        internal ConfigLine(LineSource source, int start, int length, byte ending, byte[]? originalBytes = null)
        {
            this.source = source;
            this.start = start;
            LineTokens tokens = LineTokenizer.Tokenize(source.Text, start, length);
            keyword = tokens.Keyword;
            arguments = tokens.Arguments;
            byte structure = keyword == null || keyword.Length > 7 ? (byte)0
                : IsKeyword("Host") ? (byte)1 : IsKeyword("Match") ? (byte)2 : IsKeyword("Include") ? (byte)3 : (byte)0;
            flags = (byte)(ending | (structure << StructureShift) | (tokens.IsComment ? CommentFlag : 0));
            int[]? positions = null;
            if (length <= ushort.MaxValue)
            {
                this.length = (ushort)length;
                keywordStart = (ushort)tokens.KeywordStart;
                keywordEnd = (ushort)tokens.KeywordEnd;
                argumentsStart = (ushort)tokens.ArgumentsStart;
                contentEnd = (ushort)tokens.ContentEnd;
            }
            else
            {
                flags |= LongFlag;
                positions = new[] { length, tokens.KeywordStart, tokens.KeywordEnd, tokens.ArgumentsStart, tokens.ContentEnd };
            }

            if (tokens.Error != null || originalBytes != null || positions != null)
            {
                details = new LineDetails(tokens.Error, originalBytes, positions);
            }
        }

        private ConfigLine(ConfigLine line, byte ending)
        {
            source = line.source;
            keyword = line.keyword;
            arguments = line.arguments;
            details = line.details;
            start = line.start;
            length = line.length;
            keywordStart = line.keywordStart;
            keywordEnd = line.keywordEnd;
            argumentsStart = line.argumentsStart;
            contentEnd = line.contentEnd;
            flags = (byte)((line.flags & ~3) | ending);
        }

        /// <summary>The line's text without its line ending (invalid UTF-8 shows as U+FFFD; the bytes are kept).</summary>
        public string Text => start == 0 && Length == source.Text.Length ? source.Text : source.Text.Substring(start, Length);

        /// <summary>"\n", "\r\n", or "" for a last line without a newline.</summary>
        public string LineEnding => Endings[EndingCode];

        /// <summary>The keyword as written (compare with <see cref="IsKeyword"/>); null for comments and blank lines.</summary>
        public string? Keyword => keyword;

        /// <summary>The arguments with quotes and escapes removed, up to a trailing comment.</summary>
        public IReadOnlyList<string> Arguments => arguments;

        /// <summary>The first argument, or null.</summary>
        public string? Value => arguments.Length > 0 ? arguments[0] : null;

        /// <summary>The arguments exactly as written (quotes included, trailing comment excluded).</summary>
        public string ArgumentText
        {
            get
            {
                ArgumentSpan[] spans = LineTokenizer.Spans(Text, Tokens);
                return spans.Length == 0 ? string.Empty : source.Text.Substring(start + spans[0].Start, spans[spans.Length - 1].End - spans[0].Start);
            }
        }

        /// <summary>Everything after the keyword and its separator: the arguments as written and any comment after them.</summary>
        public string TextAfterSeparator => Keyword == null ? string.Empty : source.Text.Substring(start + Math.Min(ArgumentsStart, Length), Length - Math.Min(ArgumentsStart, Length));

        /// <summary>The whitespace before the keyword.</summary>
        public string Indentation => Keyword == null ? string.Empty : source.Text.Substring(start, KeywordStart);

        /// <summary>What separates keyword and arguments as written: " ", "\t", "=", " = "...; empty when absent.</summary>
        public string Separator => Keyword == null ? string.Empty : SharedWords.Get(source.Text, start + KeywordEnd, ArgumentsStart - KeywordEnd);

        public bool IsComment => (flags & CommentFlag) != 0;

        /// <summary>True for empty or whitespace-only lines.</summary>
        public bool IsBlank => Keyword == null && !IsComment && Error == null;

        /// <summary>True when the line carries a keyword (it may still have an <see cref="Error"/>).</summary>
        public bool IsDirective => Keyword != null;

        /// <summary>Why OpenSSH would reject this line's syntax (e.g. "unterminated quote"); null when it parses.</summary>
        public string? Error => details?.Error;

        /// <summary>True when the line is a directive for <paramref name="keyword"/>, compared case-insensitively.</summary>
        public bool IsKeyword(string keyword) => string.Equals(Keyword, keyword, StringComparison.OrdinalIgnoreCase);

        /// <summary>True for Host and Match lines, which start a block.</summary>
        public bool StartsBlock => Structure == 1 || Structure == 2;

        /// <summary>True for Include lines.</summary>
        public bool IsInclude => Structure == 3;

        internal byte[]? OriginalBytes => details?.OriginalBytes;

        /// <summary>0: no line ending, 1: "\n", 2: "\r\n".</summary>
        internal byte EndingCode => (byte)(flags & 3);

        /// <summary>The number of bytes the line's text takes written (its line ending excluded).</summary>
        internal int ByteCount => OriginalBytes?.Length ?? (source.Bytes != null ? Length : System.Text.Encoding.UTF8.GetByteCount(Text));

        // 0: none, 1: Host, 2: Match, 3: Include.
        private int Structure => (flags >> StructureShift) & 3;

        private int Length => (flags & LongFlag) == 0 ? length : details!.Positions![0];

        private int KeywordStart => (flags & LongFlag) == 0 ? keywordStart : details!.Positions![1];

        private int KeywordEnd => (flags & LongFlag) == 0 ? keywordEnd : details!.Positions![2];

        private int ArgumentsStart => (flags & LongFlag) == 0 ? argumentsStart : details!.Positions![3];

        private int ContentEnd => (flags & LongFlag) == 0 ? contentEnd : details!.Positions![4];

        private LineTokens Tokens => new LineTokens
        {
            Keyword = keyword,
            KeywordStart = KeywordStart,
            KeywordEnd = KeywordEnd,
            ArgumentsStart = ArgumentsStart,
            ContentEnd = ContentEnd,
            IsComment = IsComment,
            Arguments = arguments,
            Error = Error,
        };

        /// <summary>
        /// Where the line (its line ending included) is in <paramref name="fileBytes"/>, the bytes it was parsed
        /// from; false when it was not cut from them.
        /// </summary>
        internal bool TryGetByteRange(byte[] fileBytes, out int offset, out int count)
        {
            bool cut = OriginalBytes == null && ReferenceEquals(source.Bytes, fileBytes);
            offset = start;
            count = cut ? Length + EndingCode : 0;
            return cut;
        }

        /// <summary>The Match criteria split as OpenSSH's match code splits them (quotes, '=' as separator).</summary>
        internal IReadOnlyList<string> MatchCriteria() => LineTokenizer.SplitLikeStrdelim(source.Text, start + ArgumentsStart, start + ContentEnd);

        internal ConfigLine WithLineEnding(string lineEnding) => new ConfigLine(this, EndingCodeOf(lineEnding));

        /// <summary>Writes the line's bytes (its line ending included) at <paramref name="offset"/>; returns the offset after them.</summary>
        internal int CopyBytes(byte[] buffer, int offset)
        {
            byte[]? originalBytes = OriginalBytes;
            if (originalBytes != null)
            {
                Buffer.BlockCopy(originalBytes, 0, buffer, offset, originalBytes.Length);
                offset += originalBytes.Length;
            }
            else if (source.Bytes != null)
            {
                Buffer.BlockCopy(source.Bytes, start, buffer, offset, Length);
                offset += Length;
            }
            else
            {
                offset += System.Text.Encoding.UTF8.GetBytes(source.Text, start, Length, buffer, offset);
            }

            if (EndingCode == 2)
            {
                buffer[offset++] = (byte)'\r';
            }

            if (EndingCode != 0)
            {
                buffer[offset++] = (byte)'\n';
            }

            return offset;
        }

        internal static byte EndingCodeOf(string lineEnding) =>
            lineEnding.Length == 0 ? (byte)0 : lineEnding == "\n" ? (byte)1 : lineEnding == "\r\n" ? (byte)2 : throw new ArgumentException($"Not a line ending: '{lineEnding}'.", nameof(lineEnding));

        /// <summary>This line's text with new arguments, keeping indentation, keyword, separator and trailing comment.</summary>
        internal string TextWithArguments(IReadOnlyList<string> arguments)
        {
            if (Keyword == null)
            {
                throw new InvalidOperationException($"'{Text}' has no keyword to give arguments to.");
            }

            string text = Text;
            ArgumentSpan[] spans = LineTokenizer.Spans(text, Tokens);
            bool quoteStyle = spans.Any(s => s.Quoted);
            string formatted = string.Join(" ", arguments.Select(a => ArgumentFormatter.Format(a, quoteStyle)));
            if (spans.Length == 0)
            {
                string separator = Separator.Length > 0 ? Separator : " ";
                return text.Substring(0, KeywordEnd) + separator + formatted + text.Substring(ContentEnd);
            }

            return text.Substring(0, spans[0].Start) + formatted + text.Substring(spans[spans.Length - 1].End);
        }

        public override string ToString() => Text;

        /// <summary>What only some lines have: an error, bytes that are not UTF-8, positions beyond 16 bits.</summary>
        private sealed class LineDetails
        {
            public LineDetails(string? error, byte[]? originalBytes, int[]? positions)
            {
                Error = error;
                OriginalBytes = originalBytes;
                Positions = positions;
            }

            public string? Error { get; }

            /// <summary>The line's original bytes when they are not valid UTF-8, so they are written back unchanged.</summary>
            public byte[]? OriginalBytes { get; }

            /// <summary>Length, keyword start and end, arguments start, content end, for a line too long for 16 bits.</summary>
            public int[]? Positions { get; }
        }
    }
}
