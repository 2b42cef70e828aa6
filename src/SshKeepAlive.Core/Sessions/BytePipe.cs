using System;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>One end of a byte pipe: what it reads from, what it writes to, and how it says "no more from me".</summary>
    internal sealed class PipeEnd : IDisposable
    {
        private readonly Action closeWrite;
        private readonly IDisposable owner;

        public PipeEnd(Stream read, Stream write, Action closeWrite, IDisposable owner)
        {
            Read = read;
            Write = write;
            this.closeWrite = closeWrite;
            this.owner = owner;
        }

        public Stream Read { get; }

        public Stream Write { get; }

        public static PipeEnd Of(Socket socket)
        {
            var stream = new NetworkStream(socket, ownsSocket: true);
            return new PipeEnd(stream, stream, () => socket.Shutdown(SocketShutdown.Send), stream);
        }

        public void CloseWrite()
        {
            try
            {
                closeWrite();
            }
            catch (Exception ex) when (ex is SocketException || ex is ObjectDisposedException || ex is IOException)
            {
                // Already closed: nothing more would have been written anyway.
            }
        }

        public void Dispose() => owner.Dispose();
    }

    /// <summary>Copies bytes both ways between two ends until both directions have ended, passing each end-of-stream on.</summary>
    internal static class BytePipe
    {
        private const int BufferSize = 32 * 1024;

        /// <summary>Runs until both directions end, or either fails or is cancelled; then disposes both ends.</summary>
        public static async Task RunAsync(PipeEnd a, PipeEnd b, CancellationToken cancellationToken)
        {
            using (a)
            using (b)
            using (cancellationToken.Register(() => { a.Dispose(); b.Dispose(); }))
            {
                Task forward = CopyAsync(a, b);
                Task backward = CopyAsync(b, a);
                if ((await Task.WhenAny(forward, backward).ConfigureAwait(false)).IsFaulted)
                {
                    // A broken end ends the pipe: the other direction would otherwise wait for ever.
                    a.Dispose();
                    b.Dispose();
                }

                try
                {
                    await Task.WhenAll(forward, backward).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException || ex is SocketException || ex is ObjectDisposedException || ex is OperationCanceledException || ex is InvalidOperationException)
                {
                    // Either end closing under the copy ends it; nothing is left to do.
                }
            }
        }

        private static async Task CopyAsync(PipeEnd from, PipeEnd to)
        {
            var buffer = new byte[BufferSize];
            try
            {
                int read;
                while ((read = await from.Read.ReadAsync(buffer, 0, buffer.Length).ConfigureAwait(false)) > 0)
                {
                    await to.Write.WriteAsync(buffer, 0, read).ConfigureAwait(false);
                    await to.Write.FlushAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                to.CloseWrite();
            }
        }
    }
}
