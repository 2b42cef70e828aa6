using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Renci.SshNet;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.Ssh;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>
    /// Connects through jump hosts, as ssh's ProxyJump: the first hop directly (or through its ProxyCommand), every
    /// later one through a channel of the hop before it. Each hop checks its own host key with its own known_hosts,
    /// authenticates with its own keys, and (jump hosts) sends its own keepalives; every connect, first or reconnect,
    /// builds the whole chain again.
    /// </summary>
    internal sealed class ChainConnector : ISshConnector, IDisposable
    {
        private readonly IReadOnlyList<SshConnector> hops;
        private readonly ISessionClock clock;
        private HostKeyCheck? lastHostKeyCheck;

        public ChainConnector(IReadOnlyList<SshConnector> hops, ISessionClock? clock = null)
        {
            this.hops = hops;
            this.clock = clock ?? SystemSessionClock.Instance;
        }

        public SshTarget Target => hops[hops.Count - 1].Target;

        public HostKeyCheck? LastHostKeyCheck => lastHostKeyCheck;

        /// <summary>The hops, first first, the destination last.</summary>
        public IReadOnlyList<SshConnector> Hops => hops;

        public async Task<ISshConnection> ConnectAsync(CancellationToken cancellationToken)
        {
            var connected = new List<ISshConnection>();
            try
            {
                foreach (SshConnector hop in hops)
                {
                    if (connected.Count > 0)
                    {
                        ISshConnection previous = connected[connected.Count - 1];
                        hop.ReachThrough((request, client, token) => CarryAsync(previous, request, client, token));
                    }

                    try
                    {
                        connected.Add(await hop.ConnectAsync(cancellationToken).ConfigureAwait(false));
                    }
                    finally
                    {
                        lastHostKeyCheck = hop.LastHostKeyCheck ?? lastHostKeyCheck;
                    }
                }

                return new ChainConnection(hops, connected, clock);
            }
            catch
            {
                for (int i = connected.Count - 1; i >= 0; i--)
                {
                    connected[i].Dispose();
                }

                throw;
            }
        }

        public Task WaitForPathAsync(TimeSpan delay, bool unreachableBefore, CancellationToken cancellationToken) =>
            hops[0].WaitForPathAsync(delay, unreachableBefore, cancellationToken);

        public void Dispose()
        {
            foreach (SshConnector hop in hops)
            {
                hop.Dispose();
            }
        }

        // The next hop's SSH.NET asked the front for host:port: a channel of the previous hop carries it.
        private static async Task CarryAsync(ISshConnection previous, SocksRequest request, Socket client, CancellationToken cancellationToken)
        {
            Socket channel;
            try
            {
                channel = await previous.OpenChannelAsync(request.Host, request.Port, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await request.ReplyAsync(false, cancellationToken).ConfigureAwait(false);
                client.Dispose();
                throw;
            }

            await request.ReplyAsync(true, cancellationToken).ConfigureAwait(false);
            await BytePipe.RunAsync(PipeEnd.Of(client), PipeEnd.Of(channel), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A connection through jump hosts: everything runs on the destination's connection; the jump hosts' own
    /// connections send their keepalives, and the loss of any of them is the loss of the whole.
    /// </summary>
    internal sealed class ChainConnection : ISshConnection
    {
        private readonly ISshConnection destination;
        private readonly List<ActiveConnection> jumps = new List<ActiveConnection>();
        private readonly List<ISshConnection> all;
        private readonly TaskCompletionSource<string> failure = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);

        public ChainConnection(IReadOnlyList<SshConnector> hops, IReadOnlyList<ISshConnection> connections, ISessionClock clock)
        {
            all = connections.ToList();
            destination = connections[connections.Count - 1];
            destination.Failure.ContinueWith(f => failure.TrySetResult(f.Result), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            for (int i = 0; i < connections.Count - 1; i++)
            {
                var jump = new ActiveConnection(0, connections[i], clock);
                string name = hops[i].Target.ToString();
                jump.Lost.ContinueWith(lost => failure.TrySetResult($"jump host {name}: {lost.Result}"), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
                jump.StartKeepAlive(hops[i].KeepAliveInterval, hops[i].KeepAliveCountMax);
                jumps.Add(jump);
            }
        }

        public string ServerVersion => destination.ServerVersion;

        public Task<string> Failure => failure.Task;

        public IKeepAliveProbe? StartKeepAlive(TimeSpan interval, Action onReply) => destination.StartKeepAlive(interval, onReply);

        public Task<RemoteCommandOutput> RunCommandAsync(string command, CancellationToken cancellationToken) => destination.RunCommandAsync(command, cancellationToken);

        public Task<RemoteProcessResult> RunAsync(string command, byte[]? input, CancellationToken cancellationToken) => destination.RunAsync(command, input, cancellationToken);

        public IRemoteProcess Start(string command) => destination.Start(command);

        public ShellStream OpenShell(string terminal, int columns, int rows, string? command) => destination.OpenShell(terminal, columns, rows, command);

        public Task<Socket> OpenChannelAsync(string host, int port, CancellationToken cancellationToken) => destination.OpenChannelAsync(host, port, cancellationToken);

        public int StartRemoteForward(string bindHost, int port, string connectHost, int connectPort) => destination.StartRemoteForward(bindHost, port, connectHost, connectPort);

        /// <summary>Closes the destination first, then each jump host back to the first.</summary>
        public void Dispose()
        {
            destination.Dispose();
            for (int i = jumps.Count - 1; i >= 0; i--)
            {
                jumps[i].RetireAsync().GetAwaiter().GetResult();
            }
        }
    }
}
