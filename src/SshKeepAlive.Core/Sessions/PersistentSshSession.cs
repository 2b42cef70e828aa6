using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Renci.SshNet;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Platform;

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

        // How long a connection to a forward's listener waits for a reconnecting session before it is refused.
        private static readonly TimeSpan ForwardWait = TimeSpan.FromSeconds(30);

        // How often a forward that could not be set up is tried again while connected.
        private static readonly TimeSpan ForwardRetry = TimeSpan.FromSeconds(3);
        private static int lastId;

        private readonly ISshConnector connector;
        private readonly ISessionClock clock;
        private readonly SessionStateMachine machine;
        private readonly Random jitter = new Random();
        private readonly CancellationTokenSource closing = new CancellationTokenSource();
        private long bytesSent;
        private long bytesReceived;
        private IReadOnlyList<PortForward>? portForwards;

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

        /// <summary>The forwards to keep up (set before the first connect); see <see cref="PortForwards"/> for their state.</summary>
        public IReadOnlyList<ForwardSpec> Forwards { get; set; } = new ForwardSpec[0];

        /// <summary>ExitOnForwardFailure: a forward that cannot be set up fails the connect (or the reconnect attempt).</summary>
        public bool ExitOnForwardFailure { get; set; }

        /// <summary>GatewayPorts: local forwards without a bind address listen on every interface.</summary>
        public bool GatewayPorts { get; set; }

        /// <summary>
        /// With keepalives off: how long a command waits for the answer to the one keepalive sent before it, which
        /// proves the connection alive (or finds it dead and reconnects) before anything is run.
        /// </summary>
        public TimeSpan LivenessTimeout { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>RemoteCommand from ssh_config (tokens expanded): what Invoke-PersistentSshCommand runs without -Command.</summary>
        public string? RemoteCommand { get; set; }

        /// <summary>The hosts the connection goes through before <see cref="Target"/>, first hop first.</summary>
        public IReadOnlyList<SshTarget> JumpHosts => (connector as ChainConnector)?.Hops.Take(((ChainConnector)connector).Hops.Count - 1).Select(h => h.Target).ToList() ?? new List<SshTarget>();

        /// <summary>How many times the first connect is tried (ConnectionAttempts), a second apart, while the server cannot be reached.</summary>
        public int ConnectionAttempts { get; set; } = 1;

        /// <summary>The session's port forwards and their state.</summary>
        public IReadOnlyList<PortForward> PortForwards => portForwards ??= Forwards.Select(f => new PortForward(this, f, GatewayPorts)).ToList();

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
                if (!await TryTakeFirstAsync(generation, linked.Token).ConfigureAwait(false))
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
        /// if the session is reconnecting. With keepalives off the connection is first proved alive by one keepalive
        /// (a dead one is reconnected, and the command waits for that like for any reconnect), since nothing else
        /// would notice before TCP gives up.
        /// </summary>
        /// <exception cref="SessionLostException">The connection was lost while the command ran; it carries what the command printed until then.</exception>
        public async Task<CommandResult> RunCommandAsync(string command, TimeSpan waitForConnection, CancellationToken cancellationToken)
        {
            var waited = Stopwatch.StartNew();
            ActiveConnection connection = await WaitForConnectionAsync(waitForConnection, cancellationToken).ConfigureAwait(false);
            if (connection.Monitor == null && KeepAliveInterval == TimeSpan.Zero && !await connection.ProbeAsync(LivenessTimeout, cancellationToken).ConfigureAwait(false))
            {
                TimeSpan left = waitForConnection - waited.Elapsed;
                connection = await WaitForNewConnectionAsync(connection, left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, connection.Ended);
            var stopwatch = Stopwatch.StartNew();
            RemoteCommandOutput output;
            try
            {
                output = await connection.Connection.RunCommandAsync(command, linked.Token).ConfigureAwait(false);
            }
            catch (RemoteCommandLostException ex) when (IsLost(connection) && !cancellationToken.IsCancellationRequested)
            {
                CountReceived(ex.Partial.BytesReceived);
                throw new SessionLostException(
                    $"The connection to {Target} was lost while running '{command}'; it may or may not have run to its end, so it was not retried.",
                    new CommandResult(Target.ToString(), command, ex.Partial.Output, ex.Partial.Error, null, stopwatch.Elapsed),
                    ex.InnerException);
            }
            catch (RemoteCommandLostException ex)
            {
                // Not a loss (cancelled by the caller, or refused by the server): the failure itself.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException!).Throw();
                throw;
            }
            catch (Exception ex) when (IsLost(connection) && !cancellationToken.IsCancellationRequested)
            {
                throw new SessionLostException(
                    $"The connection to {Target} was lost while running '{command}'; it may or may not have run, so it was not retried.", null, ex);
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

        /// <summary>
        /// A channel to <paramref name="host"/>:<paramref name="port"/> as the server reaches it, on the current connection
        /// (waiting for a reconnecting session, within a bound), as a connected local socket.
        /// </summary>
        public async Task<System.Net.Sockets.Socket> OpenChannelAsync(string host, int port, CancellationToken cancellationToken)
        {
            ActiveConnection connection = await WaitForConnectionAsync(ForwardWait, cancellationToken).ConfigureAwait(false);
            return await connection.Connection.OpenChannelAsync(host, port, cancellationToken).ConfigureAwait(false);
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
                foreach (PortForward forward in portForwards ?? new PortForward[0])
                {
                    forward.Dispose();
                }

                (connector as IDisposable)?.Dispose();
            }
        }

        // The transport error that ended a command can arrive a moment before the connection is declared lost.
        private static bool IsLost(ActiveConnection connection) => connection.IsLost || connection.Ended.IsCancellationRequested;

        // After a failed liveness probe: the connection it found dead is being replaced; waits for its successor.
        private async Task<ActiveConnection> WaitForNewConnectionAsync(ActiveConnection dead, TimeSpan wait, CancellationToken cancellationToken)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(wait);
            try
            {
                while (machine.Snapshot().Current == dead)
                {
                    await clock.Delay(TimeSpan.FromMilliseconds(20), timeout.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new SessionUnavailableException($"Session {Id} to {Target} did not answer a keepalive within {LivenessTimeout.TotalSeconds:0.#} s and is still reconnecting.");
            }

            return await WaitForConnectionAsync(timeout.IsCancellationRequested ? TimeSpan.Zero : wait, cancellationToken).ConfigureAwait(false);
        }

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
