using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace SshKeepAlive.Core.Terminal
{
    /// <summary>
    /// The process console as a terminal: keys read without echo and encoded as VT sequences, Ctrl-C passed
    /// through as input, remote output written as raw bytes.
    /// </summary>
    public sealed class ConsoleTerminal : ITerminal, IDisposable
    {
        private static readonly TimeSpan KeyPoll = TimeSpan.FromMilliseconds(20);
        private readonly Stream output = Console.OpenStandardOutput();
        private readonly bool previousTreatControlCAsInput;

        public ConsoleTerminal()
        {
            previousTreatControlCAsInput = Console.TreatControlCAsInput;
            Console.TreatControlCAsInput = true;
        }

        /// <summary>The terminal type to ask the server for: this console's TERM, else xterm-256color.</summary>
        public static string TerminalType =>
            Environment.GetEnvironmentVariable("TERM") is string term && term.Length > 0 ? term : "xterm-256color";

        public int Columns => Console.IsOutputRedirected ? 80 : Console.WindowWidth;

        public int Rows => Console.IsOutputRedirected ? 24 : Console.WindowHeight;

        public async Task<int> ReadAsync(byte[] buffer, CancellationToken cancellationToken)
        {
            // Poll rather than block in ReadKey: a blocked read cannot be cancelled and would swallow the
            // first key typed at the prompt after the session ends.
            while (!Console.KeyAvailable)
            {
                await Task.Delay(KeyPoll, cancellationToken).ConfigureAwait(false);
            }

            // A key encodes to at most 8 bytes (ESC [ 2 4 ; 8 ~ and the like); stop while one more surely fits.
            int count = 0;
            while (Console.KeyAvailable && count + 16 <= buffer.Length)
            {
                byte[] encoded = KeyEncoder.Encode(Console.ReadKey(intercept: true));
                Buffer.BlockCopy(encoded, 0, buffer, count, encoded.Length);
                count += encoded.Length;
            }

            return count;
        }

        public void Write(byte[] buffer, int offset, int count)
        {
            output.Write(buffer, offset, count);
            output.Flush();
        }

        public void WriteStatus(string message)
        {
            byte[] line = System.Text.Encoding.UTF8.GetBytes("\r\n[SshKeepAlive] " + message + "\r\n");
            Write(line, 0, line.Length);
        }

        public void Dispose() => Console.TreatControlCAsInput = previousTreatControlCAsInput;
    }
}
