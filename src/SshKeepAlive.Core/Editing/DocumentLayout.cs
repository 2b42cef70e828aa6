using System;
using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.ConfigDocuments;

namespace SshKeepAlive.Core.Editing
{
    /// <summary>
    /// Where things are in a document, found by scanning only the lines concerned (never the whole block list of
    /// a file with hundreds of thousands of blocks): a block's last directive and end, the end of the global section.
    /// </summary>
    internal static class DocumentLayout
    {
        /// <summary>The line after which a setting joins the block of <paramref name="header"/>: its last directive, or the header itself.</summary>
        public static int LastDirectiveOf(ConfigDocument document, int header)
        {
            int last = header;
            for (int n = header + 1; n <= document.Lines.Count && !document.GetLine(n).StartsBlock; n++)
            {
                if (document.GetLine(n).IsDirective)
                {
                    last = n;
                }
            }

            return last;
        }

        /// <summary>The last line of the block of <paramref name="header"/> (the line before the next header, or the last line).</summary>
        public static int EndOf(ConfigDocument document, int header)
        {
            int n = header + 1;
            while (n <= document.Lines.Count && !document.GetLine(n).StartsBlock)
            {
                n++;
            }

            return n - 1;
        }

        /// <summary>The header lines of the document, in order, picked by <paramref name="wanted"/>.</summary>
        public static IEnumerable<int> Headers(ConfigDocument document, Func<ConfigLine, bool> wanted) =>
            document.Lines.Where(l => l.StartsBlock && wanted(l)).Select(l => l.LineNumber);

        /// <summary>Where a new global setting goes: after the global section's last directive, else before the first block.</summary>
        public static int GlobalInsertionPoint(ConfigDocument document)
        {
            int last = 0;
            foreach (ConfigLine line in document.Lines)
            {
                if (line.StartsBlock)
                {
                    return last > 0 ? last + 1 : line.LineNumber;
                }

                if (line.IsDirective)
                {
                    last = line.LineNumber;
                }
            }

            return last > 0 ? last + 1 : document.Lines.Count + 1;
        }

        /// <summary>The header of the last block, or null when the document has none.</summary>
        public static int? LastHeader(ConfigDocument document) => document.HeaderLineOf(document.Lines.Count + 1);

        /// <summary>Directive texts in the style of the block they land in before <paramref name="before"/>.</summary>
        public static IReadOnlyList<string> DirectiveTexts(ConfigDocument document, int before, IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> directives) =>
            directives.Select(d => document.DirectiveText(before, d.Key, d.Value)).ToList();
    }
}
