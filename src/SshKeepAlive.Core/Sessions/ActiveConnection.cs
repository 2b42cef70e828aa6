using System;
using System.Threading;
using System.Threading.Tasks;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>
    /// One connection while a session uses it: what watches it, and the one signal that it is lost (its
    /// transport failed, its keepalives went unanswered, or sending one threw). Retiring it stops the
    /// watching, waits for keepalive callbacks already running, and closes the connection.
    /// </summary>
    internal sealed class ActiveConnection
    {
        // How long retiring waits for a keepalive callback in flight (one blocked on a full socket buffer is
        // freed by closing the connection), and for the close itself (on a dead path it may block; it then
        // finishes in the background).
        internal static readonly TimeSpan CallbackWait = TimeSpan.FromSeconds(2);
        private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(2);

        private readonly ISessionClock clock;
        private readonly TaskCompletionSource<string> lost = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenSource ended = new CancellationTokenSource();
        private GuardedTimer? keepAliveTimer;
        private IKeepAliveProbe? probe;
        private Task? retirement;

        public ActiveConnection(long generation, ISshConnection connection, ISessionClock clock)
        {
            Generation = generation;
            Connection = connection;
            this.clock = clock;
            connection.Failure.ContinueWith(
                failure => MarkLost(failure.Result), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }

        /// <summary>Which connect attempt of its session opened this connection.</summary>
        public long Generation { get; }

        public ISshConnection Connection { get; }

        /// <summary>Null when keepalives are off or the server is not asked to answer them.</summary>
        public KeepAliveMonitor? Monitor { get; private set; }

        /// <summary>Completes, with the reason, once the connection is lost; never when it is only retired.</summary>
        public Task<string> Lost => lost.Task;

        /// <summary>Lost, or its transport has failed and <see cref="Lost"/> is about to say so.</summary>
        public bool IsLost => lost.Task.IsCompleted || Connection.Failure.IsCompleted;

        /// <summary>Cancelled when the connection is retired: commands and shells on it end with it.</summary>
        public CancellationToken Ended => ended.Token;

        /// <summary>
        /// Starts the keepalives (ServerAliveInterval/CountMax semantics) when <paramref name="interval"/> is
        /// positive. Throws what installing them threw; the caller then retires the connection.
        /// </summary>
        public void StartKeepAlive(TimeSpan interval, int countMax)
        {
            if (interval <= TimeSpan.Zero)
            {
                return;
            }

            KeepAliveMonitor? monitor = null;
            probe = Connection.StartKeepAlive(interval, () => monitor?.OnReply());
            if (probe == null)
            {
                return;
            }

            monitor = new KeepAliveMonitor(countMax, probe.Send, () => clock.Now);
            Monitor = monitor;
            string dead = $"no answer to {countMax} keepalives sent {interval.TotalSeconds:0.#} s apart.";
            keepAliveTimer = new GuardedTimer(
                clock,
                interval,
                () =>
                {
                    if (!monitor.Tick())
                    {
                        MarkLost(dead);
                    }
                },
                fault => MarkLost("sending a keepalive failed: " + fault.Message));
        }

        /// <summary>
        /// Sends one keepalive the server must answer and waits up to <paramref name="timeout"/> for the answer: true when
        /// it came (or this SSH.NET cannot ask for one, so nothing can be proved), false after marking the connection lost.
        /// </summary>
        public async Task<bool> ProbeAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            var answered = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            IKeepAliveProbe? single = Connection.StartKeepAlive(timeout, () => answered.TrySetResult(true));
            if (single == null)
            {
                return true;
            }

            using (single)
            {
                if (!single.Send())
                {
                    MarkLost("sending a keepalive failed: the transport is closed.");
                    return false;
                }

                using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                Task limit = clock.Delay(timeout, stopWaiting.Token);
                Task first = await Task.WhenAny(answered.Task, limit, Lost).ConfigureAwait(false);
                stopWaiting.Cancel();
                cancellationToken.ThrowIfCancellationRequested();
                if (first == answered.Task)
                {
                    return true;
                }

                MarkLost($"no answer within {timeout.TotalSeconds:0.#} s to the keepalive sent before a command (keepalives are off).");
                return false;
            }
        }

        /// <summary>Stops watching and closes the connection; the same task for every caller.</summary>
        public Task RetireAsync()
        {
            lock (ended)
            {
                return retirement ??= RetireOnceAsync();
            }
        }

        private void MarkLost(string reason) => lost.TrySetResult(reason);

        private async Task RetireOnceAsync()
        {
            if (keepAliveTimer != null)
            {
                await WithinAsync(keepAliveTimer.StopAsync(), CallbackWait).ConfigureAwait(false);
            }

            Quietly(() => probe?.Dispose());
            Quietly(ended.Cancel);

            Task closing = Task.Run(Connection.Dispose);
            _ = closing.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            await WithinAsync(closing, CloseWait).ConfigureAwait(false);
        }

        // Unhooking the keepalive, or a command's or shell's cancellation callback, failing must not keep the
        // connection open: retiring goes on regardless.
        private static void Quietly(Action action)
        {
            try
            {
                action();
            }
            catch (Exception)
            {
                // See above.
            }
        }

        private async Task WithinAsync(Task work, TimeSpan bound)
        {
            using var stopWaiting = new CancellationTokenSource();
            Task limit = clock.Delay(bound, stopWaiting.Token);
            await Task.WhenAny(work, limit).ConfigureAwait(false);
            stopWaiting.Cancel();
        }
    }
}
