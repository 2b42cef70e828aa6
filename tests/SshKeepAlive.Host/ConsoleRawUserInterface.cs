using System;
using System.Management.Automation.Host;

namespace SshKeepAlive.Host
{
    /// <summary>The console's size, cursor and keys, for commands that run a terminal session.</summary>
    internal sealed class ConsoleRawUserInterface : PSHostRawUserInterface
    {
        public override ConsoleColor BackgroundColor { get => Console.BackgroundColor; set => Console.BackgroundColor = value; }

        public override ConsoleColor ForegroundColor { get => Console.ForegroundColor; set => Console.ForegroundColor = value; }

        public override Size BufferSize
        {
            get => Console.IsOutputRedirected ? new Size(120, 50) : new Size(Console.BufferWidth, Console.BufferHeight);
            set => throw new NotSupportedException("This host does not resize the console buffer.");
        }

        public override Coordinates CursorPosition
        {
            get => Console.IsOutputRedirected ? new Coordinates(0, 0) : new Coordinates(Console.CursorLeft, Console.CursorTop);
            set => Console.SetCursorPosition(value.X, value.Y);
        }

        public override int CursorSize { get => 25; set { } }

        public override bool KeyAvailable => Console.KeyAvailable;

        public override Size MaxPhysicalWindowSize => WindowSize;

        public override Size MaxWindowSize => WindowSize;

        public override Coordinates WindowPosition { get => new Coordinates(0, 0); set { } }

        public override Size WindowSize
        {
            get => Console.IsOutputRedirected ? new Size(120, 50) : new Size(Console.WindowWidth, Console.WindowHeight);
            set => throw new NotSupportedException("This host does not resize the console window.");
        }

        public override string WindowTitle { get => string.Empty; set { } }

        public override void FlushInputBuffer()
        {
            while (Console.KeyAvailable)
            {
                Console.ReadKey(intercept: true);
            }
        }

        public override BufferCell[,] GetBufferContents(Rectangle rectangle) =>
            throw new NotSupportedException("This host cannot read the screen buffer.");

        public override KeyInfo ReadKey(ReadKeyOptions options)
        {
            ConsoleKeyInfo key = Console.ReadKey((options & ReadKeyOptions.NoEcho) != 0);
            return new KeyInfo((int)key.Key, key.KeyChar, ToControlKeyStates(key.Modifiers), keyDown: true);
        }

        public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) =>
            throw new NotSupportedException("This host cannot scroll the screen buffer.");

        public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) =>
            throw new NotSupportedException("This host cannot write the screen buffer.");

        public override void SetBufferContents(Rectangle rectangle, BufferCell fill) =>
            throw new NotSupportedException("This host cannot write the screen buffer.");

        private static ControlKeyStates ToControlKeyStates(ConsoleModifiers modifiers)
        {
            ControlKeyStates states = 0;
            if ((modifiers & ConsoleModifiers.Shift) != 0)
            {
                states |= ControlKeyStates.ShiftPressed;
            }

            if ((modifiers & ConsoleModifiers.Control) != 0)
            {
                states |= ControlKeyStates.LeftCtrlPressed;
            }

            if ((modifiers & ConsoleModifiers.Alt) != 0)
            {
                states |= ControlKeyStates.LeftAltPressed;
            }

            return states;
        }
    }
}
