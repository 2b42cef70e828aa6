using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace SshKeepAlive.Core.ConfigDocuments
{
    /// <summary>
    /// An ssh_config or sshd_config file as lines, losslessly: <see cref="ToBytes"/> of an unedited document is
    /// the input, byte for byte. Immutable: edit methods return a new document in which only the edited lines
    /// differ (and, when appending to a file without a final newline, the previous last line gains one).
    /// </summary>
    public sealed class ConfigDocument
    {
        private static readonly UTF8Encoding StrictUtf8 = new UTF8Encoding(false, true);
        private static readonly UTF8Encoding LenientUtf8 = new UTF8Encoding(false, false);

        private readonly ConfigLine[] lines;
        private IReadOnlyList<ConfigBlock>? blocks;
        private string? newLine;
        private string? usualSeparator;
        private string? firstBlockIndentation;

        // The bytes the document was parsed from, when each line's text is its bytes (ASCII): ToBytes is then them.
        private readonly byte[]? parsedFrom;

        private ConfigDocument(string path, ConfigLine[] lines, byte[]? parsedFrom = null)
        {
            Path = path;
            this.lines = lines;
            this.parsedFrom = parsedFrom;
        }

        /// <summary>The file's path (used in every <see cref="ConfigSource"/>).</summary>
        public string Path { get; }

        public IReadOnlyList<ConfigLine> Lines => lines;

        /// <summary>Lines with a keyword, in order.</summary>
        public IEnumerable<ConfigLine> Directives => lines.Where(l => l.IsDirective);

        /// <summary>The global section followed by one block per Host/Match line.</summary>
        public IReadOnlyList<ConfigBlock> Blocks => blocks ??= SplitBlocks();

        /// <summary>The line ending most lines use ("\n" when the file has none).</summary>
        public string NewLine
        {
            get
            {
                if (newLine == null)
                {
                    int crlf = lines.Count(l => l.LineEnding == "\r\n");
                    int lf = lines.Count(l => l.LineEnding == "\n");
                    newLine = crlf > lf ? "\r\n" : "\n";
                }

                return newLine;
            }
        }

        /// <summary>Reads a file. Throws the usual IO exceptions when it cannot be read.</summary>
        public static ConfigDocument Load(string path) => Parse(File.ReadAllBytes(path), path);

        /// <summary>Parses file content. Never throws on content: bad lines carry <see cref="ConfigLine.Error"/>.</summary>
        public static ConfigDocument Parse(byte[] content, string path)
        {
            string? text = TryDecode(content);
            if (text == null)
            {
                return new ConfigDocument(path, ParseLineByLine(content));
            }

            bool ascii = text.Length == content.Length;
            return new ConfigDocument(path, Split(new LineSource(text, ascii ? content : null)), ascii ? content : null);
        }

        /// <summary>Parses text (as if it were UTF-8 bytes).</summary>
        public static ConfigDocument Parse(string text, string path) => new ConfigDocument(path, Split(new LineSource(text, null)));

        /// <summary>The document's bytes: the original bytes for unedited lines.</summary>
        public byte[] ToBytes()
        {
            if (parsedFrom != null)
            {
                return parsedFrom;
            }

            int size = 0;
            foreach (ConfigLine line in lines)
            {
                size += line.ByteCount + line.LineEnding.Length;
            }

            var bytes = new byte[size];
            int offset = 0;
            foreach (ConfigLine line in lines)
            {
                offset = line.CopyBytes(bytes, offset);
            }

            return bytes;
        }

        /// <summary>The document as text; identical to the input when that was valid UTF-8 (else see <see cref="ToBytes"/>).</summary>
        public string ToText()
        {
            var text = new StringBuilder();
            foreach (ConfigLine line in lines)
            {
                text.Append(line.Text).Append(line.LineEnding);
            }

            return text.ToString();
        }

        /// <summary>The line with this 1-based number.</summary>
        public ConfigLine GetLine(int lineNumber)
        {
            if (lineNumber < 1 || lineNumber > lines.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(lineNumber), lineNumber, $"{Path} has {lines.Length} lines.");
            }

            return lines[lineNumber - 1];
        }

        /// <summary>Where a line of this document is: "path:line".</summary>
        public ConfigSource SourceOf(ConfigLine line) => new ConfigSource(Path, line.LineNumber);

        /// <summary>The block containing a line (the global section for lines before any Host/Match).</summary>
        public ConfigBlock BlockOf(int lineNumber)
        {
            GetLine(lineNumber);
            IReadOnlyList<ConfigBlock> all = Blocks;
            int low = 0, high = all.Count - 1;
            while (low < high)
            {
                int middle = (low + high + 1) / 2;
                if (all[middle].FirstLineNumber <= lineNumber)
                {
                    low = middle;
                }
                else
                {
                    high = middle - 1;
                }
            }

            return all[low];
        }

        /// <summary>Replaces a directive's arguments, keeping its indentation, keyword, separator, quoting style and trailing comment.</summary>
        public ConfigDocument ReplaceArguments(int lineNumber, IReadOnlyList<string> arguments) => Edit(new[] { LineEdit.Replace(lineNumber, arguments) }, out _);

        /// <summary>
        /// Inserts a directive before <paramref name="beforeLineNumber"/> (Lines.Count + 1 appends), written in the
        /// file's style: the indentation of the block it lands in, the file's usual separator and line ending.
        /// </summary>
        public ConfigDocument InsertDirective(int beforeLineNumber, string keyword, IReadOnlyList<string> arguments) =>
            InsertLines(beforeLineNumber, new[] { DirectiveText(beforeLineNumber, keyword, arguments) });

        /// <summary>
        /// Inserts a new <c>Host</c> block before <paramref name="beforeLineNumber"/>: the Host line, its directives
        /// indented like the file's other blocks, and a blank line after it when a line follows (or before it
        /// when appended after a non-blank last line).
        /// </summary>
        public ConfigDocument InsertHostBlock(int beforeLineNumber, IReadOnlyList<string> patterns, IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> directives) =>
            InsertLines(beforeLineNumber, BlockTexts(beforeLineNumber, "Host", patterns, directives));

        /// <summary>Removes one line.</summary>
        public ConfigDocument RemoveLine(int lineNumber) => Edit(new[] { LineEdit.Remove(lineNumber) }, out _);

        /// <summary>Inserts raw line texts (without line endings) before <paramref name="beforeLineNumber"/>.</summary>
        public ConfigDocument InsertLines(int beforeLineNumber, IReadOnlyList<string> texts) => Edit(new[] { LineEdit.Insert(beforeLineNumber, texts) }, out _);

        /// <summary>
        /// A directive as it would be written before <paramref name="beforeLineNumber"/>: the indentation of the
        /// block it lands in (that of the line before it), the file's usual separator.
        /// </summary>
        public string DirectiveText(int beforeLineNumber, string keyword, IReadOnlyList<string> arguments)
        {
            int? header = beforeLineNumber <= 1 ? null : HeaderLineOf(beforeLineNumber - 1);
            return FormatDirective(header == null ? string.Empty : BlockIndentation(header.Value), keyword, arguments);
        }

        /// <summary>
        /// The Host/Match line whose block holds <paramref name="lineNumber"/> (Lines.Count + 1: the last block), or
        /// null in the global section; found by scanning back from the line, not by splitting the whole file.
        /// </summary>
        public int? HeaderLineOf(int lineNumber)
        {
            for (int n = Math.Min(lineNumber, lines.Length); n >= 1; n--)
            {
                if (lines[n - 1].StartsBlock)
                {
                    return n;
                }
            }

            return null;
        }

        /// <summary>
        /// The lines of a new block ("Host"/"Match" and its arguments, then its directives indented like the file's
        /// other blocks) to insert before <paramref name="beforeLineNumber"/>: a blank line follows it when a line
        /// does, or precedes it when appended after a non-blank last line.
        /// </summary>
        public IReadOnlyList<string> BlockTexts(int beforeLineNumber, string headerKeyword, IReadOnlyList<string> arguments, IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> directives)
        {
            string indentation = FirstBlockIndentation();
            var texts = new List<string>();
            if (beforeLineNumber > lines.Length && lines.Length > 0 && !lines[lines.Length - 1].IsBlank)
            {
                texts.Add(string.Empty);
            }

            texts.Add(FormatDirective(string.Empty, headerKeyword, arguments));
            texts.AddRange(directives.Select(d => FormatDirective(indentation, d.Key, d.Value)));
            if (beforeLineNumber <= lines.Length)
            {
                texts.Add(string.Empty);
            }

            return texts;
        }

        /// <summary>
        /// Makes every edit at once, each naming lines by their number in this document: inserted texts go before
        /// the line named (Lines.Count + 1 appends; several at one place keep their order), then that line is
        /// replaced or removed. <paramref name="writtenLines"/> gives the numbers, in the new document, of every
        /// inserted or replaced line. One pass over the lines, whatever the number of edits.
        /// </summary>
        public ConfigDocument Edit(IReadOnlyList<LineEdit> edits, out IReadOnlyList<int> writtenLines)
        {
            var inserts = new Dictionary<int, List<string>>();
            var replaced = new Dictionary<int, IReadOnlyList<string>>();
            var removed = new HashSet<int>();
            foreach (LineEdit edit in edits)
            {
                int limit = edit.Kind == LineEditKind.Insert ? lines.Length + 1 : lines.Length;
                if (edit.LineNumber < 1 || edit.LineNumber > limit)
                {
                    throw new ArgumentOutOfRangeException(nameof(edits), edit.LineNumber, $"{Path} has {lines.Length} lines.");
                }

                switch (edit.Kind)
                {
                    case LineEditKind.Insert:
                        if (!inserts.TryGetValue(edit.LineNumber, out List<string>? texts))
                        {
                            inserts[edit.LineNumber] = texts = new List<string>();
                        }

                        texts.AddRange(edit.Texts!);
                        break;
                    case LineEditKind.Replace:
                        replaced[edit.LineNumber] = edit.Arguments!;
                        break;
                    default:
                        removed.Add(edit.LineNumber);
                        break;
                }
            }

            string newLine = NewLine;
            var result = new List<ConfigLine>(lines.Length + inserts.Values.Sum(t => t.Count));
            var written = new List<int>();
            for (int number = 1; number <= lines.Length + 1; number++)
            {
                if (inserts.TryGetValue(number, out List<string>? texts))
                {
                    bool atEnd = number == lines.Length + 1;
                    if (atEnd && result.Count > 0 && result[result.Count - 1].LineEnding.Length == 0)
                    {
                        // The old last line needs a newline now; the new last line keeps the file's "no final newline".
                        result[result.Count - 1] = result[result.Count - 1].WithLineEnding(newLine);
                    }

                    bool unterminated = atEnd && lines.Length > 0 && lines[lines.Length - 1].LineEnding.Length == 0;
                    for (int i = 0; i < texts.Count; i++)
                    {
                        written.Add(result.Count + 1);
                        result.Add(new ConfigLine(result.Count + 1, texts[i], unterminated && i == texts.Count - 1 ? string.Empty : newLine));
                    }
                }

                if (number > lines.Length || removed.Contains(number))
                {
                    continue;
                }

                ConfigLine line = lines[number - 1];
                if (replaced.TryGetValue(number, out IReadOnlyList<string>? arguments))
                {
                    written.Add(result.Count + 1);
                    result.Add(new ConfigLine(result.Count + 1, line.TextWithArguments(arguments), line.LineEnding));
                }
                else
                {
                    result.Add(line.WithLineNumber(result.Count + 1));
                }
            }

            writtenLines = written;
            return new ConfigDocument(Path, result.ToArray());
        }

        private string FormatDirective(string indentation, string keyword, IReadOnlyList<string> arguments) =>
            indentation + keyword + UsualSeparator() + string.Join(" ", arguments.Select(a => ArgumentFormatter.Format(a)));

        // Taken from settings rather than Host/Match headers, which are often written "Host x" whatever the style.
        private string UsualSeparator() =>
            usualSeparator ??= Directives.Where(l => l.Separator.Length > 0 && !l.StartsBlock).GroupBy(l => l.Separator).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault() ?? " ";

        // The indentation of the first setting in the block of the header line, else the file's usual one.
        private string BlockIndentation(int header)
        {
            for (int n = header + 1; n <= lines.Length && !lines[n - 1].StartsBlock; n++)
            {
                if (lines[n - 1].IsDirective)
                {
                    return lines[n - 1].Indentation;
                }
            }

            return FirstBlockIndentation();
        }

        // The indentation of the first setting in any block: the file's style for new blocks.
        private string FirstBlockIndentation()
        {
            if (firstBlockIndentation == null)
            {
                bool inBlock = false;
                foreach (ConfigLine line in lines)
                {
                    if (line.StartsBlock)
                    {
                        inBlock = true;
                    }
                    else if (inBlock && line.IsDirective)
                    {
                        firstBlockIndentation = line.Indentation;
                        break;
                    }
                }

                firstBlockIndentation ??= "    ";
            }

            return firstBlockIndentation;
        }

        private IReadOnlyList<ConfigBlock> SplitBlocks()
        {
            var result = new List<ConfigBlock>();
            ConfigLine? header = null;
            var current = new List<ConfigLine>();
            foreach (ConfigLine line in lines)
            {
                if (line.StartsBlock)
                {
                    result.Add(new ConfigBlock(header, current));
                    header = line;
                    current = new List<ConfigLine>();
                }

                current.Add(line);
            }

            result.Add(new ConfigBlock(header, current));
            return result;
        }

        private static string? TryDecode(byte[] content)
        {
            try
            {
                return StrictUtf8.GetString(content);
            }
            catch (DecoderFallbackException)
            {
                return null;
            }
        }

        // Lines of text decoded as a whole: each line is a place in it. (Tokenizing parts of a large text on several
        // cores was tried and measured slower: parsing is bound by the allocator, not the CPU.)
        private static ConfigLine[] Split(LineSource source) => SplitRange(source, 0, source.Text.Length, 1).ToArray();

        private static List<ConfigLine> SplitRange(LineSource source, int from, int to, int firstLine)
        {
            string text = source.Text;
            var parsed = new List<ConfigLine>((to - from) / 24 + 1);
            int start = from;
            while (start < to)
            {
                int newline = text.IndexOf('\n', start, to - start);
                int end = newline < 0 ? to : newline;
                byte ending = newline < 0 ? (byte)0 : (byte)1;
                if (newline >= 0 && end > start && text[end - 1] == '\r')
                {
                    end--;
                    ending = 2;
                }

                parsed.Add(new ConfigLine(firstLine + parsed.Count, source, start, end - start, ending));
                start = newline < 0 ? to : newline + 1;
            }

            return parsed;
        }

        // Content that is not valid UTF-8: each line decoded alone, the bytes of a bad one kept to write back.
        private static ConfigLine[] ParseLineByLine(byte[] content)
        {
            var parsed = new List<ConfigLine>();
            int start = 0;
            while (start < content.Length)
            {
                int newline = Array.IndexOf(content, (byte)'\n', start);
                int next = newline < 0 ? content.Length : newline + 1;
                int end = newline < 0 ? content.Length : newline;
                string ending = newline < 0 ? string.Empty : "\n";
                if (newline >= 0 && end > start && content[end - 1] == '\r')
                {
                    end--;
                    ending = "\r\n";
                }

                try
                {
                    parsed.Add(new ConfigLine(parsed.Count + 1, StrictUtf8.GetString(content, start, end - start), ending));
                }
                catch (DecoderFallbackException)
                {
                    var original = new byte[end - start];
                    Array.Copy(content, start, original, 0, original.Length);
                    parsed.Add(new ConfigLine(parsed.Count + 1, LenientUtf8.GetString(original), ending, original));
                }

                start = next;
            }

            return parsed.ToArray();
        }
    }
}
