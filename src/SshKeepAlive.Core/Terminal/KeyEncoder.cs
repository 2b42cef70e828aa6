using System;
using System.Text;

namespace SshKeepAlive.Core.Terminal
{
    /// <summary>
    /// Turns a console key press into the bytes an xterm sends for it. Used where the console gives keys, not the
    /// terminal's bytes (Windows); elsewhere the terminal is read raw.
    /// </summary>
    public static class KeyEncoder
    {
        public static byte[] Encode(ConsoleKeyInfo key)
        {
            bool alt = (key.Modifiers & ConsoleModifiers.Alt) != 0;
            string? special = Special(key);
            if (special != null)
            {
                return Encoding.ASCII.GetBytes(special);
            }

            // Ctrl-Space is NUL in an xterm, whatever character the console pairs it with.
            bool controlSpace = key.Key == ConsoleKey.Spacebar && (key.Modifiers & ConsoleModifiers.Control) != 0;
            char? character = key.KeyChar != '\0' && !controlSpace ? key.KeyChar : ControlCharacter(key);
            if (character == null)
            {
                return Array.Empty<byte>();
            }

            // Alt is an ESC prefix, as in xterm's metaSendsEscape.
            string text = (alt ? "\u001b" : string.Empty) + character.Value;
            return Encoding.UTF8.GetBytes(text);
        }

        // Ctrl with a key whose character the console leaves out (NUL from Ctrl-Space or Ctrl-@, Ctrl-\ and its
        // neighbours, and Ctrl+letter on consoles that give no character): the C0 control an xterm sends.
        private static char? ControlCharacter(ConsoleKeyInfo key)
        {
            if ((key.Modifiers & ConsoleModifiers.Control) == 0)
            {
                return null;
            }

            if (key.Key >= ConsoleKey.A && key.Key <= ConsoleKey.Z)
            {
                return (char)(key.Key - ConsoleKey.A + 1);
            }

            switch (key.Key)
            {
                case ConsoleKey.Spacebar:
                case ConsoleKey.D2: return '\u0000';
                case ConsoleKey.Oem4: return '\u001b';
                case ConsoleKey.Oem5: return '\u001c';
                case ConsoleKey.Oem6: return '\u001d';
                case ConsoleKey.D6: return '\u001e';
                case ConsoleKey.OemMinus: return '\u001f';
                default: return null;
            }
        }

        private static string? Special(ConsoleKeyInfo key)
        {
            int modifier = 1
                + ((key.Modifiers & ConsoleModifiers.Shift) != 0 ? 1 : 0)
                + ((key.Modifiers & ConsoleModifiers.Alt) != 0 ? 2 : 0)
                + ((key.Modifiers & ConsoleModifiers.Control) != 0 ? 4 : 0);

            string Cursor(char final) => modifier == 1 ? "\u001b[" + final : "\u001b[1;" + modifier + final;
            string Tilde(int code) => modifier == 1 ? "\u001b[" + code + "~" : "\u001b[" + code + ";" + modifier + "~";
            string Ss3(char final) => modifier == 1 ? "\u001bO" + final : "\u001b[1;" + modifier + final;

            switch (key.Key)
            {
                case ConsoleKey.UpArrow: return Cursor('A');
                case ConsoleKey.DownArrow: return Cursor('B');
                case ConsoleKey.RightArrow: return Cursor('C');
                case ConsoleKey.LeftArrow: return Cursor('D');
                case ConsoleKey.Home: return Cursor('H');
                case ConsoleKey.End: return Cursor('F');
                case ConsoleKey.Insert: return Tilde(2);
                case ConsoleKey.Delete: return Tilde(3);
                case ConsoleKey.PageUp: return Tilde(5);
                case ConsoleKey.PageDown: return Tilde(6);
                case ConsoleKey.F1: return Ss3('P');
                case ConsoleKey.F2: return Ss3('Q');
                case ConsoleKey.F3: return Ss3('R');
                case ConsoleKey.F4: return Ss3('S');
                case ConsoleKey.F5: return Tilde(15);
                case ConsoleKey.F6: return Tilde(17);
                case ConsoleKey.F7: return Tilde(18);
                case ConsoleKey.F8: return Tilde(19);
                case ConsoleKey.F9: return Tilde(20);
                case ConsoleKey.F10: return Tilde(21);
                case ConsoleKey.F11: return Tilde(23);
                case ConsoleKey.F12: return Tilde(24);
                case ConsoleKey.Backspace: return "\u007f";
                case ConsoleKey.Enter: return "\r";
                case ConsoleKey.Escape: return "\u001b";
                case ConsoleKey.Tab: return (key.Modifiers & ConsoleModifiers.Shift) != 0 ? "\u001b[Z" : "\t";
                default: return null;
            }
        }
    }
}
