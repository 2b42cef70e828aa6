using SshKeepAlive.Core.OpenSsh;
using Xunit;

namespace SshKeepAlive.Core.Tests.Config
{
    public sealed class OpenSshPatternTests
    {
        [Theory]
        [InlineData("web01", "web01", true)]
        [InlineData("web01", "web*", true)]
        [InlineData("web01", "*", true)]
        [InlineData("", "*", true)]
        [InlineData("web01", "web0?", true)]
        [InlineData("web1", "web0?", false)]
        [InlineData("a.b.c", "*.*.*", true)]
        [InlineData("a.b", "*.*.*", false)]
        [InlineData("Web01", "web01", false)]
        [InlineData("web01", "w**1", true)]
        [InlineData("web[1]", "web[1]", true)]
        [InlineData("web1", "web[1]", false)]
        public void Matches_StarAndQuestionMarkOnly_CaseSensitive(string text, string pattern, bool expected)
        {
            Assert.Equal(expected, OpenSshPattern.Matches(text, pattern));
        }

        [Theory]
        [InlineData("b1", "a*,b*", 1)]
        [InlineData("b2", "a*,b*,!b2", -1)]
        [InlineData("b2", "!b2,b*", -1)]
        [InlineData("c1", "a*,b*", 0)]
        [InlineData("c1", "!b*", 0)]
        public void MatchList_NegatedMatchWins(string text, string list, int expected)
        {
            Assert.Equal(expected, OpenSshPattern.MatchList(text, list, lowercasePatterns: false));
        }

        [Theory]
        [InlineData("WEB.Example.com", "web.example.COM", true)]
        [InlineData("web", "!WEB,*", false)]
        public void MatchHostName_IgnoresCase(string host, string list, bool expected)
        {
            Assert.Equal(expected, OpenSshPattern.MatchHostName(host, list));
        }
    }
}
