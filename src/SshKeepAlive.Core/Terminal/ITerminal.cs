using System.Threading;
using System.Threading.Tasks;

namespace SshKeepAlive.Core.Terminal
{
    /// <summary>The local end of an interactive session: the console, or a scripted stand-in in tests.</summary>
    public interface ITerminal
    {
        int Columns { get; }

        int Rows { get; }

        /// <summary>
        /// Waits for input and copies the bytes the terminal sent into <paramref name="buffer"/>, unchanged;
        /// returns 0 only when input has ended.
        /// </summary>
        Task<int> ReadAsync(byte[] buffer, CancellationToken cancellationToken);

        /// <summary>Writes remote output unchanged.</summary>
        void Write(byte[] buffer, int offset, int count);

        /// <summary>Shows a one-line message of ours (not the remote's) on a line of its own.</summary>
        void WriteStatus(string message);

        /// <summary>
        /// Shows a status line that replaces the previous one shown this way (an outage's progress); the next
        /// <see cref="WriteStatus"/> or remote output starts on a new line.
        /// </summary>
        void ShowProgress(string message);
    }
}
