using System.Collections.Generic;

namespace SshKeepAlive.Core.ConfigDocuments
{
    /// <summary>
    /// A section of a document: the global lines before the first Host/Match line, or one Host/Match line and
    /// the lines up to the next one.
    /// </summary>
    public sealed class ConfigBlock
    {
        internal ConfigBlock(ConfigLine? header, IReadOnlyList<ConfigLine> lines, int firstLineNumber)
        {
            Header = header;
            Lines = lines;
            FirstLineNumber = firstLineNumber;
        }

        /// <summary>The Host or Match line; null for the global section.</summary>
        public ConfigLine? Header { get; }

        /// <summary>The block's lines, header included.</summary>
        public IReadOnlyList<ConfigLine> Lines { get; }

        public bool IsGlobal => Header == null;

        /// <summary>The number of the block's first line: its header's, or 1 for the global section.</summary>
        public int FirstLineNumber { get; }
    }
}
