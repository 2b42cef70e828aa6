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
            List<(char Op, string Line)> script = EditScript(oldText, newText);
            if (script.TrueForAll(e => e.Op == ' '))
            {
                return string.Empty;
            }

            var output = new StringBuilder();
            output.Append("--- ").Append(oldLabel).Append('\n');
            output.Append("+++ ").Append(newLabel).Append('\n');
            int index = 0;
            while (index < script.Count)
            {
                int firstChange = script.FindIndex(index, e => e.Op != ' ');
                if (firstChange < 0)
                {
                    break;
                }

                int start = Math.Max(index, firstChange - Context);
                int end = firstChange;
                // Extend the hunk while the next change is within two contexts of the last one.
                for (int i = firstChange; i < script.Count; i++)
                {
                    if (script[i].Op != ' ')
                    {
                        end = i;
                    }
                    else if (i - end > Context * 2)
                    {
                        break;
                    }
                }

                int stop = Math.Min(script.Count, end + Context + 1);
                AppendHunk(output, script, start, stop);
                index = stop;
            }

            return output.ToString();
        }

        private static void AppendHunk(StringBuilder output, List<(char Op, string Line)> script, int start, int stop)
        {
            int oldStart = 1, newStart = 1;
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

        private static string[] SplitLines(string text)
        {
            if (text.Length == 0)
            {
                return new string[0];
            }

            string[] lines = text.Replace("\r\n", "\n").Split('\n');
            return text.EndsWith("\n", StringComparison.Ordinal) ? lines.Take(lines.Length - 1).ToArray() : lines;
        }

        // DiffPlex finds the changed blocks (Myers' algorithm: time and memory grow with the size of the
        // change, not with the product of the two lengths); the lines between them are context.
        private static List<(char Op, string Line)> EditScript(string oldText, string newText)
        {
            DiffResult diff = Differ.Instance.CreateDiffs(oldText, newText, ignoreWhiteSpace: false, ignoreCase: false, new CustomFunctionChunker(SplitLines));
            IReadOnlyList<string> a = diff.PiecesOld, b = diff.PiecesNew;
            var script = new List<(char, string)>(a.Count + b.Count);
            int x = 0;
            foreach (DiffBlock block in diff.DiffBlocks)
            {
                for (; x < block.DeleteStartA; x++)
                {
                    script.Add((' ', a[x]));
                }

                for (; x < block.DeleteStartA + block.DeleteCountA; x++)
                {
                    script.Add(('-', a[x]));
                }

                for (int y = block.InsertStartB; y < block.InsertStartB + block.InsertCountB; y++)
                {
                    script.Add(('+', b[y]));
                }
            }

            for (; x < a.Count; x++)
            {
                script.Add((' ', a[x]));
            }

            return script;
        }
    }
}
