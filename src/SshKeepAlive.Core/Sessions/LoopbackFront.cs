using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>
    /// A SOCKS5 listener on an ephemeral loopback port that SSH.NET connects through when a hop is not reached
    /// directly: SSH.NET connects only to sockets, so a jump host's channel or a ProxyCommand's standard input and
    /// output are offered to it this way. Each front has its own random username and password (RFC 1929), so no other
    /// local process can use it; it lives as long as the connector that made it.
    /// </summary>
    internal sealed class LoopbackFront : IDisposable
    {
        private readonly TcpListener listener = new TcpListener(IPAddress.Loopback, 0);
        private readonly Func<SocksRequest, Socket, CancellationToken, Task> serve;
        private readonly CancellationTokenSource closing = new CancellationTokenSource();

        /// <param name="serve">
        /// Carries one accepted connection to where the request names (answering the request first); it owns the socket
        /// and returns when the connection is over.
        /// </param>
        public LoopbackFront(Func<SocksRequest, Socket, CancellationToken, Task> serve)
        {
            this.serve = serve;
            listener.Start();
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            _ = Task.Run(AcceptLoopAsync);
        }

        public int Port { get; }

        public string User { get; } = Socks.NewSecret();

        public string Password { get; } = Socks.NewSecret();

        public void Dispose()
        {
            closing.Cancel();
            listener.Stop();
        }

        private async Task AcceptLoopAsync()
        {
            while (!closing.IsCancellationRequested)
            {
                Socket client;
                try
                {
                    client = await listener.AcceptSocketAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is ObjectDisposedException || ex is SocketException || ex is InvalidOperationException)
                {
                    return;
                }

                _ = Task.Run(() => ServeAsync(client));
            }
        }

        private async Task ServeAsync(Socket client)
        {
            client.NoDelay = true;
            try
            {
                // Not disposed: the request answers on it; the socket outlives it either way.
                var handshake = new NetworkStream(client, ownsSocket: false);
                SocksRequest? request = await Socks.AcceptAsync(handshake, User, Password, closing.Token).ConfigureAwait(false);

                if (request == null)
                {
                    client.Dispose();
                    return;
                }

                await serve(request, client, closing.Token).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // One connection's failure is that connection's: SSH.NET sees it closed and reports the connect as failed.
                client.Dispose();
            }
        }
    }
}
