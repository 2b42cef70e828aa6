using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using SshKeepAlive.Core.OpenSsh;

namespace SshKeepAlive.Core.Sessions
{
    public enum PortForwardState
    {
        /// <summary>Not set up yet (the session has not connected).</summary>
        Pending,

        /// <summary>Up: the listener is bound and connections are carried.</summary>
        Active,

        /// <summary>The session is reconnecting: a local listener stays bound and new connections wait for the session.</summary>
        Waiting,

        /// <summary>Could not be set up on the current connection (see <see cref="PortForward.LastError"/>); tried again on the next.</summary>
        Failed,

        /// <summary>The session is closed.</summary>
        Closed,
    }

    /// <summary>A forward set up by ExitOnForwardFailure could not be established.</summary>
    public sealed class ForwardFailedException : Exception
    {
        public ForwardFailedException(string message, Exception? inner = null)
            : base(message, inner)
        {
        }
    }

    /// <summary>
    /// One port forward of a persistent session, kept up across reconnects: a local or dynamic forward's listener is
    /// bound once and stays bound while the session lives (connections that arrive while it reconnects wait for it);
    /// a remote forward is asked of the server again on every connection.
    /// </summary>
    public sealed class PortForward : IDisposable
    {
        private readonly PersistentSshSession session;
        private readonly bool gatewayPorts;
        private readonly CancellationTokenSource closing = new CancellationTokenSource();
        private TcpListener? listener;
        private int open;
        private long carried;
        private bool established;
        private bool failed;
        private bool closed;

        internal PortForward(PersistentSshSession session, ForwardSpec spec, bool gatewayPorts)
        {
            this.session = session;
            Spec = spec;
            this.gatewayPorts = gatewayPorts;
        }

        public ForwardSpec Spec { get; }

        public ForwardKind Kind => Spec.Kind;

        public PortForwardState State =>
            closed ? PortForwardState.Closed
            : failed ? PortForwardState.Failed
            : !established ? PortForwardState.Pending
            : session.State == SessionState.Connected ? PortForwardState.Active
            : PortForwardState.Waiting;

        /// <summary>Where it listens: here for local and dynamic forwards, on the server for remote ones.</summary>
        public string Listen => (Spec.Kind == ForwardKind.Remote ? "remote " : string.Empty) + (Spec.ListenHost ?? "localhost") + ":" + (BoundPort ?? Spec.ListenPort);

        /// <summary>Where connections go: host:port, or "socks" for a dynamic forward.</summary>
        public string Destination => Spec.IsDynamic ? "socks" : Spec.ConnectHost + ":" + Spec.ConnectPort;

        /// <summary>The port actually listened on (the server's choice for a remote forward of port 0).</summary>
        public int? BoundPort { get; private set; }

        /// <summary>Connections being carried now.</summary>
        public int OpenConnections => Volatile.Read(ref open);

        /// <summary>Connections carried since the session opened.</summary>
        public long ConnectionsCarried => Interlocked.Read(ref carried);

        /// <summary>Why the forward last failed to set up, if it did.</summary>
        public string? LastError { get; private set; }

        public override string ToString() => $"{Spec.Kind} {Listen} -> {Destination} ({State})";

        public void Dispose()
        {
            closed = true;
            closing.Cancel();
            listener?.Stop();
        }

        /// <summary>
        /// Sets the forward up on a new connection, before the session takes it: binds a local listener the first time
        /// (and after a failed bind), asks the server for a remote one every time.
        /// </summary>
        /// <exception cref="ForwardFailedException">It could not be set up (the caller decides, by ExitOnForwardFailure, whether that matters).</exception>
        internal void Establish(ISshConnection connection)
        {
            try
            {
                if (Spec.Kind == ForwardKind.Remote)
                {
                    BoundPort = connection.StartRemoteForward(Spec.ListenHost ?? "localhost", Spec.ListenPort, Spec.ConnectHost!, Spec.ConnectPort);
                }
                else if (listener == null)
                {
                    listener = Bind();
                    BoundPort = ((IPEndPoint)listener.LocalEndpoint).Port;
                    _ = Task.Run(AcceptLoopAsync);
                }

                LastError = null;
                failed = false;
                established = true;
            }
            catch (Exception ex) when (!(ex is ForwardFailedException))
            {
                LastError = ex.Message;
                failed = true;
                throw new ForwardFailedException($"The forward {Spec.Kind} {Listen} -> {Destination} could not be set up: {ex.Message}", ex);
            }
        }

        // ssh's rule (channel_fwd_bind_addr): no address is loopback, or every interface with GatewayPorts; "" and "*"
        // every interface; "localhost" loopback; anything else that address.
        private TcpListener Bind()
        {
            string? host = Spec.ListenHost;
            IPAddress address = host == null ? (gatewayPorts ? IPAddress.Any : IPAddress.Loopback)
                : host.Length == 0 || host == "*" ? IPAddress.Any
                : host == "localhost" ? IPAddress.Loopback
                : IPAddress.TryParse(host, out IPAddress? parsed) ? parsed
                : Dns.GetHostAddresses(host)[0];
            var bound = new TcpListener(address, Spec.ListenPort);
            bound.Start();
            return bound;
        }

        private async Task AcceptLoopAsync()
        {
            while (!closing.IsCancellationRequested)
            {
                Socket client;
                try
                {
                    client = await listener!.AcceptSocketAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is ObjectDisposedException || ex is SocketException || ex is InvalidOperationException)
                {
                    return;
                }

                client.NoDelay = true;
                _ = Task.Run(() => CarryAsync(client));
            }
        }

        // One client: (a dynamic forward reads its SOCKS request first), waits for the session if it is reconnecting,
        // then a channel of the current connection carries it.
        private async Task CarryAsync(Socket client)
        {
            Interlocked.Increment(ref open);
            Interlocked.Increment(ref carried);
            try
            {
                string host = Spec.ConnectHost ?? string.Empty;
                int port = Spec.ConnectPort;
                SocksRequest? request = null;
                if (Spec.IsDynamic)
                {
                    request = await Socks.AcceptAsync(new NetworkStream(client, ownsSocket: false), null, null, closing.Token).ConfigureAwait(false);
                    if (request == null)
                    {
                        client.Dispose();
                        return;
                    }

                    (host, port) = (request.Host, request.Port);
                }

                Socket channel;
                try
                {
                    channel = await session.OpenChannelAsync(host, port, closing.Token).ConfigureAwait(false);
                }
                catch (Exception) when (!closing.IsCancellationRequested)
                {
                    // The session did not come back in time, or the server refused: refused cleanly, as ssh does.
                    if (request != null)
                    {
                        await request.ReplyAsync(false, closing.Token).ConfigureAwait(false);
                    }

                    client.Dispose();
                    return;
                }

                if (request != null)
                {
                    await request.ReplyAsync(true, closing.Token).ConfigureAwait(false);
                }

                await BytePipe.RunAsync(PipeEnd.Of(client), PipeEnd.Of(channel), closing.Token).ConfigureAwait(false);
            }
            catch (Exception)
            {
                client.Dispose();
            }
            finally
            {
                Interlocked.Decrement(ref open);
            }
        }
    }
}
