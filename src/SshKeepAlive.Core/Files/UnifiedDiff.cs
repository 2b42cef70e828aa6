using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using DiffPlex;
using DiffPlex.Chunkers;
using DiffPlex.Model;

namespace SshKeepAlive.Core.Files
{
    /// <summary>A unified diff (as GNU diff -u prints it) between two versions of a text file.</summary>
    /// <remarks>
    /// DiffPlex computes which lines changed; the hunks are written here because DiffPlex's own
    /// UnidiffRenderer is not what diff -u prints (it counts the final newline as an empty last line,
    /// always writes "start,count" where diff writes "start" for one line and "start-1,0" for none, and
    /// ends lines with Environment.NewLine).
    /// </remarks>
    public static class UnifiedDiff
    {
        private const int Context = 3;

        /// <summary>The diff, or an empty string when the texts are equal.</summary>
        public static string Create(string oldText, string newText, string oldLabel, string newLabel)
        {
            EditScript script = EditScript.Of(oldText.Replace("\r\n", "\n"), newText.Replace("\r\n", "\n"));
            List<(char Op, string Line)> steps = script.Steps;
            if (steps.TrueForAll(e => e.Op == ' '))
            {
                return string.Empty;
            }

            var output = new StringBuilder();
            output.Append("--- ").Append(oldLabel).Append('\n');
            output.Append("+++ ").Append(newLabel).Append('\n');
            int index = 0;
            while (index < steps.Count)
            {
                int firstChange = steps.FindIndex(index, e => e.Op != ' ');
                if (firstChange < 0)
                {
                    break;
                }

                int start = Math.Max(index, firstChange - Context);
                int end = firstChange;
                // Extend the hunk while the next change is within two contexts of the last one.
                for (int i = firstChange; i < steps.Count; i++)
                {
                    if (steps[i].Op != ' ')
                    {
                        end = i;
                    }
                    else if (i - end > Context * 2)
                    {
                        break;
                    }
                }

                int stop = Math.Min(steps.Count, end + Context + 1);
                AppendHunk(output, script, start, stop);
                index = stop;
            }

            return output.ToString();
        }

        private static void AppendHunk(StringBuilder output, EditScript edit, int start, int stop)
        {
            List<(char Op, string Line)> script = edit.Steps;
            int oldStart = 1 + edit.LinesBefore, newStart = 1 + edit.LinesBefore;
            for (int i = 0; i < start; i++)
            {
                oldStart += script[i].Op != '+' ? 1 : 0;
                newStart += script[i].Op != '-' ? 1 : 0;
            }

            int oldCount = 0, newCount = 0;
            for (int i = start; i < stop; i++)
            {
                oldCount += script[i].Op != '+' ? 1 : 0;
                newCount += script[i].Op != '-' ? 1 : 0;
            }

            output.Append("@@ -").Append(Range(oldStart, oldCount)).Append(" +").Append(Range(newStart, newCount)).Append(" @@\n");
            for (int i = start; i < stop; i++)
            {
                output.Append(script[i].Op).Append(script[i].Line).Append('\n');
            }
        }

        // diff -u writes an empty range as "start-1,0".
        private static string Range(int start, int count) =>
            count == 1 ? start.ToString() : (count == 0 ? start - 1 : start) + "," + count;

        // Lines as diff sees them (CRLF already made LF): a final newline ends the last line, it does not start another.
        private static string[] SplitLines(string text)
        {
            if (text.Length == 0)
            {
                return new string[0];
            }

            string[] lines = text.Split('\n');
            return text.EndsWith("\n", StringComparison.Ordinal) ? lines.Take(lines.Length - 1).ToArray() : lines;
        }

        /// <summary>
        /// Every line of both texts in order, each kept (' '), removed ('-') or added ('+') — except the lines both
        /// texts begin with beyond the context a hunk can show (<see cref="LinesBefore"/> of them), and those they
        /// end with likewise.
        /// </summary>
        private sealed class EditScript
        {
            private EditScript(List<(char Op, string Line)> steps, int linesBefore)
            {
                Steps = steps;
                LinesBefore = linesBefore;
            }

            public List<(char Op, string Line)> Steps { get; }

            /// <summary>How many lines, the same in both texts, come before the first step.</summary>
            public int LinesBefore { get; }

            // DiffPlex finds the changed blocks (Myers' algorithm: time and memory grow with the size of the
            // change, not with the product of the two lengths); the lines between them are context. The lines both
            // texts begin and end with, which DiffPlex would set aside itself before anything else, are set aside
            // here without splitting them: a one-line edit of a large file costs one pass over its text.
            public static EditScript Of(string oldText, string newText)
            {
                int same = 0, shortest = Math.Min(oldText.Length, newText.Length);
                while (same < shortest && oldText[same] == newText[same])
                {
                    same++;
                }

                // The whole lines both begin with, and the whole lines both end with after those.
                int head = same == 0 ? 0 : oldText.LastIndexOf('\n', same - 1) + 1;
                int sameEnd = 0;
                while (sameEnd < shortest - head && oldText[oldText.Length - 1 - sameEnd] == newText[newText.Length - 1 - sameEnd])
                {
                    sameEnd++;
                }

                int tailNewline = oldText.IndexOf('\n', oldText.Length - sameEnd);
                int tail = tailNewline < 0 ? oldText.Length : tailNewline + 1;
                int newTail = tail + newText.Length - oldText.Length;

                int headContext = LineStartBefore(oldText, head, Context);
                string[] headLines = SplitLines(oldText.Substring(headContext, head - headContext));
                int linesBefore = CountNewlines(oldText, head) - headLines.Length;
                var steps = new List<(char, string)>();
                steps.AddRange(headLines.Select(l => (' ', l)));
                AddChanges(steps, oldText.Substring(head, tail - head), newText.Substring(head, newTail - head));
                // A hunk's context after its last change may come from the tail alone.
                steps.AddRange(SplitLines(oldText.Substring(tail, LineEndAfter(oldText, tail, Context) - tail)).Select(l => (' ', l)));
                return new EditScript(steps, linesBefore);
            }

            private static void AddChanges(List<(char, string)> steps, string oldText, string newText)
            {
                DiffResult diff = Differ.Instance.CreateDiffs(oldText, newText, ignoreWhiteSpace: false, ignoreCase: false, new CustomFunctionChunker(SplitLines));
                IReadOnlyList<string> a = diff.PiecesOld, b = diff.PiecesNew;
                int x = 0;
                foreach (DiffBlock block in diff.DiffBlocks)
                {
                    for (; x < block.DeleteStartA; x++)
                    {
                        steps.Add((' ', a[x]));
                    }

                    for (; x < block.DeleteStartA + block.DeleteCountA; x++)
                    {
                        steps.Add(('-', a[x]));
                    }

                    for (int y = block.InsertStartB; y < block.InsertStartB + block.InsertCountB; y++)
                    {
                        steps.Add(('+', b[y]));
                    }
                }

                for (; x < a.Count; x++)
                {
                    steps.Add((' ', a[x]));
                }
            }

            // Where the last <paramref name="lines"/> whole lines before <paramref name="end"/> (a line start) begin.
            private static int LineStartBefore(string text, int end, int lines)
            {
                int start = end;
                for (int i = 0; i < lines && start > 0; i++)
                {
                    start = start - 1 == 0 ? 0 : text.LastIndexOf('\n', start - 2) + 1;
                }

                return start;
            }

            // Where the first <paramref name="lines"/> lines from <paramref name="start"/> (a line start) end.
            private static int LineEndAfter(string text, int start, int lines)
            {
                int end = start;
                for (int i = 0; i < lines && end < text.Length; i++)
                {
                    int newline = text.IndexOf('\n', end);
                    end = newline < 0 ? text.Length : newline + 1;
                }

                return end;
            }

            private static int CountNewlines(string text, int end)
            {
                int count = 0;
                for (int i = text.IndexOf('\n', 0, end); i >= 0; i = i + 1 < end ? text.IndexOf('\n', i + 1, end - i - 1) : -1)
                {
                    count++;
                }

                return count;
            }
        }
    }
}
