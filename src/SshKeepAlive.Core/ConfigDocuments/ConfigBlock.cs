using System.Collections.Generic;

namespace SshKeepAlive.Core.ConfigDocuments
{
    /// <summary>
    /// A section of a document: the global lines before the first Host/Match line, or one Host/Match line and
    /// the lines up to the next one.
    /// </summary>
    public sealed class ConfigBlock
    {
        internal ConfigBlock(ConfigLine? header, IReadOnlyList<ConfigLine> lines)
        {
            Header = header;
            Lines = lines;
        }

        /// <summary>The Host or Match line; null for the global section.</summary>
        public ConfigLine? Header { get; }

        /// <summary>The block's lines, header included.</summary>
        public IReadOnlyList<ConfigLine> Lines { get; }

        public bool IsGlobal => Header == null;

        public int FirstLineNumber => Lines.Count == 0 ? 1 : Lines[0].LineNumber;
    }
}
