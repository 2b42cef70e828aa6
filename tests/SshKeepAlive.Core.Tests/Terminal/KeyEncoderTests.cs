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
        [InlineData(ConsoleKey.Spacebar, '\0', false, false, true, "\0")]
        [InlineData(ConsoleKey.Spacebar, ' ', false, false, true, "\0")]
        [InlineData(ConsoleKey.D2, '\0', true, false, true, "\0")]
        [InlineData(ConsoleKey.Oem5, '\0', false, false, true, "\u001c")]
        [InlineData(ConsoleKey.Oem6, '\0', false, false, true, "\u001d")]
        [InlineData(ConsoleKey.D6, '\0', true, false, true, "\u001e")]
        [InlineData(ConsoleKey.OemMinus, '\0', true, false, true, "\u001f")]
        [InlineData(ConsoleKey.A, '\0', false, false, true, "\u0001")]
        [InlineData(ConsoleKey.Spacebar, '\0', false, true, true, "\u001b\0")]
        public void Encode_ProducesXtermSequences_IncludingTheControlsTheConsoleGivesNoCharacterFor(ConsoleKey key, char keyChar, bool shift, bool alt, bool control, string expected)
        {
            byte[] bytes = KeyEncoder.Encode(new ConsoleKeyInfo(keyChar, key, shift, alt, control));

            Assert.Equal(Encoding.UTF8.GetBytes(expected), bytes);
        }
    }
}
