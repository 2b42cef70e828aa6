using System.Linq;
using System.Text;
using SshKeepAlive.Core.ConfigDocuments;
using Xunit;

namespace SshKeepAlive.Core.Tests.Config
{
    public sealed class LineTokenizerTests
    {
        private static ConfigLine Line(string text) => ConfigDocument.Parse(text, "test").Lines[0];

        [Theory]
        [InlineData("Host foo", "Host", "foo")]
        [InlineData("Host=foo", "Host", "foo")]
        [InlineData("Host = foo", "Host", "foo")]
        [InlineData("Host =foo", "Host", "foo")]
        [InlineData("Host= foo", "Host", "foo")]
        [InlineData("Host==foo", "Host", "=foo")]
        [InlineData("Host = = foo", "Host", "=|foo")]
        [InlineData("\t  ServerAliveInterval\t\t30  ", "ServerAliveInterval", "30")]
        [InlineData("  = Port 22", "Port", "22")]
        [InlineData("Host a b  c", "Host", "a|b|c")]
        [InlineData("Host a # trailing comment", "Host", "a")]
        [InlineData("Host a#b", "Host", "a#b")]
        [InlineData("Host \"#a\"", "Host", "#a")]
        [InlineData("IdentityFile \"/path with spaces/id\"", "IdentityFile", "/path with spaces/id")]
        [InlineData("IdentityFile '/single quoted/id'", "IdentityFile", "/single quoted/id")]
        [InlineData("IdentityFile a\"b c\"d", "IdentityFile", "ab cd")]
        [InlineData("IdentityFile a\\ b", "IdentityFile", "a b")]
        [InlineData("IdentityFile \"a\\\"b\"", "IdentityFile", "a\"b")]
        [InlineData("IdentityFile C:\\Users\\me\\id", "IdentityFile", "C:\\Users\\me\\id")]
        [InlineData("IdentityFile a\\\\b", "IdentityFile", "a\\b")]
        [InlineData("Host \"\"", "Host", "")]
        [InlineData("\"Host\" foo", "Host", "foo")]
        [InlineData("HOSTNAME Example.COM", "HOSTNAME", "Example.COM")]
        [InlineData("Port 22\r", "Port", "22")]
        [InlineData("Port 22\f", "Port", "22")]
        public void Tokenize_SplitsAsOpenSsh(string text, string keyword, string arguments)
        {
            ConfigLine line = Line(text);

            Assert.Null(line.Error);
            Assert.Equal(keyword, line.Keyword);
            Assert.Equal(arguments.Split('|'), line.Arguments.ToArray());
        }

        [Theory]
        [InlineData("   ")]
        [InlineData("\t\r")]
        public void Tokenize_WhitespaceOnly_IsBlank(string text)
        {
            ConfigLine line = Line(text);

            Assert.True(line.IsBlank);
            Assert.False(line.IsComment);
            Assert.Null(line.Keyword);
        }

        [Theory]
        [InlineData("# comment")]
        [InlineData("   #Host foo")]
        [InlineData("#")]
        public void Tokenize_HashFirst_IsComment(string text)
        {
            ConfigLine line = Line(text);

            Assert.True(line.IsComment);
            Assert.Null(line.Keyword);
            Assert.Null(line.Error);
        }

        [Theory]
        [InlineData("IdentityFile \"unterminated", "unterminated quote")]
        [InlineData("IdentityFile 'unterminated", "unterminated quote")]
        [InlineData("Host a \"b", "unterminated quote")]
        [InlineData("Port", "no argument after keyword \"Port\"")]
        [InlineData("  Port   ", "no argument after keyword \"Port\"")]
        [InlineData("Port =", "no argument after keyword \"Port\"")]
        [InlineData("\"Host foo", "unterminated quote in keyword")]
        public void Tokenize_Malformed_ReportsErrorWithoutThrowing(string text, string error)
        {
            Assert.Equal(error, Line(text).Error);
        }

        [Theory]
        [InlineData("Host foo", "", " ")]
        [InlineData("  Host=foo", "  ", "=")]
        [InlineData("\tHost = foo", "\t", " = ")]
        [InlineData("Host\t\tfoo", "", "\t\t")]
        public void Tokenize_KeepsIndentationAndSeparator(string text, string indentation, string separator)
        {
            ConfigLine line = Line(text);

            Assert.Equal(indentation, line.Indentation);
            Assert.Equal(separator, line.Separator);
        }

        [Theory]
        [InlineData("Match host=a,b user x", "host|a,b|user|x")]
        [InlineData("Match host \"a b\" all", "host|a b|all")]
        [InlineData("Match all # comment", "all|#|comment")]
        public void MatchCriteria_SplitLikeStrdelim(string text, string tokens)
        {
            Assert.Equal(tokens.Split('|'), Line(text).MatchCriteria().ToArray());
        }

        [Theory]
        [InlineData("plain")]
        [InlineData("with space")]
        [InlineData("")]
        [InlineData("#hash")]
        [InlineData("quote\"inside")]
        [InlineData("single'inside")]
        [InlineData("C:\\Users\\me\\.ssh\\id")]
        [InlineData("\\\\server\\share")]
        [InlineData("ends with backslash\\")]
        [InlineData("tab\there")]
        public void ArgumentFormatter_ReadsBackTheSameValue(string value)
        {
            ConfigLine line = Line("IdentityFile " + ArgumentFormatter.Format(value));

            Assert.Null(line.Error);
            Assert.Equal(new[] { value }, line.Arguments.ToArray());
        }

        [Fact]
        public void Parse_KeepsInvalidUtf8Bytes()
        {
            byte[] content = Encoding.ASCII.GetBytes("Host a\nUser x").Concat(new byte[] { 0xff, 0xfe, (byte)'\n' }).ToArray();

            var document = ConfigDocument.Parse(content, "test");

            Assert.Equal(content, document.ToBytes());
            Assert.Equal("User", document.Lines[1].Keyword);
        }
    }
}
