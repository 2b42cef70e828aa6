using System;
using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace SshKeepAlive.Core.Platform
{
    /// <summary>
    /// Standard input of a Unix terminal in raw mode, as ssh puts it (cfmakeraw): no echo, no line editing, no
    /// signals from Ctrl-C, Ctrl-\ or Ctrl-Z, no XON/XOFF, no CR/NL translation; every byte the terminal sends is
    /// read as it is. Disposing restores the modes found.
    /// </summary>
    /// <remarks>
    /// Why not Console.ReadKey: .NET parses the terminal's bytes into keys and some do not survive the round trip
    /// back to bytes (a NUL from Ctrl-Space and Ctrl-\ come back as nothing, the ESC of a reply's <c>ESC \</c>
    /// string terminator is lost). The termios struct differs between Linux and macOS, so it is kept as an opaque
    /// buffer that only tcgetattr, cfmakeraw and tcsetattr, which both have, touch. Reading polls with a short
    /// timeout, so a read can be cancelled: a read blocked in read(2) would swallow the first key typed at the
    /// prompt after the session ends.
    /// </remarks>
    public sealed class UnixTerminal : IDisposable
    {
        private const int StandardInput = 0;
        private const int TcsaDrain = 1; // TCSADRAIN on Linux and macOS
        private const short PollIn = 1;
        private const int Interrupted = 4; // EINTR
        private const int PollMilliseconds = 100; // how soon a cancelled read notices

        // Larger than struct termios on every platform (60 bytes on Linux, 72 on macOS).
        private const int TermiosSize = 256;

        private readonly byte[] saved = new byte[TermiosSize];
        private int restored;

        private UnixTerminal()
        {
            Check(tcgetattr(StandardInput, saved), "tcgetattr");
            byte[] raw = (byte[])saved.Clone();
            cfmakeraw(raw);
            Check(tcsetattr(StandardInput, TcsaDrain, raw), "tcsetattr");
        }

        /// <summary>Whether standard input is a terminal this process can put in raw mode (Linux, macOS).</summary>
        public static bool IsAvailable =>
            !RuntimeInformation.IsOSPlatform(OSPlatform.Windows) && !Console.IsInputRedirected;

        /// <summary>Puts standard input in raw mode until the result is disposed.</summary>
        /// <exception cref="Win32Exception">Standard input is not a terminal.</exception>
        public static UnixTerminal EnterRawMode() => new UnixTerminal();

        /// <summary>
        /// Waits for input and reads what the terminal has sent, up to the buffer's size; 0 at end of input (the
        /// terminal hung up). The wait blocks a pool thread in poll(2), so a key is read the moment it arrives.
        /// </summary>
        public Task<int> ReadAsync(byte[] buffer, CancellationToken cancellationToken) =>
            Task.Run(() => Read(buffer, cancellationToken), cancellationToken);

        private static int Read(byte[] buffer, CancellationToken cancellationToken)
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var ready = new PollFd { Fd = StandardInput, Events = PollIn };
                int polled = poll(ref ready, 1, PollMilliseconds);
                if (polled < 0)
                {
                    ThrowUnlessInterrupted("poll");
                }
                else if (polled > 0)
                {
                    // Readable, or hung up (POLLHUP): read says which, returning bytes or 0.
                    int count = read(StandardInput, buffer, (IntPtr)buffer.Length).ToInt32();
                    if (count >= 0)
                    {
                        return count;
                    }

                    ThrowUnlessInterrupted("read");
                }
            }
        }

        /// <summary>Restores the modes the terminal had before.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref restored, 1) == 0)
            {
                tcsetattr(StandardInput, TcsaDrain, saved);
            }
        }

        private static void Check(int result, string call)
        {
            if (result != 0)
            {
                int errno = Marshal.GetLastWin32Error();
                throw new Win32Exception(errno, $"{call} on standard input failed: {new Win32Exception(errno).Message}");
            }
        }

        private static void ThrowUnlessInterrupted(string call)
        {
            int errno = Marshal.GetLastWin32Error();
            if (errno != Interrupted)
            {
                throw new Win32Exception(errno, $"{call} on standard input failed: {new Win32Exception(errno).Message}");
            }
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int tcgetattr(int fd, byte[] termios);

        [DllImport("libc", SetLastError = true)]
        private static extern int tcsetattr(int fd, int optionalActions, byte[] termios);

        [DllImport("libc")]
        private static extern void cfmakeraw(byte[] termios);

        [DllImport("libc", SetLastError = true)]
        private static extern int poll(ref PollFd fds, uint count, int timeoutMilliseconds);

        [DllImport("libc", SetLastError = true)]
        private static extern IntPtr read(int fd, byte[] buffer, IntPtr count);

        /// <summary>struct pollfd, the same on Linux and macOS.</summary>
        [StructLayout(LayoutKind.Sequential)]
        private struct PollFd
        {
            public int Fd;
            public short Events;
            public short Revents;
        }
    }
}
