using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SshKeepAlive.Core.Platform;

namespace SshKeepAlive.Core.Terminal
{
    /// <summary>
    /// The process console as a terminal. On Linux and macOS its input is read raw, byte for byte as the terminal
    /// sends it (as ssh reads it); on Windows keys are read with Console.ReadKey and encoded as an xterm would.
    /// Remote output is written as raw bytes.
    /// </summary>
    public sealed class ConsoleTerminal : ITerminal, IDisposable
    {
        private static readonly TimeSpan KeyPoll = TimeSpan.FromMilliseconds(20);
        private static readonly byte[] ClearLine = Encoding.ASCII.GetBytes("\r\u001b[K");
        private readonly Stream output = Console.OpenStandardOutput();
        private readonly bool previousTreatControlCAsInput;
        private readonly UnixTerminal? raw;
        private bool progressShown;

        /// <summary>Takes over the console: raw input (Unix) or Ctrl-C as input (Windows), until disposed.</summary>
        public ConsoleTerminal()
        {
            // First, so that .NET's own idea of the terminal (which it re-applies on some signals) has Ctrl-C as input too.
            previousTreatControlCAsInput = Console.TreatControlCAsInput;
            Console.TreatControlCAsInput = true;
            if (UnixTerminal.IsAvailable)
            {
                raw = UnixTerminal.EnterRawMode();
            }
        }

        /// <summary>
        /// The terminal type to ask the server for, as ssh chooses it: the session's SetEnv TERM, else this console's
        /// TERM, else xterm-256color.
        /// </summary>
        public static string TerminalTypeFor(Sessions.SshSessionSettings settings) =>
            settings.SentEnvironment.Assigned("TERM") is string set && set.Length > 0 ? set
            : Environment.GetEnvironmentVariable("TERM") is string term && term.Length > 0 ? term : "xterm-256color";

        public int Columns => Console.IsOutputRedirected ? 80 : Console.WindowWidth;

        public int Rows => Console.IsOutputRedirected ? 24 : Console.WindowHeight;

        public Task<int> ReadAsync(byte[] buffer, CancellationToken cancellationToken) =>
            raw != null ? raw.ReadAsync(buffer, cancellationToken) : ReadKeysAsync(buffer, cancellationToken);

        public void Write(byte[] buffer, int offset, int count)
        {
            lock (output)
            {
                EndProgress();
                output.Write(buffer, offset, count);
                output.Flush();
            }
        }

        public void WriteStatus(string message)
        {
            lock (output)
            {
                EndProgress();
                WriteRaw(Encoding.UTF8.GetBytes("\r\n[SshKeepAlive] " + message + "\r\n"));
            }
        }

        public void ShowProgress(string message)
        {
            // One row: a longer line would wrap, and the next update would rewrite only its last row.
            string line = "[SshKeepAlive] " + message;
            int width = Math.Max(Columns - 1, 20);
            if (line.Length > width)
            {
                line = line.Substring(0, width);
            }

            lock (output)
            {
                if (!progressShown)
                {
                    WriteRaw(Encoding.ASCII.GetBytes("\r\n"));
                    progressShown = true;
                }

                WriteRaw(ClearLine);
                WriteRaw(Encoding.UTF8.GetBytes(line));
            }
        }

        public void Dispose()
        {
            raw?.Dispose();
            Console.TreatControlCAsInput = previousTreatControlCAsInput;
        }

        // Windows: keys, each encoded as an xterm sends it; a key that encodes to nothing (a lone modifier) is skipped.
        private static async Task<int> ReadKeysAsync(byte[] buffer, CancellationToken cancellationToken)
        {
            int count = 0;
            while (count == 0)
            {
                // Poll rather than block in ReadKey: a blocked read cannot be cancelled and would swallow the
                // first key typed at the prompt after the session ends.
                while (!Console.KeyAvailable)
                {
                    await Task.Delay(KeyPoll, cancellationToken).ConfigureAwait(false);
                }

                // A key encodes to at most 8 bytes (ESC [ 2 4 ; 8 ~ and the like); stop while one more surely fits.
                while (Console.KeyAvailable && count + 16 <= buffer.Length)
                {
                    byte[] encoded = KeyEncoder.Encode(Console.ReadKey(intercept: true));
                    Buffer.BlockCopy(encoded, 0, buffer, count, encoded.Length);
                    count += encoded.Length;
                }
            }

            return count;
        }

        private void EndProgress()
        {
            if (progressShown)
            {
                progressShown = false;
                WriteRaw(Encoding.ASCII.GetBytes("\r\n"));
            }
        }

        private void WriteRaw(byte[] bytes)
        {
            output.Write(bytes, 0, bytes.Length);
            output.Flush();
        }
    }
}
