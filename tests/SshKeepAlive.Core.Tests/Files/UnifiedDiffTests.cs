using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SshKeepAlive.Core.Files;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Files
{
    public sealed class UnifiedDiffTests
    {
        [Theory]
        [InlineData("a\nb\nc\n", "a\nB\nc\n")]
        [InlineData("", "Host *\n    ServerAliveInterval 60\n")]
        [InlineData("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n", "1\n2\nX\n4\n5\n6\n7\n8\n9\n10\n11\n12\nY\n14\n15\n")]
        [InlineData("1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\nnew\n4\n5\n6\n7\n8\n")]
        [InlineData("keep\ndrop\nkeep\n", "keep\nkeep\n")]
        [InlineData("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n", "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n")]
        public void Create_MatchesGnuDiff(string before, string after) => AssertMatchesGnuDiff(before, after);

        [Fact]
        public void Create_OfA100000LineFileChangedAtBothEnds_MatchesGnuDiff()
        {
            // Everything between the first and the last change differs as far as head/tail trimming can tell:
            // a diff that needs the product of the two lengths in memory cannot do this one.
            string before = string.Concat(Enumerable.Range(0, 50000).Select(i => $"Host h{i}\n    ServerAliveInterval 10\n"));
            string after = "ServerAliveInterval 60\n" + before.Substring(0, before.Length - 3) + "99\n";

            AssertMatchesGnuDiff(before, after);
        }

        public static IEnumerable<object[]> Seeds => Enumerable.Range(0, 60).Select(i => new object[] { i });

        // Lines all different, so that only one diff is right: line numbers, context and hunks as diff -u writes them
        // wherever the changes fall (first or last lines, close together or far apart).
        [Theory]
        [MemberData(nameof(Seeds))]
        public void Create_OfRandomEdits_MatchesGnuDiff(int seed)
        {
            var random = new Random(seed);
            var lines = Enumerable.Range(0, random.Next(1, 60)).Select(i => $"line {i}").ToList();
            string before = string.Concat(lines.Select(l => l + "\n"));
            int added = 0;
            for (int edits = random.Next(1, 5); edits > 0 && lines.Count > 0; edits--)
            {
                int at = random.Next(lines.Count);
                switch (random.Next(3))
                {
                    case 0:
                        lines.Insert(at, $"added {added++}");
                        break;
                    case 1:
                        lines.RemoveAt(at);
                        break;
                    default:
                        lines[at] = $"changed {added++}";
                        break;
                }
            }

            string after = string.Concat(lines.Select(l => l + "\n"));
            AssertMatchesGnuDiff(before, after);
        }

        [Fact]
        public void Create_OfEqualTexts_IsEmpty()
        {
            Assert.Equal(string.Empty, UnifiedDiff.Create("x\n", "x\n", "a", "b"));
        }

        private static void AssertMatchesGnuDiff(string before, string after)
        {
            using var dir = new TempDirectory();
            File.WriteAllText(dir.File("old"), before);
            File.WriteAllText(dir.File("new"), after);
            string expected = ProcessRunner.Run("diff", "-u", "--label", "a/config", "--label", "b/config", dir.File("old"), dir.File("new")).Output;

            Assert.Equal(expected, UnifiedDiff.Create(before, after, "a/config", "b/config"));
        }
    }
}
