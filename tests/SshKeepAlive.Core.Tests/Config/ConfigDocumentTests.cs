using System.Collections.Generic;
using System.Linq;
using System.Text;
using SshKeepAlive.Core.ConfigDocuments;
using Xunit;

namespace SshKeepAlive.Core.Tests.Config
{
    public sealed class ConfigDocumentTests
    {
        private static ConfigDocument Parse(string text) => ConfigDocument.Parse(text, "/etc/ssh/ssh_config");

        [Theory]
        [InlineData("")]
        [InlineData("\n")]
        [InlineData("Host a\n  Port 22")]
        [InlineData("Host a\r\n  Port 22\r\n")]
        [InlineData("Host a\r\n  Port 22\nUser x\r\n\r\n")]
        [InlineData("# only a comment")]
        [InlineData("\ufeffHost bom\n")]
        [InlineData("Host a\r\r\n\rPort 1\r")]
        [InlineData("  Host = \"quoted value\" # c\t \n\tPort=22\n")]
        public void ToBytes_UneditedDocument_IsByteIdentical(string text)
        {
            byte[] content = Encoding.UTF8.GetBytes(text);

            var document = ConfigDocument.Parse(content, "f");

            Assert.Equal(content, document.ToBytes());
            Assert.Equal(text, document.ToText());
        }

        [Fact]
        public void Lines_AreNumberedFromOneWithTheirEndings()
        {
            var document = Parse("Host a\r\n  Port 22\nUser x");

            Assert.Equal(new[] { 1, 2, 3 }, document.Lines.Select(l => l.LineNumber));
            Assert.Equal(new[] { "\r\n", "\n", "" }, document.Lines.Select(l => l.LineEnding));
            Assert.Equal("/etc/ssh/ssh_config:2", document.SourceOf(document.Lines[1]).ToString());
        }

        [Fact]
        public void Blocks_SplitAtHostAndMatchLines()
        {
            var document = Parse("User g\nHost a\n  Port 1\nMatch all\n  Port 2\n");

            Assert.Equal(new int?[] { null, 2, 4 }, document.Blocks.Select(b => b.Header?.LineNumber));
            Assert.Equal(2, document.BlockOf(3).Header!.LineNumber);
            Assert.True(document.BlockOf(1).IsGlobal);
        }

        [Theory]
        [InlineData("  ServerAliveInterval = 30 # keepalive\n", "  ServerAliveInterval = 60 # keepalive\n")]
        [InlineData("ServerAliveInterval\t30\r\n", "ServerAliveInterval\t60\r\n")]
        [InlineData("ServerAliveInterval=\"30\"", "ServerAliveInterval=\"60\"")]
        public void ReplaceArguments_KeepsLayoutAroundTheValue(string before, string after)
        {
            var edited = Parse(before).ReplaceArguments(1, new[] { "60" });

            Assert.Equal(after, edited.ToText());
        }

        [Fact]
        public void ReplaceArguments_TouchesOnlyThatLine()
        {
            byte[] content = Encoding.ASCII.GetBytes("Host a\r\n    Port 22\n\tUser x\r\n").Concat(new byte[] { 0xff, (byte)'\n' }).ToArray();

            byte[] edited = ConfigDocument.Parse(content, "f").ReplaceArguments(2, new[] { "2222" }).ToBytes();

            Assert.Equal(Encoding.ASCII.GetBytes("Host a\r\n    Port 2222\n\tUser x\r\n").Concat(new byte[] { 0xff, (byte)'\n' }), edited);
        }

        [Fact]
        public void InsertDirective_InBlock_UsesBlockIndentationSeparatorAndLineEnding()
        {
            var document = Parse("Host a\r\n\tPort=22\r\nHost b\r\n\tUser=x\r\n");

            var edited = document.InsertDirective(3, "ServerAliveInterval", new[] { "30" });

            Assert.Equal("Host a\r\n\tPort=22\r\n\tServerAliveInterval=30\r\nHost b\r\n\tUser=x\r\n", edited.ToText());
        }

        [Fact]
        public void InsertDirective_AtEndOfFileWithoutFinalNewline_KeepsNoFinalNewline()
        {
            var edited = Parse("Host a\n  Port 22").InsertDirective(3, "User", new[] { "bob" });

            Assert.Equal("Host a\n  Port 22\n  User bob", edited.ToText());
        }

        [Fact]
        public void InsertDirective_InGlobalSection_HasNoIndentation()
        {
            var edited = Parse("# top\nHost a\n  Port 22\n").InsertDirective(2, "User", new[] { "bob" });

            Assert.Equal("# top\nUser bob\nHost a\n  Port 22\n", edited.ToText());
        }

        [Fact]
        public void InsertHostBlock_BeforeHostStar_WritesBlockInFileStyle()
        {
            var document = Parse("Host web\n  Port 22\n\nHost *\n  User x\n");

            var edited = document.InsertHostBlock(4, new[] { "db" }, new[] { new KeyValuePair<string, IReadOnlyList<string>>("ServerAliveInterval", new[] { "30" }) });

            Assert.Equal("Host web\n  Port 22\n\nHost db\n  ServerAliveInterval 30\n\nHost *\n  User x\n", edited.ToText());
            Assert.Equal(new[] { 1, 2, 3, 4, 5, 6, 7, 8 }, edited.Lines.Select(l => l.LineNumber));
        }

        [Fact]
        public void InsertDirective_BeforeFirstHostLine_GoesToGlobalSectionUnindented()
        {
            var edited = Parse("Host a\n  Port 22\n").InsertDirective(1, "User", new[] { "bob" });

            Assert.Equal("User bob\nHost a\n  Port 22\n", edited.ToText());
        }

        [Fact]
        public void InsertHostBlock_AtEnd_SeparatesWithBlankLine()
        {
            var edited = Parse("Host a\n\tPort 22\n").InsertHostBlock(3, new[] { "b c" }, new[] { new KeyValuePair<string, IReadOnlyList<string>>("User", new[] { "x" }) });

            Assert.Equal("Host a\n\tPort 22\n\nHost \"b c\"\n\tUser x\n", edited.ToText());
        }

        [Fact]
        public void Parse_OfALargeFile_KeepsEveryByteAndNumbersLinesInOrder()
        {
            var text = new StringBuilder();
            for (int i = 0; text.Length < 10 << 20; i++)
            {
                text.Append(i % 3 == 0 ? $"Host h{i}\r\n" : i % 3 == 1 ? $"  ServerAliveInterval {i}\n" : $"  # comment {i} é\n");
            }

            text.Append("Port 2222");
            byte[] content = Encoding.UTF8.GetBytes(text.ToString());

            var document = ConfigDocument.Parse(content, "big");

            Assert.Equal(content, document.ToBytes());
            Assert.Equal(Enumerable.Range(1, document.Lines.Count), document.Lines.Select(l => l.LineNumber));
            Assert.All(document.Lines.Where(l => l.IsKeyword("ServerAliveInterval")), l => Assert.Equal((l.LineNumber - 1).ToString(), l.Value));
            Assert.Equal("2222", document.Lines[document.Lines.Count - 1].Value);
        }

        [Fact]
        public void RemoveLine_RenumbersTheRest()
        {
            var edited = Parse("a 1\nb 2\nc 3\n").RemoveLine(2);

            Assert.Equal("a 1\nc 3\n", edited.ToText());
            Assert.Equal(2, edited.Lines[1].LineNumber);
        }
    }
}
