using System;
using System.Text;
using SshKeepAlive.Core.Terminal;
using Xunit;

namespace SshKeepAlive.Core.Tests.Terminal
{
    public sealed class KeyEncoderTests
    {
        [Theory]
        [InlineData(ConsoleKey.UpArrow, '\0', false, false, false, "\u001b[A")]
        [InlineData(ConsoleKey.LeftArrow, '\0', false, false, true, "\u001b[1;5D")]
        [InlineData(ConsoleKey.F1, '\0', false, false, false, "\u001bOP")]
        [InlineData(ConsoleKey.F5, '\0', false, false, false, "\u001b[15~")]
        [InlineData(ConsoleKey.Delete, '\0', true, false, false, "\u001b[3;2~")]
        [InlineData(ConsoleKey.Backspace, '\b', false, false, false, "\u007f")]
        [InlineData(ConsoleKey.Enter, '\r', false, false, false, "\r")]
        [InlineData(ConsoleKey.Tab, '\t', true, false, false, "\u001b[Z")]
        [InlineData(ConsoleKey.C, '\u0003', false, false, true, "\u0003")]
        [InlineData(ConsoleKey.B, 'b', false, true, false, "\u001bb")]
        [InlineData(ConsoleKey.E, 'é', false, false, false, "é")]
        public void Encode_ProducesXtermSequences(ConsoleKey key, char keyChar, bool shift, bool alt, bool control, string expected)
        {
            byte[] bytes = KeyEncoder.Encode(new ConsoleKeyInfo(keyChar, key, shift, alt, control));

            Assert.Equal(Encoding.UTF8.GetBytes(expected), bytes);
        }
    }
}
