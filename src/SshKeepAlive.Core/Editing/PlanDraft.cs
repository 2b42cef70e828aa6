using System;
using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.ConfigDocuments;

namespace SshKeepAlive.Core.Editing
{
    /// <summary>
    /// A plan being made: the request, the tree as read, its index, and the line edits chosen so far per file
    /// (each naming lines by their number in the file as read), with the reasons and warnings to report.
    /// </summary>
    internal sealed class PlanDraft
    {
        private readonly Dictionary<string, FileEdits> edits = new Dictionary<string, FileEdits>(StringComparer.Ordinal);
        private readonly Func<string, bool> isWritable;
        private IReadOnlyDictionary<string, ConfigDocument>? editedDocuments;
        private Dictionary<string, (ConfigDocument Document, IReadOnlyList<int> Written)>? built;

        public PlanDraft(EditRequest request, LoadedConfig tree, Func<string, bool> isWritable)
        {
            Request = request;
            Tree = tree;
            this.isWritable = isWritable;
            Index = TreeIndex.Of(tree, request.IsAbout);
        }

        public EditRequest Request { get; }

        public LoadedConfig Tree { get; }

        public TreeIndex Index { get; }

        /// <summary>The top file, where new lines go.</summary>
        public ConfigDocument Top => Tree.Document;

        public List<string> Decisions { get; } = new List<string>();

        public List<string> Warnings { get; } = new List<string>();

        /// <summary>Lines changed in place or removed, as read (for the check of other hosts).</summary>
        public List<ConfigSource> TouchedLines { get; } = new List<ConfigSource>();

        /// <summary>Lines of the top file (as read) that new lines were inserted before.</summary>
        public List<int> InsertionPoints { get; } = new List<int>();

        public bool IsWritable(string path) => isWritable(path);

        public void Replace(Placement placement, IReadOnlyList<string> arguments)
        {
            EditsOf(placement.File).Add(LineEdit.Replace(placement.Line.LineNumber, arguments));
            TouchedLines.Add(placement.Source);
        }

        public void Remove(LoadedConfig file, int lineNumber)
        {
            EditsOf(file).Add(LineEdit.Remove(lineNumber));
            TouchedLines.Add(new ConfigSource(file.Document.Path, lineNumber));
        }

        /// <summary>Inserts lines into the top file before <paramref name="beforeLineNumber"/>.</summary>
        public void Insert(int beforeLineNumber, IReadOnlyList<string> texts)
        {
            EditsOf(Tree).Add(LineEdit.Insert(beforeLineNumber, texts));
            InsertionPoints.Add(beforeLineNumber);
        }

        /// <summary>True when a line of <paramref name="file"/> is already to be removed.</summary>
        public bool IsRemoved(LoadedConfig file, int lineNumber) =>
            edits.TryGetValue(file.Document.Path, out FileEdits? e) && e.Edits.Any(x => x.LineNumber == lineNumber && x.Kind == LineEditKind.Remove);

        /// <summary>Every edited document, edits applied (made once, when first asked for).</summary>
        public IReadOnlyDictionary<string, ConfigDocument> EditedDocuments => editedDocuments ??= Build().ToDictionary(f => f.Key, f => f.Value.Document);

        public EditPlan ToPlan()
        {
            var files = new List<FileChange>();
            foreach (KeyValuePair<string, (ConfigDocument Document, IReadOnlyList<int> Written)> edited in Build())
            {
                LoadedConfig file = edits[edited.Key].File;
                bool existed = file != Tree || Tree.Exists;
                byte[] before = file.Document.ToBytes();
                byte[] after = edited.Value.Document.ToBytes();
                if (!existed || !before.SequenceEqual(after))
                {
                    files.Add(new FileChange(edited.Key, existed ? before : null, after, edited.Value.Written));
                }
            }

            return new EditPlan(Request, Tree, files, Decisions, Warnings);
        }

        private Dictionary<string, (ConfigDocument Document, IReadOnlyList<int> Written)> Build()
        {
            if (built == null)
            {
                built = new Dictionary<string, (ConfigDocument, IReadOnlyList<int>)>(StringComparer.Ordinal);
                foreach (KeyValuePair<string, FileEdits> file in edits)
                {
                    ConfigDocument document = file.Value.File.Document.Edit(file.Value.Edits, out IReadOnlyList<int> written);
                    built[file.Key] = (document, written);
                }
            }

            return built;
        }

        private List<LineEdit> EditsOf(LoadedConfig file)
        {
            if (built != null)
            {
                throw new InvalidOperationException("The plan's documents are already made.");
            }

            if (!edits.TryGetValue(file.Document.Path, out FileEdits? e))
            {
                edits[file.Document.Path] = e = new FileEdits(file);
            }

            return e.Edits;
        }

        private sealed class FileEdits
        {
            public FileEdits(LoadedConfig file) => File = file;

            public LoadedConfig File { get; }

            public List<LineEdit> Edits { get; } = new List<LineEdit>();
        }
    }
}
