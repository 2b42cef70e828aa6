using SshKeepAlive.Core.Editing;
using SshKeepAlive.Core.Errors;
using Xunit;

namespace SshKeepAlive.Core.Tests.Editing
{
    public sealed class EditRulesTests
    {
        [Theory]
        [InlineData("60", 60)]
        [InlineData("5m", 300)]
        [InlineData("1h30m", 5400)]
        [InlineData("1M", 60)]
        [InlineData("0", 0)]
        [InlineData(" 90 ", 90)]
        [InlineData("1d", 86400)]
        public void ParseKeepAliveInterval_AcceptsSecondsAndOpenSshTimes(string text, int seconds) =>
            Assert.Equal(seconds, EditRules.ParseKeepAliveInterval(text, "ServerAliveInterval"));

        [Theory]
        [InlineData("-5")]
        [InlineData("")]
        [InlineData("5x")]
        [InlineData("5 m")]
        [InlineData("1d1s")]
        [InlineData("99999999999")]
        public void ParseKeepAliveInterval_RefusesNegativeMalformedAndAbsurdValues(string text) =>
            Assert.Equal(ErrorId.IntervalInvalid, Assert.Throws<ConfigEditException>(() => EditRules.ParseKeepAliveInterval(text, "ServerAliveInterval")).Id);

        [Theory]
        [InlineData(-1)]
        [InlineData(101)]
        public void CheckCountMax_RefusesOutOfRange(int count) =>
            Assert.Equal(ErrorId.CountMaxInvalid, Assert.Throws<ConfigEditException>(() => EditRules.CheckCountMax(count, "ClientAliveCountMax")).Id);

        [Theory]
        [InlineData("web01")]
        [InlineData("*.example.com")]
        [InlineData("db?")]
        [InlineData("10.0.0.*")]
        public void CheckHostPattern_AcceptsOnePattern(string pattern) => Assert.Equal(pattern, EditRules.CheckHostPattern(pattern));

        [Theory]
        [InlineData("")]
        [InlineData("web 01")]
        [InlineData("web\t01")]
        [InlineData("web01\n")]
        [InlineData("web#1")]
        [InlineData("\"web01\"")]
        [InlineData("'web01'")]
        [InlineData("web01,db01")]
        [InlineData("web=01")]
        [InlineData("!web01")]
        public void CheckHostPattern_RefusesWhatOpenSshWouldReadOtherwise(string pattern) =>
            Assert.Equal(ErrorId.HostPatternInvalid, Assert.Throws<ConfigEditException>(() => EditRules.CheckHostPattern(pattern)).Id);

        [Theory]
        [InlineData("session=30m", "session=1800")]
        [InlineData("global=1h", "global=3600")]
        [InlineData("forwarded-tcpip=5", "forwarded-tcpip=5")]
        public void NormalizeChannelTimeout_WritesSeconds(string entry, string normalized) =>
            Assert.Equal(normalized, EditRules.NormalizeChannelTimeout(entry));
    }
}
