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
    
        [Fact]
        public void Filter_PassesEveryOtherByteUnchanged_ControlsAndStringTerminatorsIncluded()
        {
            var filter = new EscapeFilter();
            byte[] input = new byte[256];
            for (int i = 0; i < input.Length; i++)
            {
                input[i] = (byte)i;
            }

            byte[] output = filter.Filter(input, input.Length, out bool disconnect);

            // '~' (0x7e) follows '}', not a newline, so it too is sent as typed.
            Assert.Equal(input, output);
            Assert.False(disconnect);
            Assert.Equal(new byte[] { 0x1b, 0x5c }, filter.Filter(new byte[] { 0x1b, 0x5c }, 2, out _));
        }

        [Fact]
        public void StartLine_MakesTheNextTildeDotDisconnect_WithoutANewlineFirst()
        {
            var filter = new EscapeFilter();
            filter.Filter(new[] { (byte)'l', (byte)'s', (byte)'~' }, 3, out _);

            filter.StartLine();
            byte[] output = filter.Filter(new[] { (byte)'~', (byte)'.' }, 2, out bool disconnect);

            Assert.Empty(output);
            Assert.True(disconnect);
        }
    }
}
