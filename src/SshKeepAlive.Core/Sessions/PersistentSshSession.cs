using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Renci.SshNet;
using SshKeepAlive.Core.OpenSsh;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>
    /// An SSH connection that keeps its path alive, notices within Interval × (CountMax + 1) when the peer
    /// is gone, and reconnects by itself with backoff. Commands and shells run on whatever connection is
    /// current; a command cut by a loss fails with <see cref="SessionLostException"/> and is never retried.
    /// </summary>
    public sealed class PersistentSshSession : IDisposable
    {
        private const int HistoryLimit = 100;
        private static int lastId;

        private readonly object gate = new object();
        private readonly SshConnector connector;
        private readonly Random jitter = new Random();
        private readonly LinkedList<SessionEvent> history = new LinkedList<SessionEvent>();
        private readonly CancellationTokenSource closing = new CancellationTokenSource();
        private Connection? current;
        private TaskCompletionSource<bool> connectedSignal = NewSignal();
        private long bytesSent;
        private long bytesReceived;

        public PersistentSshSession(SshConnector connector, TimeSpan keepAliveInterval, int keepAliveCountMax, ReconnectPolicy reconnectPolicy, string? name = null)
        {
            if (keepAliveInterval < TimeSpan.Zero || keepAliveCountMax < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(keepAliveInterval), "The keepalive interval must be >= 0 and CountMax >= 1.");
            }

            this.connector = connector;
            KeepAliveInterval = keepAliveInterval;
            KeepAliveCountMax = keepAliveCountMax;
            ReconnectPolicy = reconnectPolicy;
            Id = Interlocked.Increment(ref lastId);
            Name = name ?? connector.Target.ToString();
            State = SessionState.Connecting;
        }

        /// <summary>Raised on a background thread for each <see cref="SessionEvent"/>.</summary>
        public event EventHandler<SessionEvent>? StateChanged;

        public int Id { get; }

        public string Name { get; }

        public SshTarget Target => connector.Target;

        /// <summary>Zero: no keepalives, so a dead path is only noticed when TCP gives up.</summary>
        public TimeSpan KeepAliveInterval { get; }

        public int KeepAliveCountMax { get; }

        public ReconnectPolicy ReconnectPolicy { get; }

        public SessionState State { get; private set; }

        public DateTimeOffset? ConnectedSince { get; private set; }

        public int ReconnectCount { get; private set; }

        public DateTimeOffset? LastKeepAliveReply => current?.Monitor?.LastReplyAt;

        public TimeSpan? LastKeepAliveRoundTrip => current?.Monitor?.LastRoundTrip;

        /// <summary>Payload bytes this session sent through its commands and shells.</summary>
        public long BytesSent => Interlocked.Read(ref bytesSent);

        /// <summary>Payload bytes this session received through its commands and shells.</summary>
        public long BytesReceived => Interlocked.Read(ref bytesReceived);

        public string? ServerVersion => current?.Client.ConnectionInfo.ServerVersion;

        /// <summary>How the server's host key was checked on the latest connection.</summary>
        public Ssh.HostKeyCheck? HostKey => connector.LastHostKeyCheck;

        public IReadOnlyList<SessionEvent> History
        {
            get
            {
                lock (gate)
                {
                    return new List<SessionEvent>(history);
                }
            }
        }

        /// <summary>First connection: failures are thrown to the caller, not retried.</summary>
        public void Connect(CancellationToken cancellationToken)
        {
            SshClient client = connector.Connect(cancellationToken);
            lock (gate)
            {
                if (State == SessionState.Closed)
                {
                    client.Dispose();
                    throw new SessionUnavailableException($"Session {Id} ({Name}) was closed while connecting.");
                }

                Install(client);
            }

            Raise(new SessionEvent(SessionEventKind.Connected, DateTimeOffset.Now, $"Connected to {Target} ({client.ConnectionInfo.ServerVersion})."));
        }

        /// <summary>
        /// Runs a command on the current connection, first waiting up to <paramref name="waitForConnection"/>
        /// if the session is reconnecting.
        /// </summary>
        public async Task<CommandResult> RunCommandAsync(string command, TimeSpan waitForConnection, CancellationToken cancellationToken)
        {
            Connection connection = await WaitForConnectionAsync(waitForConnection, cancellationToken).ConfigureAwait(false);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, connection.Lost.Token);
            var stopwatch = Stopwatch.StartNew();
            using SshCommand sshCommand = connection.Client.CreateCommand(command);
            CountSent(command.Length);
            try
            {
                await sshCommand.ExecuteAsync(linked.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (connection.Lost.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new SessionLostException(
                    $"The connection to {Target} was lost while running '{command}'; it may or may not have run, so it was not retried.", ex);
            }

            CountReceived(sshCommand.Result.Length + sshCommand.Error.Length);
            return new CommandResult(Target.ToString(), command, sshCommand.Result, sshCommand.Error, sshCommand.ExitStatus, stopwatch.Elapsed);
        }

        /// <summary>Opens a PTY shell on the current connection; the caller re-opens one after a reconnect.</summary>
        public async Task<(ShellStream Shell, CancellationToken ConnectionLost)> OpenShellAsync(string terminal, int columns, int rows, TimeSpan waitForConnection, CancellationToken cancellationToken)
        {
            Connection connection = await WaitForConnectionAsync(waitForConnection, cancellationToken).ConfigureAwait(false);
            ShellStream shell = connection.Client.CreateShellStream(terminal, (uint)columns, (uint)rows, 0, 0, 64 * 1024);
            return (shell, connection.Lost.Token);
        }

        /// <summary>Waits until the session is connected (or broken/closed), for a caller that must outlive a reconnect.</summary>
        public Task WaitUntilSettledAsync(CancellationToken cancellationToken)
        {
            Task signal;
            lock (gate)
            {
                if (State != SessionState.Reconnecting && State != SessionState.Connecting)
                {
                    return Task.CompletedTask;
                }

                signal = connectedSignal.Task;
            }

            return signal.WaitOrCancelAsync(cancellationToken);
        }

        public void CountSent(long bytes) => Interlocked.Add(ref bytesSent, bytes);

        public void CountReceived(long bytes) => Interlocked.Add(ref bytesReceived, bytes);

        /// <summary>Declares the current connection lost (as a dead keepalive or a transport error does).</summary>
        public void ReportConnectionLost(string reason)
        {
            Connection? lost;
            lock (gate)
            {
                if (State != SessionState.Connected || current == null)
                {
                    return;
                }

                lost = current;
                current = null;
                ConnectedSince = null;
                bool mayReconnect = ReconnectPolicy.Allows(1, TimeSpan.Zero);
                State = mayReconnect ? SessionState.Reconnecting : SessionState.Broken;
                connectedSignal = NewSignal();
                if (!mayReconnect)
                {
                    connectedSignal.TrySetResult(false);
                }
            }

            lost.Retire();
            Raise(new SessionEvent(SessionEventKind.Disconnected, DateTimeOffset.Now, $"Lost the connection to {Target}: {reason}"));
            if (State == SessionState.Reconnecting)
            {
                _ = Task.Run(() => ReconnectLoopAsync(closing.Token));
            }
            else
            {
                Raise(new SessionEvent(SessionEventKind.GaveUp, DateTimeOffset.Now, $"Not reconnecting to {Target}: reconnecting is disabled."));
            }
        }

        public void Dispose()
        {
            Connection? last;
            lock (gate)
            {
                if (State == SessionState.Closed)
                {
                    return;
                }

                State = SessionState.Closed;
                last = current;
                current = null;
                connectedSignal.TrySetResult(false);
            }

            closing.Cancel();
            last?.Retire();
            Raise(new SessionEvent(SessionEventKind.Closed, DateTimeOffset.Now, $"Closed the session to {Target}."));
        }

        private static TaskCompletionSource<bool> NewSignal() =>
            new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

        private async Task<Connection> WaitForConnectionAsync(TimeSpan wait, CancellationToken cancellationToken)
        {
            Task signal;
            lock (gate)
            {
                if (State == SessionState.Connected && current != null)
                {
                    return current;
                }

                if (State != SessionState.Reconnecting)
                {
                    throw new SessionUnavailableException($"Session {Id} to {Target} is {State}.");
                }

                signal = connectedSignal.Task;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(wait);
            try
            {
                await signal.WaitOrCancelAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new SessionUnavailableException($"Session {Id} to {Target} is still reconnecting after {wait.TotalSeconds:0.#} s.");
            }

            lock (gate)
            {
                return State == SessionState.Connected && current != null
                    ? current
                    : throw new SessionUnavailableException($"Session {Id} to {Target} is {State}.");
            }
        }

        // Caller holds the gate.
        private void Install(SshClient client)
        {
            var connection = new Connection(client);
            client.ErrorOccurred += (_, e) => ReportLossOf(connection, e.Exception.Message);
            if (KeepAliveInterval > TimeSpan.Zero)
            {
                connection.StartKeepAlive(KeepAliveInterval, KeepAliveCountMax, () => ReportLossOf(
                    connection,
                    $"no answer to {KeepAliveCountMax} keepalives sent {KeepAliveInterval.TotalSeconds:0.#} s apart."));
            }

            current = connection;
            State = SessionState.Connected;
            ConnectedSince = DateTimeOffset.Now;
            connectedSignal.TrySetResult(true);
        }

        // A stale connection's late error must not tear down its successor.
        private void ReportLossOf(Connection connection, string reason)
        {
            if (ReferenceEquals(current, connection))
            {
                ReportConnectionLost(reason);
            }
        }

        private async Task ReconnectLoopAsync(CancellationToken cancellationToken)
        {
            var sinceLoss = Stopwatch.StartNew();
            bool unreachable = true;
            for (int attempt = 1; ReconnectPolicy.Allows(attempt, sinceLoss.Elapsed); attempt++)
            {
                TimeSpan delay = ReconnectPolicy.DelayBefore(attempt, jitter);
                Raise(new SessionEvent(SessionEventKind.Reconnecting, DateTimeOffset.Now, $"Reconnecting to {Target} in {delay.TotalSeconds:0.#} s (attempt {attempt}).", attempt, delay));
                try
                {
                    await PathWatch.WaitAsync(connector.HostName, connector.Port, delay, unreachable, cancellationToken).ConfigureAwait(false);
                    SshClient client = connector.Connect(cancellationToken);
                    lock (gate)
                    {
                        if (State != SessionState.Reconnecting)
                        {
                            client.Dispose();
                            return;
                        }

                        Install(client);
                        ReconnectCount++;
                    }

                    Raise(new SessionEvent(SessionEventKind.Reconnected, DateTimeOffset.Now, $"Reconnected to {Target} after {sinceLoss.Elapsed.TotalSeconds:0.#} s (attempt {attempt})."));
                    return;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (!SshConnector.IsRetryable(ex))
                {
                    GiveUp($"{ex.Message} This will not change by retrying.");
                    return;
                }
                catch (Exception ex)
                {
                    unreachable = SshConnector.IsUnreachable(ex);
                    Raise(new SessionEvent(SessionEventKind.Reconnecting, DateTimeOffset.Now, $"Attempt {attempt} to reach {Target} failed: {ex.Message}", attempt));
                }
            }

            GiveUp($"Gave up reconnecting to {Target} after {sinceLoss.Elapsed.TotalSeconds:0} s.");
        }

        private void GiveUp(string reason)
        {
            lock (gate)
            {
                if (State != SessionState.Reconnecting)
                {
                    return;
                }

                State = SessionState.Broken;
                connectedSignal.TrySetResult(false);
            }

            Raise(new SessionEvent(SessionEventKind.GaveUp, DateTimeOffset.Now, reason));
        }

        private void Raise(SessionEvent sessionEvent)
        {
            lock (gate)
            {
                history.AddLast(sessionEvent);
                if (history.Count > HistoryLimit)
                {
                    history.RemoveFirst();
                }
            }

            StateChanged?.Invoke(this, sessionEvent);
        }

        /// <summary>One SSH.NET client and what watches it.</summary>
        private sealed class Connection
        {
            private Timer? keepAliveTimer;
            private SshNetKeepAlive? keepAlive;

            public Connection(SshClient client) => Client = client;

            public SshClient Client { get; }

            public KeepAliveMonitor? Monitor { get; private set; }

            /// <summary>Cancelled when this connection is declared lost or closed.</summary>
            public CancellationTokenSource Lost { get; } = new CancellationTokenSource();

            public void StartKeepAlive(TimeSpan interval, int countMax, Action onDead)
            {
                keepAlive = new SshNetKeepAlive(Client, () => Monitor?.OnReply());
                Monitor = new KeepAliveMonitor(countMax, keepAlive.Send, () => DateTimeOffset.Now);
                keepAliveTimer = new Timer(
                    _ =>
                    {
                        if (!Monitor.Tick())
                        {
                            onDead();
                        }
                    },
                    null,
                    interval,
                    interval);
            }

            public void Retire()
            {
                keepAliveTimer?.Dispose();
                keepAlive?.Dispose();
                Lost.Cancel();
                // Disconnecting a black-holed client can block on its socket; let it finish in the background.
                _ = Task.Run(() => Client.Dispose());
            }
        }
    }
}
