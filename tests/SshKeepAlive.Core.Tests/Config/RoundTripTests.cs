using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using SshKeepAlive.Core.ConfigDocuments;
using Xunit;

namespace SshKeepAlive.Core.Tests.Config
{
    /// <summary>Parse then write back must give the input byte for byte, whatever the input.</summary>
    public sealed class RoundTripTests
    {
        public static IEnumerable<object[]> CorpusFiles() => ClientCorpus.AllFiles().Select(f => new object[] { Path.GetRelativePath(ClientCorpus.SourceDirectory, f) });

        public static IEnumerable<object[]> Seeds() => Enumerable.Range(1, 200).Select(s => new object[] { s });

        [Theory]
        [MemberData(nameof(CorpusFiles))]
        public void CorpusFile_WritesBackByteIdentical(string relativePath)
        {
            byte[] content = File.ReadAllBytes(Path.Combine(ClientCorpus.SourceDirectory, relativePath));

            Assert.Equal(content, ConfigDocument.Parse(content, relativePath).ToBytes());
        }

        [Theory]
        [MemberData(nameof(Seeds))]
        public void GeneratedFile_WritesBackByteIdentical(int seed)
        {
            byte[] content = Generate(new Random(seed));

            var document = ConfigDocument.Parse(content, "generated");

            Assert.Equal(content, document.ToBytes());
            Assert.Equal(content.Count(b => b == '\n') + (content.Length > 0 && content[content.Length - 1] != '\n' ? 1 : 0), document.Lines.Count);
        }

        [Theory]
        [MemberData(nameof(Seeds))]
        public void GeneratedFile_EditingOneLine_LeavesEveryOtherLineByteIdentical(int seed)
        {
            var random = new Random(seed);
            var document = ConfigDocument.Parse(Generate(random), "generated");
            int[] directives = Enumerable.Range(1, document.Lines.Count).Where(n => document.GetLine(n).IsDirective).ToArray();
            if (directives.Length == 0)
            {
                return;
            }

            int targetNumber = directives[random.Next(directives.Length)];
            ConfigLine target = document.GetLine(targetNumber);

            ConfigDocument edited = document.ReplaceArguments(targetNumber, new[] { "new value", "2" });

            Assert.Equal(new[] { "new value", "2" }, edited.GetLine(targetNumber).Arguments.ToArray());
            Assert.Equal(target.Keyword, edited.GetLine(targetNumber).Keyword);
            Assert.Equal(target.LineEnding, edited.GetLine(targetNumber).LineEnding);
            List<byte[]> before = SplitAfterNewlines(document.ToBytes());
            List<byte[]> after = SplitAfterNewlines(edited.ToBytes());
            Assert.Equal(before.Count, after.Count);
            for (int i = 0; i < before.Count; i++)
            {
                if (i != targetNumber - 1)
                {
                    Assert.Equal(before[i], after[i]);
                }
            }
        }

        private static List<byte[]> SplitAfterNewlines(byte[] content)
        {
            var lines = new List<byte[]>();
            int start = 0;
            for (int i = 0; i < content.Length; i++)
            {
                if (content[i] == '\n' || i == content.Length - 1)
                {
                    lines.Add(content.Skip(start).Take(i + 1 - start).ToArray());
                    start = i + 1;
                }
            }

            return lines;
        }

        private static readonly string[] Keywords = { "Host", "Match", "ServerAliveInterval", "hostname", "USER", "IdentityFile", "Include", "Port", "#", "" };
        private static readonly string[] Separators = { " ", "\t", "=", " = ", "  =\t", "\t\t", " =" };
        private static readonly string[] Values = { "30", "1m30s", "\"quoted value\"", "'single'", "a\\ b", "\"unterminated", "*.example.com", "!neg", "x # comment", "#c", "=", "\"\"", "é", "a\"b c\"d" };
        private static readonly string[] Endings = { "\n", "\r\n", "\r\n", "\n" };

        private static byte[] Generate(Random random)
        {
            var bytes = new List<byte>();
            int lines = random.Next(0, 30);
            for (int i = 0; i < lines; i++)
            {
                var text = new StringBuilder();
                text.Append(random.Next(3) == 0 ? new string(random.Next(2) == 0 ? ' ' : '\t', random.Next(1, 5)) : string.Empty);
                text.Append(Keywords[random.Next(Keywords.Length)]);
                if (random.Next(6) > 0)
                {
                    text.Append(Separators[random.Next(Separators.Length)]);
                    int values = random.Next(0, 4);
                    text.Append(string.Join(" ", Enumerable.Range(0, values).Select(_ => Values[random.Next(Values.Length)])));
                }

                if (random.Next(5) == 0)
                {
                    text.Append(random.Next(2) == 0 ? "   " : "\t\f");
                }

                bytes.AddRange(Encoding.UTF8.GetBytes(text.ToString()));
                if (random.Next(10) == 0)
                {
                    bytes.Add((byte)random.Next(0x80, 0x100)); // high byte, often invalid UTF-8
                }

                bool last = i == lines - 1;
                if (!last || random.Next(3) > 0)
                {
                    bytes.AddRange(Encoding.ASCII.GetBytes(Endings[random.Next(Endings.Length)]));
                }
            }

            return bytes.ToArray();
        }
    }
}
