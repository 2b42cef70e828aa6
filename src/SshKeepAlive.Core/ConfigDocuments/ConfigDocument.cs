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

        private ConfigDocument(string path, ConfigLine[] lines)
        {
            Path = path;
            this.lines = lines;
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
                int crlf = lines.Count(l => l.LineEnding == "\r\n");
                int lf = lines.Count(l => l.LineEnding == "\n");
                return crlf > lf ? "\r\n" : "\n";
            }
        }

        /// <summary>Reads a file. Throws the usual IO exceptions when it cannot be read.</summary>
        public static ConfigDocument Load(string path) => Parse(File.ReadAllBytes(path), path);

        /// <summary>Parses file content. Never throws on content: bad lines carry <see cref="ConfigLine.Error"/>.</summary>
        public static ConfigDocument Parse(byte[] content, string path)
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

                parsed.Add(DecodeLine(parsed.Count + 1, content, start, end - start, ending));
                start = next;
            }

            return new ConfigDocument(path, parsed.ToArray());
        }

        /// <summary>Parses text (as if it were UTF-8 bytes).</summary>
        public static ConfigDocument Parse(string text, string path) => Parse(StrictUtf8.GetBytes(text), path);

        /// <summary>The document's bytes: the original bytes for unedited lines.</summary>
        public byte[] ToBytes()
        {
            using var stream = new MemoryStream();
            foreach (ConfigLine line in lines)
            {
                byte[] body = line.OriginalBytes ?? StrictUtf8.GetBytes(line.Text);
                stream.Write(body, 0, body.Length);
                byte[] ending = Encoding.ASCII.GetBytes(line.LineEnding);
                stream.Write(ending, 0, ending.Length);
            }

            return stream.ToArray();
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
            return Blocks.Last(b => b.FirstLineNumber <= lineNumber);
        }

        /// <summary>Replaces a directive's arguments, keeping its indentation, keyword, separator, quoting style and trailing comment.</summary>
        public ConfigDocument ReplaceArguments(int lineNumber, IReadOnlyList<string> arguments)
        {
            ConfigLine line = GetLine(lineNumber);
            var edited = (ConfigLine[])lines.Clone();
            edited[lineNumber - 1] = new ConfigLine(lineNumber, line.TextWithArguments(arguments), line.LineEnding);
            return new ConfigDocument(Path, edited);
        }

        /// <summary>
        /// Inserts a directive before <paramref name="beforeLineNumber"/> (Lines.Count + 1 appends), written in the
        /// file's style: the indentation of the block it lands in, the file's usual separator and line ending.
        /// </summary>
        public ConfigDocument InsertDirective(int beforeLineNumber, string keyword, IReadOnlyList<string> arguments)
        {
            // The new line joins the block of the line it follows.
            ConfigBlock block = beforeLineNumber <= 1 ? Blocks[0] : beforeLineNumber > lines.Length ? Blocks[Blocks.Count - 1] : BlockOf(beforeLineNumber - 1);
            string indentation = block.IsGlobal ? string.Empty : BlockIndentation(block);
            return InsertLines(beforeLineNumber, new[] { FormatDirective(indentation, keyword, arguments) });
        }

        /// <summary>
        /// Inserts a new <c>Host</c> block before <paramref name="beforeLineNumber"/>: the Host line, its directives
        /// indented like the file's other blocks, and a blank line after it when a line follows (or before it
        /// when appended after a non-blank last line).
        /// </summary>
        public ConfigDocument InsertHostBlock(int beforeLineNumber, IReadOnlyList<string> patterns, IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> directives)
        {
            string indentation = Blocks.Where(b => !b.IsGlobal).Select(BlockIndentation).FirstOrDefault() ?? "    ";
            var texts = new List<string>();
            if (beforeLineNumber > lines.Length && lines.Length > 0 && !lines[lines.Length - 1].IsBlank)
            {
                texts.Add(string.Empty);
            }

            texts.Add(FormatDirective(string.Empty, "Host", patterns));
            texts.AddRange(directives.Select(d => FormatDirective(indentation, d.Key, d.Value)));
            if (beforeLineNumber <= lines.Length)
            {
                texts.Add(string.Empty);
            }

            return InsertLines(beforeLineNumber, texts);
        }

        /// <summary>Removes one line.</summary>
        public ConfigDocument RemoveLine(int lineNumber)
        {
            GetLine(lineNumber);
            var kept = lines.Where(l => l.LineNumber != lineNumber).ToArray();
            return new ConfigDocument(Path, Renumber(kept));
        }

        /// <summary>Inserts raw line texts (without line endings) before <paramref name="beforeLineNumber"/>.</summary>
        public ConfigDocument InsertLines(int beforeLineNumber, IReadOnlyList<string> texts)
        {
            if (beforeLineNumber < 1 || beforeLineNumber > lines.Length + 1)
            {
                throw new ArgumentOutOfRangeException(nameof(beforeLineNumber), beforeLineNumber, $"{Path} has {lines.Length} lines.");
            }

            string newLine = NewLine;
            var result = new List<ConfigLine>(lines.Take(beforeLineNumber - 1));
            bool appendingAfterUnterminatedLine = beforeLineNumber == lines.Length + 1 && lines.Length > 0 && lines[lines.Length - 1].LineEnding.Length == 0;
            if (appendingAfterUnterminatedLine)
            {
                // The old last line needs a newline now; the new last line keeps the file's "no final newline".
                result[result.Count - 1] = lines[lines.Length - 1].WithLineEnding(newLine);
            }

            for (int i = 0; i < texts.Count; i++)
            {
                bool isLast = appendingAfterUnterminatedLine && i == texts.Count - 1;
                result.Add(new ConfigLine(0, texts[i], isLast ? string.Empty : newLine));
            }

            result.AddRange(lines.Skip(beforeLineNumber - 1));
            return new ConfigDocument(Path, Renumber(result));
        }

        private static ConfigLine[] Renumber(IEnumerable<ConfigLine> source) => source.Select((l, i) => l.WithLineNumber(i + 1)).ToArray();

        private string FormatDirective(string indentation, string keyword, IReadOnlyList<string> arguments) =>
            indentation + keyword + UsualSeparator() + string.Join(" ", arguments.Select(a => ArgumentFormatter.Format(a)));

        // Taken from settings rather than Host/Match headers, which are often written "Host x" whatever the style.
        private string UsualSeparator() =>
            Directives.Where(l => l.Separator.Length > 0 && !l.StartsBlock).GroupBy(l => l.Separator).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault() ?? " ";

        private string BlockIndentation(ConfigBlock block) =>
            block.Lines.Skip(1).Where(l => l.IsDirective).Select(l => l.Indentation).FirstOrDefault()
            ?? Blocks.Where(b => !b.IsGlobal).SelectMany(b => b.Lines.Skip(1)).Where(l => l.IsDirective).Select(l => l.Indentation).FirstOrDefault()
            ?? "    ";

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

        private static ConfigLine DecodeLine(int lineNumber, byte[] content, int start, int length, string ending)
        {
            try
            {
                return new ConfigLine(lineNumber, StrictUtf8.GetString(content, start, length), ending);
            }
            catch (DecoderFallbackException)
            {
                var original = new byte[length];
                Array.Copy(content, start, original, 0, length);
                return new ConfigLine(lineNumber, LenientUtf8.GetString(original), ending, original);
            }
        }
    }
}
