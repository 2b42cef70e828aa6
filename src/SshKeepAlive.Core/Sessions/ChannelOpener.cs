using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Renci.SshNet;
using Renci.SshNet.Common;
using SshKeepAlive.Core.Platform;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>
    /// Opens direct-tcpip channels ("connect to host:port from the server") on one SSH.NET client, each as a
    /// connected loopback socket this process owns: SSH.NET offers those channels publicly only through
    /// <see cref="ForwardedPortLocal"/>, so each destination gets one bound to an ephemeral loopback port, and a
    /// socket of ours connects to it. The port accepts only those sockets: each is bound first, its local port
    /// recorded, and a connection from any other port is closed before a channel opens. SSH.NET opens and then carries
    /// each such channel on the thread-pool thread that completed the accept, blocked in a read loop until the channel or
    /// the socket closes, so each socket handed out reserves a pool thread until it is disposed.
    /// </summary>
    internal sealed class ChannelOpener : IDisposable
    {
        private readonly SshClient client;
        private readonly object gate = new object();
        private readonly Dictionary<(string Host, uint Port), ForwardedPortLocal> ports = new Dictionary<(string, uint), ForwardedPortLocal>();
        private readonly ConcurrentDictionary<uint, bool> expected = new ConcurrentDictionary<uint, bool>();
        private bool disposed;

        public ChannelOpener(SshClient client) => this.client = client;

        /// <summary>
        /// A socket whose bytes travel through a new channel to <paramref name="host"/>:<paramref name="port"/> as the
        /// server reaches it; it reads end-of-stream at once when the server refuses the channel.
        /// </summary>
        public async Task<Socket> OpenAsync(string host, int port, CancellationToken cancellationToken)
        {
            ForwardedPortLocal forwarded = PortFor(host, (uint)port);
            var socket = new ReservingSocket(PoolThreadReservation.Reserve(1)) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                uint local = (uint)((IPEndPoint)socket.LocalEndPoint!).Port;
                expected[local] = true;
                using (cancellationToken.Register(socket.Dispose))
                {
                    await Task.Factory.FromAsync(socket.BeginConnect, socket.EndConnect, (EndPoint)new IPEndPoint(IPAddress.Loopback, (int)forwarded.BoundPort), null).ConfigureAwait(false);
                }

                return socket;
            }
            catch (ObjectDisposedException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            List<ForwardedPortLocal> open;
            lock (gate)
            {
                disposed = true;
                open = new List<ForwardedPortLocal>(ports.Values);
                ports.Clear();
            }

            foreach (ForwardedPortLocal forwarded in open)
            {
                try
                {
                    forwarded.Stop();
                    forwarded.Dispose();
                }
                catch (Exception ex) when (ex is SshException || ex is ObjectDisposedException || ex is InvalidOperationException || ex is SocketException)
                {
                    // The connection is going away with it.
                }
            }
        }

        private ForwardedPortLocal PortFor(string host, uint port)
        {
            lock (gate)
            {
                if (disposed)
                {
                    throw new ObjectDisposedException(nameof(ChannelOpener));
                }

                if (ports.TryGetValue((host, port), out ForwardedPortLocal? existing))
                {
                    return existing;
                }

                var forwarded = new ForwardedPortLocal(IPAddress.Loopback.ToString(), 0, host, port);
                forwarded.RequestReceived += (_, e) =>
                {
                    if (!expected.TryRemove(e.OriginatorPort, out bool _))
                    {
                        throw new UnauthorizedAccessException($"A connection from port {e.OriginatorPort} that this process did not make was refused.");
                    }
                };
                forwarded.Exception += (_, _) => { };
                client.AddForwardedPort(forwarded);
                forwarded.Start();
                ports[(host, port)] = forwarded;
                return forwarded;
            }
        }

        /// <summary>A socket that keeps a reservation of a pool thread (the one SSH.NET blocks for its channel) until it is disposed.</summary>
        private sealed class ReservingSocket : Socket
        {
            private readonly IDisposable reservation;

            public ReservingSocket(IDisposable reservation)
                : base(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
            {
                this.reservation = reservation;
            }

            protected override void Dispose(bool disposing)
            {
                base.Dispose(disposing);
                reservation?.Dispose(); // null only when the base constructor threw
            }
        }
    }
}
