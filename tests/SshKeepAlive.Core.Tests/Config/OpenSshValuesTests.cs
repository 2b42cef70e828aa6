using SshKeepAlive.Core.OpenSsh;
using Xunit;

namespace SshKeepAlive.Core.Tests.Config
{
    public sealed class OpenSshValuesTests
    {
        [Theory]
        [InlineData("0", 0)]
        [InlineData("90", 90)]
        [InlineData("90s", 90)]
        [InlineData("90S", 90)]
        [InlineData("1m30s", 90)]
        [InlineData("1M30", 90)]
        [InlineData("2h", 7200)]
        [InlineData("1d", 86400)]
        [InlineData("1w", 604800)]
        [InlineData("1W1D1H1M1S", 694861)]
        [InlineData("30s5", 35)]
        [InlineData("5m5m", 600)]
        [InlineData("+5", 5)]
        [InlineData("-0", 0)]
        [InlineData("2147483647", 2147483647)]
        public void TryParseTime_AcceptsConvtimeForms(string text, int seconds)
        {
            Assert.True(OpenSshValues.TryParseTime(text, out int parsed));
            Assert.Equal(seconds, parsed);
        }

        [Theory]
        [InlineData("")]
        [InlineData("none")]
        [InlineData("-1")]
        [InlineData("1x")]
        [InlineData("m")]
        [InlineData("1mm")]
        [InlineData("1.5m")]
        [InlineData("2147483648")]
        [InlineData("3551w")]
        [InlineData("2147483647s1")]
        [InlineData("99999999999999999999999")]
        public void TryParseTime_RejectsWhatConvtimeRejects(string text)
        {
            Assert.False(OpenSshValues.TryParseTime(text, out _));
        }

        [Theory]
        [InlineData("yes", true)]
        [InlineData("YES", true)]
        [InlineData("true", true)]
        [InlineData("no", false)]
        [InlineData("False", false)]
        public void TryParseFlag_AcceptsYesNoTrueFalse(string text, bool value)
        {
            Assert.True(OpenSshValues.TryParseFlag(text, out bool parsed));
            Assert.Equal(value, parsed);
        }

        [Theory]
        [InlineData("on")]
        [InlineData("1")]
        [InlineData("")]
        public void TryParseFlag_RejectsOtherWords(string text)
        {
            Assert.False(OpenSshValues.TryParseFlag(text, out _));
        }

        [Theory]
        [InlineData("3", true, 3)]
        [InlineData("+3", true, 3)]
        [InlineData("-3", false, 0)]
        [InlineData("3s", false, 0)]
        [InlineData("", false, 0)]
        public void TryParseInteger_FollowsStrtonum(string text, bool ok, int value)
        {
            Assert.Equal(ok, OpenSshValues.TryParseInteger(text, out int parsed));
            Assert.Equal(value, parsed);
        }
    }
}
