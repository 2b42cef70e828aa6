using System;
using System.Collections.Generic;

namespace SshKeepAlive.Core.ConfigDocuments
{
    /// <summary>Consecutive lines of an edited document: kept, in the same order, from the document edited, or written by the edit.</summary>
    internal readonly struct LineRun
    {
        public LineRun(int first, int originalFirst, int count)
        {
            First = first;
            OriginalFirst = originalFirst;
            Count = count;
        }

        /// <summary>The number of the run's first line in the edited document.</summary>
        public int First { get; }

        /// <summary>The number the run's first line has in the document edited; 0 for lines the edit wrote.</summary>
        public int OriginalFirst { get; }

        public int Count { get; }

        public bool IsKept => OriginalFirst > 0;
    }

    /// <summary>Where an edited document came from: the document edited and, run by run, which of its lines it holds.</summary>
    internal sealed class DocumentOrigin
    {
        public DocumentOrigin(ConfigDocument document, IReadOnlyList<LineRun> runs)
        {
            Document = document;
            Runs = runs;
        }

        /// <summary>The document the edit was made on.</summary>
        public ConfigDocument Document { get; }

        /// <summary>Every line of the edited document, in order, as runs.</summary>
        public IReadOnlyList<LineRun> Runs { get; }
    }

    /// <summary>The lines of a document being edited, put together from runs of the original's lines and lines written.</summary>
    internal sealed class EditedLines
    {
        private readonly ConfigLine[] original;
        private readonly ConfigLine[] lines;
        private readonly List<LineRun> runs = new List<LineRun>();

        public EditedLines(ConfigLine[] original, int count)
        {
            this.original = original;
            lines = new ConfigLine[count];
        }

        public int Count { get; private set; }

        public ConfigLine Last => lines[Count - 1];

        public IReadOnlyList<LineRun> Runs => runs;

        /// <summary>The lines of the whole edited document (every one of them placed).</summary>
        public ConfigLine[] Lines => Count == lines.Length ? lines : throw new InvalidOperationException($"{Count} of {lines.Length} lines were placed.");

        /// <summary>Keeps <paramref name="count"/> lines of the original from number <paramref name="originalFirst"/> on.</summary>
        public void Keep(int originalFirst, int count)
        {
            if (count <= 0)
            {
                return;
            }

            Array.Copy(original, originalFirst - 1, lines, Count, count);
            Count += count;
            Append(new LineRun(Count - count + 1, originalFirst, count));
        }

        public void Add(ConfigLine written)
        {
            lines[Count++] = written;
            Append(new LineRun(Count, 0, 1));
        }

        /// <summary>Puts <paramref name="line"/> in place of the last line (which is then no longer the original's).</summary>
        public void ReplaceLast(ConfigLine line)
        {
            LineRun last = runs[runs.Count - 1];
            runs.RemoveAt(runs.Count - 1);
            if (last.Count > 1)
            {
                runs.Add(new LineRun(last.First, last.OriginalFirst, last.Count - 1));
            }

            Count--;
            Add(line);
        }

        private void Append(LineRun run)
        {
            if (runs.Count > 0)
            {
                LineRun previous = runs[runs.Count - 1];
                bool continues = previous.IsKept == run.IsKept && (!run.IsKept || previous.OriginalFirst + previous.Count == run.OriginalFirst);
                if (continues)
                {
                    runs[runs.Count - 1] = new LineRun(previous.First, previous.OriginalFirst, previous.Count + run.Count);
                    return;
                }
            }

            runs.Add(run);
        }
    }
}
