using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.ConfigDocuments;

namespace SshKeepAlive.Core.Editing
{
    /// <summary>A document being edited, remembering which of its lines the edit wrote (renumbered as lines move).</summary>
    internal sealed class EditedDocument
    {
        private readonly SortedSet<int> changed = new SortedSet<int>();

        public EditedDocument(ConfigDocument original)
        {
            Original = original;
            Document = original;
        }

        public ConfigDocument Original { get; }

        public ConfigDocument Document { get; private set; }

        public void Replace(int lineNumber, IReadOnlyList<string> arguments)
        {
            Document = Document.ReplaceArguments(lineNumber, arguments);
            changed.Add(lineNumber);
        }

        public void Remove(int lineNumber)
        {
            Document = Document.RemoveLine(lineNumber);
            Shift(lineNumber, -1);
        }

        public void InsertDirective(int beforeLineNumber, string keyword, IReadOnlyList<string> arguments) =>
            Inserted(beforeLineNumber, Document.InsertDirective(beforeLineNumber, keyword, arguments));

        /// <summary>
        /// A <c>Host</c> block for <paramref name="pattern"/> before a line; with <paramref name="reopenGlobal"/> a
        /// <c>Host *</c> line follows it, so that the global lines after it still apply to every host.
        /// </summary>
        public void InsertHostBlock(int beforeLineNumber, string pattern, IReadOnlyList<SettingChange> changes, bool reopenGlobal)
        {
            if (reopenGlobal)
            {
                Inserted(beforeLineNumber, Document.InsertLines(beforeLineNumber, new[] { "Host *" }));
            }

            Inserted(beforeLineNumber, Document.InsertHostBlock(beforeLineNumber, new[] { pattern }, Directives(changes)));
        }

        /// <summary>A <c>Host</c> block at the end (the document puts a blank line before it); returns the first new line.</summary>
        public int AppendHostBlock(string pattern, IReadOnlyList<SettingChange> changes)
        {
            int first = Document.Lines.Count + 1;
            Inserted(first, Document.InsertHostBlock(first, new[] { pattern }, Directives(changes)));
            return first;
        }

        /// <summary>The change to write, or null when the bytes are the same.</summary>
        public FileChange? ToChange(bool existed)
        {
            byte[] before = Original.ToBytes();
            byte[] after = Document.ToBytes();
            if (existed && before.SequenceEqual(after))
            {
                return null;
            }

            return new FileChange(Document.Path, existed ? before : null, after, changed.ToList());
        }

        private static IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> Directives(IReadOnlyList<SettingChange> changes) =>
            changes.Select(c => new KeyValuePair<string, IReadOnlyList<string>>(c.Keyword, c.Arguments!));

        private void Inserted(int beforeLineNumber, ConfigDocument edited)
        {
            // (Appending after a last line without a newline gives that line one; its text is unchanged.)
            int count = edited.Lines.Count - Document.Lines.Count;
            Document = edited;
            Shift(beforeLineNumber, count);
            for (int i = 0; i < count; i++)
            {
                changed.Add(beforeLineNumber + i);
            }
        }

        private void Shift(int from, int by)
        {
            var moved = changed.Where(n => n >= from).ToList();
            foreach (int n in moved)
            {
                changed.Remove(n);
            }

            foreach (int n in moved.Where(n => by > 0 || n != from))
            {
                changed.Add(n + by);
            }
        }
    }
}
