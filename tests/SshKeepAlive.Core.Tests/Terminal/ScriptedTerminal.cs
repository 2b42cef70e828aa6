using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SshKeepAlive.Core.Terminal;

namespace SshKeepAlive.Core.Tests.Terminal
{
    /// <summary>A terminal driven by the test: typed text goes in, remote output and status lines are collected.</summary>
    public sealed class ScriptedTerminal : ITerminal
    {
        private readonly BlockingCollection<byte[]> typed = new BlockingCollection<byte[]>();
        private readonly ConcurrentQueue<string> statuses = new ConcurrentQueue<string>();
        private readonly ConcurrentQueue<(DateTimeOffset Time, string Line)> progress = new ConcurrentQueue<(DateTimeOffset, string)>();
        private readonly StringBuilder output = new StringBuilder();

        /// <summary>The size the shell sees; a test changes it as a user resizes the window.</summary>
        public int Columns { get; set; } = 100;

        public int Rows { get; set; } = 30;

        public IReadOnlyCollection<string> Statuses => statuses.ToArray();

        /// <summary>Every progress line shown, with when it was shown.</summary>
        public IReadOnlyCollection<(DateTimeOffset Time, string Line)> Progress => progress.ToArray();

        public string Output
        {
            get
            {
                lock (output)
                {
                    return output.ToString();
                }
            }
        }

        public void Type(string text) => typed.Add(Encoding.UTF8.GetBytes(text));

        public void EndInput() => typed.CompleteAdding();

        public Task<int> ReadAsync(byte[] buffer, CancellationToken cancellationToken) => Task.Run(
            () =>
            {
                if (!typed.TryTake(out byte[]? chunk, Timeout.Infinite, cancellationToken))
                {
                    return 0;
                }

                chunk.CopyTo(buffer, 0);
                return chunk.Length;
            },
            cancellationToken);

        public void Write(byte[] buffer, int offset, int count)
        {
            lock (output)
            {
                output.Append(Encoding.UTF8.GetString(buffer, offset, count));
            }
        }

        public void WriteStatus(string message) => statuses.Enqueue(message);

        public void ShowProgress(string message) => progress.Enqueue((DateTimeOffset.Now, message));
    }
}
