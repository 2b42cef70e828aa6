using System.Collections.Generic;

namespace SshKeepAlive.Core.ConfigDocuments
{
    internal enum LineEditKind
    {
        Insert,
        Replace,
        Remove,
    }

    /// <summary>One change to a document, naming the line by its number before any edit (see <see cref="ConfigDocument.Edit"/>).</summary>
    public sealed class LineEdit
    {
        private LineEdit(LineEditKind kind, int lineNumber, IReadOnlyList<string>? arguments, IReadOnlyList<string>? texts)
        {
            Kind = kind;
            LineNumber = lineNumber;
            Arguments = arguments;
            Texts = texts;
        }

        /// <summary>The line replaced or removed, or the line the texts are inserted before.</summary>
        public int LineNumber { get; }

        internal LineEditKind Kind { get; }

        internal IReadOnlyList<string>? Arguments { get; }

        internal IReadOnlyList<string>? Texts { get; }

        /// <summary>New arguments for a directive, keeping its layout (see <see cref="ConfigDocument.ReplaceArguments"/>).</summary>
        public static LineEdit Replace(int lineNumber, IReadOnlyList<string> arguments) => new LineEdit(LineEditKind.Replace, lineNumber, arguments, null);

        public static LineEdit Remove(int lineNumber) => new LineEdit(LineEditKind.Remove, lineNumber, null, null);

        /// <summary>Raw line texts (no line endings) inserted before <paramref name="beforeLineNumber"/>.</summary>
        public static LineEdit Insert(int beforeLineNumber, IReadOnlyList<string> texts) => new LineEdit(LineEditKind.Insert, beforeLineNumber, null, texts);
    }
}
