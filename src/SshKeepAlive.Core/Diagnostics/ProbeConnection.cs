using System;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Renci.SshNet;
using Renci.SshNet.Common;
using Renci.SshNet.Messages.Transport;
using SshKeepAlive.Core.Sessions;

namespace SshKeepAlive.Core.Diagnostics
{
    /// <summary>How one idle probe connection ended up.</summary>
    public enum ProbeOutcome
    {
        /// <summary>It answered after its idle time: the path and server kept it.</summary>
        Alive,

        /// <summary>No answer within the bound and no error: something on the path forgot it and drops its packets (a black hole).</summary>
        SilentDrop,

        /// <summary>A TCP reset: a middlebox that forgot the connection, or the server's kernel, refused its packets.</summary>
        Reset,

        /// <summary>The server ended the connection (a disconnect message or a plain close) while it was idle.</summary>
        ClosedByServer,

        /// <summary>The server closed the idle session channel while the connection lived on (ChannelTimeout).</summary>
        ChannelClosedByServer,

        /// <summary>The probe could not be opened or checked for another reason; it says nothing about idleness.</summary>
        Failed,
    }

    /// <summary>One connection of the measurement, idling until it is checked.</summary>
    internal interface IProbeConnection : IDisposable
    {
        /// <summary>When its idle time began: after its last round trip through the path.</summary>
        DateTimeOffset IdleSince { get; }

        /// <summary>How long that round trip took, for the bound of later checks.</summary>
        TimeSpan RoundTrip { get; }

        /// <summary>Completes when something ended the connection or its channel while idle; never completes otherwise.</summary>
        Task<ProbeEnd> Ended { get; }

        /// <summary>Sends one request the server must answer and waits up to <paramref name="bound"/> for the answer.</summary>
        Task<ProbeEnd> CheckAsync(TimeSpan bound, CancellationToken cancellationToken);
    }

    /// <summary>Opens probe connections to one server.</summary>
    internal interface IProbeConnector
    {
        Task<IProbeConnection> OpenAsync(CancellationToken cancellationToken);
    }

    /// <summary>How and when a probe connection ended (or was found alive).</summary>
    internal sealed class ProbeEnd
    {
        public ProbeEnd(ProbeOutcome outcome, DateTimeOffset at, string detail)
        {
            Outcome = outcome;
            At = at;
            Detail = detail;
        }

        public ProbeOutcome Outcome { get; }

        public DateTimeOffset At { get; }

        public string Detail { get; }
    }

    /// <summary>
    /// An SSH.NET connection with keepalives off that holds one session channel running <c>cat</c> (reading its
    /// never-closed input, so the channel idles like an interactive session and ends with the connection) and
    /// checks liveness with OpenSSH's keepalive@openssh.com request, which the server answers.
    /// </summary>
    internal sealed class SshProbeConnection : IProbeConnection
    {
        private readonly SshClient client;
        private SshNetKeepAlive? keepAlive;
        private readonly TaskCompletionSource<ProbeEnd> ended = new TaskCompletionSource<ProbeEnd>(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource<bool> reply = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        private SshCommand? command;
        private Stream? input;

        private SshProbeConnection(SshClient client)
        {
            this.client = client;
            client.ErrorOccurred += (_, e) => ended.TrySetResult(Classify(e.Exception));
        }

        public DateTimeOffset IdleSince { get; private set; }

        public Task<ProbeEnd> Ended => ended.Task;

        public TimeSpan RoundTrip { get; private set; }

        /// <summary>
        /// Connects and starts the idle channel on a thread of its own (SSH.NET blocks through the handshake and the
        /// channel's opening, which would starve the thread pool the other probes' answers need), then makes one
        /// round trip, so that the idle time starts after all setup traffic.
        /// </summary>
        /// <exception cref="KeepAliveUnsupportedException">This SSH.NET lacks the internals a request with a reply needs.</exception>
        public static async Task<SshProbeConnection> OpenAsync(SshConnector connector, CancellationToken cancellationToken)
        {
            SshNetInternals.Bound members = connector.Internals.Members ?? throw connector.Internals.Problem!;
            // Not disposed while connecting: SSH.NET's Dispose during Connect can mark the client disposed before Connect
            // stores its new connection, which then stays open. A stopped start is closed once done.
            SshProbeConnection probe = await Platform.TaskExtensions.RunOnOwnThreadAsync(() => Start(connector, members), cancellationToken).ConfigureAwait(false);
            try
            {
                DateTimeOffset sent = DateTimeOffset.UtcNow;
                ProbeEnd first = await probe.CheckAsync(connector.ConnectTimeout, cancellationToken).ConfigureAwait(false);
                if (first.Outcome != ProbeOutcome.Alive)
                {
                    throw new SshConnectionException($"The probe connection did not answer its first request: {first.Detail}");
                }

                probe.RoundTrip = first.At - sent;
                probe.IdleSince = first.At;
                return probe;
            }
            catch
            {
                probe.Dispose();
                throw;
            }
        }

        private static SshProbeConnection Start(SshConnector connector, SshNetInternals.Bound members)
        {
            SshProbeConnection? probe = null;
            connector.ConnectClient(client => probe = new SshProbeConnection(client));
            try
            {
                probe!.keepAlive = new SshNetKeepAlive(probe.client, members, () => probe.reply.TrySetResult(true));
                probe.command = probe.client.CreateCommand("cat");
                Task running = probe.command.ExecuteAsync(CancellationToken.None);
                probe.input = probe.command.CreateInputStream();
                _ = running.ContinueWith(t => probe.ChannelEnded(t), TaskScheduler.Default);
                return probe;
            }
            catch
            {
                probe!.Dispose();
                throw;
            }
        }

        public async Task<ProbeEnd> CheckAsync(TimeSpan bound, CancellationToken cancellationToken)
        {
            if (ended.Task.IsCompleted)
            {
                return ended.Task.Result;
            }

            reply = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!keepAlive!.Send())
            {
                return await ended.Task.ConfigureAwait(false);
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(bound);
            var expired = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (timeout.Token.Register(() => expired.TrySetResult(true)))
            {
                Task done = await Task.WhenAny(reply.Task, ended.Task, expired.Task).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (done == reply.Task)
                {
                    return new ProbeEnd(ProbeOutcome.Alive, DateTimeOffset.UtcNow, "answered");
                }

                return done == ended.Task
                    ? ended.Task.Result
                    : new ProbeEnd(ProbeOutcome.SilentDrop, DateTimeOffset.UtcNow, $"no answer within {bound.TotalSeconds:0.#} s and no error: the packets vanish");
            }
        }

        /// <summary>Closes the channel's input (so cat ends) and the connection; a black-holed one is abandoned to the kernel, not waited for.</summary>
        public void Dispose()
        {
            try
            {
                keepAlive?.Dispose();
                input?.Dispose();
                command?.Dispose();
            }
            catch (Exception ex) when (ex is SshException || ex is ObjectDisposedException || ex is InvalidOperationException || ex is SocketException)
            {
                // The channel is gone with the connection.
            }
            finally
            {
                // Whatever closing the channel threw, the connection (its socket) is closed.
                client.Dispose();
            }
        }

        private void ChannelEnded(Task running)
        {
            if (!client.IsConnected)
            {
                return;
            }

            string how = command?.ExitSignal != null ? "signal " + command.ExitSignal : command?.ExitStatus != null ? "exit status " + command.ExitStatus : "no exit status";
            ended.TrySetResult(new ProbeEnd(ProbeOutcome.ChannelClosedByServer, DateTimeOffset.UtcNow, $"the server closed the idle session channel ({how}) while the connection lived on (ChannelTimeout)"));
        }

        private static ProbeEnd Classify(Exception exception)
        {
            DateTimeOffset now = DateTimeOffset.UtcNow;
            switch (exception)
            {
                case SshConnectionException connection when connection.DisconnectReason != DisconnectReason.None && connection.DisconnectReason != DisconnectReason.ConnectionLost:
                    return new ProbeEnd(ProbeOutcome.ClosedByServer, now, $"the server disconnected ({connection.DisconnectReason}: {connection.Message})");
                case SshConnectionException connection:
                    return new ProbeEnd(ProbeOutcome.ClosedByServer, now, "the server closed the connection without a word (" + connection.Message + ")");
                case SocketException socket when socket.SocketErrorCode == SocketError.ConnectionReset:
                    return new ProbeEnd(ProbeOutcome.Reset, now, "the connection was reset (TCP RST)");
                case SocketException socket when socket.SocketErrorCode == SocketError.TimedOut:
                    return new ProbeEnd(ProbeOutcome.SilentDrop, now, "the kernel gave up retransmitting: the packets vanish");
                default:
                    return new ProbeEnd(ProbeOutcome.Failed, now, exception.GetType().Name + ": " + exception.Message);
            }
        }
    }

    /// <summary>Opens <see cref="SshProbeConnection"/>s with one connector.</summary>
    internal sealed class SshProbeConnector : IProbeConnector
    {
        private readonly SshConnector connector;

        public SshProbeConnector(SshConnector connector)
        {
            this.connector = connector;
        }

        public async Task<IProbeConnection> OpenAsync(CancellationToken cancellationToken) =>
            await SshProbeConnection.OpenAsync(connector, cancellationToken).ConfigureAwait(false);
    }
}
