using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace SshKeepAlive.Core.Files
{
    /// <summary>A unified diff (as diff -u prints it) between two versions of a text file.</summary>
    public static class UnifiedDiff
    {
        private const int Context = 3;

        /// <summary>The diff, or an empty string when the texts are equal.</summary>
        public static string Create(string oldText, string newText, string oldLabel, string newLabel)
        {
            string[] a = SplitLines(oldText);
            string[] b = SplitLines(newText);
            List<(char Op, string Line)> script = EditScript(a, b);
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

        // Common head and tail are matched directly (edits are local); the longest common subsequence
        // of what differs in between decides the rest.
        private static List<(char Op, string Line)> EditScript(string[] a, string[] b)
        {
            int head = 0;
            while (head < a.Length && head < b.Length && a[head] == b[head])
            {
                head++;
            }

            int tail = 0;
            while (tail < a.Length - head && tail < b.Length - head && a[a.Length - 1 - tail] == b[b.Length - 1 - tail])
            {
                tail++;
            }

            int n = a.Length - head - tail, m = b.Length - head - tail;
            var lcs = new int[n + 1, m + 1];
            for (int i = n - 1; i >= 0; i--)
            {
                for (int j = m - 1; j >= 0; j--)
                {
                    lcs[i, j] = a[head + i] == b[head + j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
                }
            }

            var script = new List<(char, string)>(a.Length + b.Length);
            script.AddRange(a.Take(head).Select(line => (' ', line)));
            int x = 0, y = 0;
            while (x < n || y < m)
            {
                if (x < n && y < m && a[head + x] == b[head + y])
                {
                    script.Add((' ', a[head + x++]));
                    y++;
                }
                else if (x < n && (y == m || lcs[x + 1, y] >= lcs[x, y + 1]))
                {
                    script.Add(('-', a[head + x++]));
                }
                else
                {
                    script.Add(('+', b[head + y++]));
                }
            }

            script.AddRange(a.Skip(a.Length - tail).Select(line => (' ', line)));
            return script;
        }
    }
}
