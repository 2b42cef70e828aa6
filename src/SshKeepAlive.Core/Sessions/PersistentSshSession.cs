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
    /// <remarks>
    /// Its state lives in a <see cref="SessionStateMachine"/>; this class does the blocking work the machine
    /// asks for (connect, retire a connection, reconnect, raise events), always outside the machine's lock.
    /// </remarks>
    public sealed partial class PersistentSshSession : IDisposable
    {
        // How long Dispose waits for the last connection to close; past it the close finishes in the background.
        private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(5);
        private static int lastId;

        private readonly ISshConnector connector;
        private readonly ISessionClock clock;
        private readonly SessionStateMachine machine;
        private readonly Random jitter = new Random();
        private readonly CancellationTokenSource closing = new CancellationTokenSource();
        private long bytesSent;
        private long bytesReceived;

        public PersistentSshSession(ISshConnector connector, TimeSpan keepAliveInterval, int keepAliveCountMax, ReconnectPolicy reconnectPolicy, string? name = null)
            : this(connector, keepAliveInterval, keepAliveCountMax, reconnectPolicy, name, SystemSessionClock.Instance)
        {
        }

        internal PersistentSshSession(ISshConnector connector, TimeSpan keepAliveInterval, int keepAliveCountMax, ReconnectPolicy reconnectPolicy, string? name, ISessionClock clock)
        {
            if (keepAliveInterval < TimeSpan.Zero || keepAliveCountMax < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(keepAliveInterval), "The keepalive interval must be >= 0 and CountMax >= 1.");
            }

            this.connector = connector;
            this.clock = clock;
            KeepAliveInterval = keepAliveInterval;
            KeepAliveCountMax = keepAliveCountMax;
            ReconnectPolicy = reconnectPolicy;
            Id = Interlocked.Increment(ref lastId);
            Name = name ?? connector.Target.ToString();
            machine = new SessionStateMachine(connector.Target.ToString(), reconnectPolicy, clock);
        }

        /// <summary>Raised on a background thread for each <see cref="SessionEvent"/>, in order, one at a time.</summary>
        public event EventHandler<SessionEvent>? StateChanged;

        public int Id { get; }

        public string Name { get; }

        public SshTarget Target => connector.Target;

        /// <summary>Zero: no keepalives, so a dead path is only noticed when TCP gives up.</summary>
        public TimeSpan KeepAliveInterval { get; }

        public int KeepAliveCountMax { get; }

        public ReconnectPolicy ReconnectPolicy { get; }

        public SessionState State => machine.Snapshot().State;

        public DateTimeOffset? ConnectedSince => machine.ConnectedSince;

        public int ReconnectCount => machine.ReconnectCount;

        /// <summary>
        /// Whether the current connection's keepalives must be answered, so a dead path is noticed within
        /// Interval × (CountMax + 1). False with keepalives off, or when this SSH.NET's internals could not be
        /// bound (see <see cref="SshNetInternals"/>): a dead path is then noticed only when TCP gives up.
        /// </summary>
        public bool KeepAliveRepliesChecked => Current?.Monitor != null;

        public DateTimeOffset? LastKeepAliveReply => Current?.Monitor?.LastReplyAt;

        public TimeSpan? LastKeepAliveRoundTrip => Current?.Monitor?.LastRoundTrip;

        /// <summary>Payload bytes this session sent through its commands and shells.</summary>
        public long BytesSent => Interlocked.Read(ref bytesSent);

        /// <summary>Payload bytes this session received through its commands and shells.</summary>
        public long BytesReceived => Interlocked.Read(ref bytesReceived);

        public string? ServerVersion => Current?.Connection.ServerVersion;

        /// <summary>How the server's host key was checked on the latest connection.</summary>
        public Ssh.HostKeyCheck? HostKey => connector.LastHostKeyCheck;

        public IReadOnlyList<SessionEvent> History => machine.History();

        /// <summary>
        /// What made reconnecting give up for good (a changed host key, refused credentials); null while the session is
        /// not Broken, or when it gave up for lack of time or attempts (see <see cref="History"/>).
        /// </summary>
        public Exception? Failure => machine.Failure;

        private ActiveConnection? Current => machine.Snapshot().Current;

        /// <summary>First connection: failures are thrown to the caller, not retried.</summary>
        public void Connect(CancellationToken cancellationToken) => ConnectAsync(cancellationToken).GetAwaiter().GetResult();

        /// <summary>First connection: failures are thrown to the caller, not retried.</summary>
        public async Task ConnectAsync(CancellationToken cancellationToken)
        {
            if (State != SessionState.Connecting)
            {
                throw new InvalidOperationException($"Session {Id} ({Name}) is {State}; it connects only once.");
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, closing.Token);
            long generation = machine.FirstAttempt;
            try
            {
                if (!await TryTakeAsync(generation, attempt: 1, linked.Token).ConfigureAwait(false))
                {
                    throw State == SessionState.Closed
                        ? new SessionUnavailableException($"Session {Id} ({Name}) was closed while connecting.")
                        : new SessionLostException($"The connection to {Target} was lost as soon as it was made.");
                }
            }
            catch (Exception) when (!closing.IsCancellationRequested)
            {
                _ = Apply(machine.Fire(Trigger.ConnectFailed(generation)));
                throw;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new SessionUnavailableException($"Session {Id} ({Name}) was closed while connecting.");
            }
        }

        /// <summary>
        /// Runs a command on the current connection, first waiting up to <paramref name="waitForConnection"/>
        /// if the session is reconnecting.
        /// </summary>
        public async Task<CommandResult> RunCommandAsync(string command, TimeSpan waitForConnection, CancellationToken cancellationToken)
        {
            ActiveConnection connection = await WaitForConnectionAsync(waitForConnection, cancellationToken).ConfigureAwait(false);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, connection.Ended);
            var stopwatch = Stopwatch.StartNew();
            RemoteCommandOutput output;
            try
            {
                output = await connection.Connection.RunCommandAsync(command, linked.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsLost(connection) && !cancellationToken.IsCancellationRequested)
            {
                throw new SessionLostException(
                    $"The connection to {Target} was lost while running '{command}'; it may or may not have run, so it was not retried.", ex);
            }

            CountSent(output.BytesSent);
            CountReceived(output.BytesReceived);
            return new CommandResult(Target.ToString(), command, output.Output, output.Error, output.ExitStatus, stopwatch.Elapsed);
        }

        /// <summary>
        /// Opens a pseudo-terminal on the current connection running <paramref name="command"/>, or the login shell when
        /// it is null; the caller opens another after a reconnect. ConnectionLost is cancelled once the session has
        /// left the connection (lost or closed).
        /// </summary>
        public async Task<(ShellStream Shell, CancellationToken ConnectionLost)> OpenShellAsync(string terminal, int columns, int rows, string? command, TimeSpan waitForConnection, CancellationToken cancellationToken)
        {
            ActiveConnection connection = await WaitForConnectionAsync(waitForConnection, cancellationToken).ConfigureAwait(false);
            return (connection.Connection.OpenShell(terminal, columns, rows, command), connection.Ended);
        }

        /// <summary>Waits until the session is connected (or broken/closed), for a caller that must outlive a reconnect.</summary>
        public Task WaitUntilSettledAsync(CancellationToken cancellationToken) =>
            machine.Snapshot().Settled.WaitOrCancelAsync(cancellationToken);

        public void CountSent(long bytes) => Interlocked.Add(ref bytesSent, bytes);

        public void CountReceived(long bytes) => Interlocked.Add(ref bytesReceived, bytes);

        /// <summary>
        /// Closes the session: a reconnect in progress is cancelled, and the current connection retired (its
        /// keepalive callbacks awaited, the connection closed, within a bound).
        /// </summary>
        public void Dispose()
        {
            Transition transition = machine.Fire(Trigger.Close());
            if (transition.Accepted)
            {
                Task retiring = Apply(transition);
                using var stopWaiting = new CancellationTokenSource();
                Task.WhenAny(retiring, clock.Delay(CloseWait, stopWaiting.Token)).GetAwaiter().GetResult();
                stopWaiting.Cancel();
            }
        }

        // The transport error that ended a command can arrive a moment before the connection is declared lost.
        private static bool IsLost(ActiveConnection connection) => connection.IsLost || connection.Ended.IsCancellationRequested;

        private async Task<ActiveConnection> WaitForConnectionAsync(TimeSpan wait, CancellationToken cancellationToken)
        {
            var (current, state, settled) = machine.Snapshot();
            if (current != null)
            {
                return current;
            }

            if (state != SessionState.Reconnecting)
            {
                throw new SessionUnavailableException($"Session {Id} to {Target} is {state}.");
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(wait);
            try
            {
                await settled.WaitOrCancelAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new SessionUnavailableException($"Session {Id} to {Target} is still reconnecting after {wait.TotalSeconds:0.#} s.");
            }

            (current, state, _) = machine.Snapshot();
            return current ?? throw new SessionUnavailableException($"Session {Id} to {Target} is {state}.");
        }

        private void Raise(SessionEvent sessionEvent)
        {
            try
            {
                StateChanged?.Invoke(this, sessionEvent);
            }
            catch (Exception)
            {
                // A subscriber's failure must not end the reconnect loop or a timer thread (and with it the process).
            }
        }
    }
}
