using System.Text;
using SshKeepAlive.Core.Terminal;
using Xunit;

namespace SshKeepAlive.Core.Tests.Terminal
{
    public sealed class EscapeFilterTests
    {
        [Theory]
        [InlineData("ls\r", "ls\r", false)]
        [InlineData("~.", "", true)]
        [InlineData("echo hi\r~.", "echo hi\r", true)]
        [InlineData("a~.", "a~.", false)]
        [InlineData("~~", "~", false)]
        [InlineData("~x", "~x", false)]
        [InlineData("\n~.", "\n", true)]
        public void Filter_HonoursTheTildeEscapeOnlyAtLineStart(string typed, string forwarded, bool disconnects)
        {
            var filter = new EscapeFilter();
            byte[] input = Encoding.ASCII.GetBytes(typed);

            byte[] output = filter.Filter(input, input.Length, out bool disconnect);

            Assert.Equal(forwarded, Encoding.ASCII.GetString(output));
            Assert.Equal(disconnects, disconnect);
        }

        [Fact]
        public void Filter_WhenTheEscapeIsSplitAcrossReads_StillDisconnects()
        {
            var filter = new EscapeFilter();

            byte[] first = filter.Filter(new[] { (byte)'\r', (byte)'~' }, 2, out bool early);
            filter.Filter(new[] { (byte)'.' }, 1, out bool disconnect);

            Assert.Equal(new[] { (byte)'\r' }, first);
            Assert.False(early);
            Assert.True(disconnect);
        }
    }
}
