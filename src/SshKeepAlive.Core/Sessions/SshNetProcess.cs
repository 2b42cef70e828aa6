using System;
using System.Collections.Concurrent;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Renci.SshNet;
using SshKeepAlive.Core.Platform;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>
    /// A command on its own exec channel whose standard input stays open until it is disposed: what it prints is read
    /// line by line as it comes; disposing sends a newline and end of file, and waits (10 s at most) for it to end. A lock held by
    /// such a command is released when it is disposed, or when the connection dies.
    /// </summary>
    internal sealed class SshNetProcess : IRemoteProcess
    {
        private static readonly TimeSpan EndWait = TimeSpan.FromSeconds(10);
        private readonly SshCommand command;
        private readonly Task execution;
        private readonly Stream? input;
        private readonly BlockingCollection<string> lines = new BlockingCollection<string>();
        private int disposed;

        public SshNetProcess(SshCommand command)
        {
            this.command = command;
            execution = command.ExecuteAsync(CancellationToken.None);
            try
            {
                input = command.CreateInputStream();
            }
            catch (InvalidOperationException)
            {
                input = null; // it has already ended; ReadLine and ErrorText say how
            }

            // A thread of its own: the read blocks for as long as the command runs (a held lock), which on the thread
            // pool would starve the continuations every other command of a fleet waits for.
            new Thread(ReadLines) { IsBackground = true, Name = "SshKeepAlive remote process" }.Start();
        }

        public string ErrorText
        {
            get
            {
                if (!execution.IsCompleted)
                {
                    return string.Empty;
                }

                using var reader = new StreamReader(command.ExtendedOutputStream, Encoding.UTF8);
                return reader.ReadToEnd().Trim();
            }
        }

        public string? ReadLine(TimeSpan timeout, CancellationToken cancellationToken)
        {
            try
            {
                return lines.TryTake(out string? line, (int)Math.Min(int.MaxValue, timeout.TotalMilliseconds), cancellationToken) ? line : null;
            }
            catch (InvalidOperationException)
            {
                return null; // it ended
            }
        }

        public void Write(byte[] bytes)
        {
            input?.Write(bytes, 0, bytes.Length);
            input?.Flush();
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) != 0)
            {
                return;
            }

            try
            {
                // SSH.NET sends end of file only for a stream something was written to.
                input?.Write(new[] { (byte)'\n' }, 0, 1);
                input?.Dispose();
                execution.Wait(EndWait);
            }
            catch (Exception ex) when (ex is AggregateException || ex is ObjectDisposedException || ex is IOException || ex is Renci.SshNet.Common.SshException)
            {
                // The connection is gone, and the command with it.
            }

            command.Dispose();
        }

        private void ReadLines()
        {
            try
            {
                using var reader = new StreamReader(command.OutputStream, Encoding.UTF8);
                for (string? line = reader.ReadLine(); line != null; line = reader.ReadLine())
                {
                    lines.Add(line);
                }
            }
            catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException || ex is InvalidOperationException)
            {
                // Ended with the channel.
            }
            finally
            {
                lines.CompleteAdding();
            }
        }
    }
}
