using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Renci.SshNet;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.Sessions;
using SshKeepAlive.Core.Ssh;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Sessions
{
    /// <summary>
    /// Time that moves only when a test says so. Timer callbacks run on the test's thread inside
    /// <see cref="Advance"/>; delays complete there too, their continuations on the thread pool.
    /// </summary>
    internal sealed class FakeClock : ISessionClock
    {
        public static readonly DateTimeOffset Start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        private readonly object gate = new object();
        private readonly List<(TimeSpan Due, TaskCompletionSource<bool> Done)> delays = new List<(TimeSpan, TaskCompletionSource<bool>)>();
        private readonly List<FakeTimer> timers = new List<FakeTimer>();
        private TimeSpan elapsed;

        public DateTimeOffset Now => Start + Elapsed;

        public TimeSpan Elapsed
        {
            get
            {
                lock (gate)
                {
                    return elapsed;
                }
            }
        }

        /// <summary>Delays not yet over (someone is waiting on the clock).</summary>
        public int PendingDelays
        {
            get
            {
                lock (gate)
                {
                    return delays.Count(d => !d.Done.Task.IsCompleted);
                }
            }
        }

        public int RunningTimers
        {
            get
            {
                lock (gate)
                {
                    return timers.Count(t => !t.Stopped);
                }
            }
        }

        public Task Delay(TimeSpan delay, CancellationToken cancellationToken)
        {
            var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            cancellationToken.Register(() => done.TrySetCanceled(cancellationToken));
            lock (gate)
            {
                delays.Add((elapsed + delay, done));
            }

            return done.Task;
        }

        public IDisposable StartTimer(TimeSpan period, Action tick)
        {
            lock (gate)
            {
                var timer = new FakeTimer(period, tick, elapsed + period);
                timers.Add(timer);
                return timer;
            }
        }

        /// <summary>Moves time on by <paramref name="span"/>, firing what falls due in order, on this thread.</summary>
        public void Advance(TimeSpan span)
        {
            TimeSpan until;
            lock (gate)
            {
                until = elapsed + span;
            }

            while (true)
            {
                FakeTimer? timer;
                TaskCompletionSource<bool>? delay;
                lock (gate)
                {
                    timer = timers.Where(t => !t.Stopped && t.Due <= until).OrderBy(t => t.Due).FirstOrDefault();
                    var due = delays.Where(d => !d.Done.Task.IsCompleted && d.Due <= until).OrderBy(d => d.Due).ToList();
                    delay = due.Count > 0 && (timer == null || due[0].Due <= timer.Due) ? due[0].Done : null;
                    if (timer == null && delay == null)
                    {
                        elapsed = until;
                        return;
                    }

                    if (delay != null)
                    {
                        elapsed = due[0].Due;
                        timer = null;
                    }
                    else
                    {
                        elapsed = timer!.Due;
                        timer.Due += timer.Period;
                    }
                }

                delay?.TrySetResult(true);
                timer?.Tick();
            }
        }

        private sealed class FakeTimer : IDisposable
        {
            private readonly Action tick;

            public FakeTimer(TimeSpan period, Action tick, TimeSpan due)
            {
                Period = period;
                this.tick = tick;
                Due = due;
            }

            public TimeSpan Period { get; }

            public TimeSpan Due { get; set; }

            public bool Stopped { get; private set; }

            public void Tick() => tick();

            public void Dispose() => Stopped = true;
        }
    }

    /// <summary>A connector whose connect attempts, reconnect delays and path watches the test ends one by one.</summary>
    internal sealed class FakeConnector : ISshConnector
    {
        private readonly Arrivals<PendingConnect> attempts = new Arrivals<PendingConnect>("connect attempt");
        private readonly Arrivals<PendingWait> waits = new Arrivals<PendingWait>("reconnect delay");
        private readonly Arrivals<PendingWait> watches = new Arrivals<PendingWait>("watch for the path's return");

        public SshTarget Target { get; } = new SshTarget("web01", "alice", 22);

        public HostKeyCheck? LastHostKeyCheck => null;

        public Task<ISshConnection> ConnectAsync(CancellationToken cancellationToken)
        {
            var pending = new PendingConnect(cancellationToken);
            attempts.Add(pending);
            return pending.Result;
        }

        public Task WaitForPathAsync(TimeSpan delay, bool unreachableBefore, CancellationToken cancellationToken)
        {
            // A wait without end is the watch beside a connect attempt: it ends only when the path comes back.
            var wait = new PendingWait(delay, cancellationToken);
            (delay == Timeout.InfiniteTimeSpan ? watches : waits).Add(wait);
            return wait.Over;
        }

        /// <summary>The next connect attempt, once the session makes it.</summary>
        public Task<PendingConnect> NextAttemptAsync() => attempts.NextAsync();

        /// <summary>The next reconnect delay, once the session waits it out.</summary>
        public Task<PendingWait> NextWaitAsync() => waits.NextAsync();

        /// <summary>The watch for the path's return beside the next connect attempt, once the session starts it.</summary>
        public Task<PendingWait> NextWatchAsync() => watches.NextAsync();

        /// <summary>Connect attempts and delays the session started that the test has not taken.</summary>
        public int Untaken => attempts.Count + waits.Count;
    }

    /// <summary>One reconnect delay; the test ends it.</summary>
    internal sealed class PendingWait
    {
        private readonly TaskCompletionSource<bool> over = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

        public PendingWait(TimeSpan delay, CancellationToken token)
        {
            Delay = delay;
            token.Register(() => over.TrySetCanceled(token));
        }

        public TimeSpan Delay { get; }

        public Task Over => over.Task;

        public void End() => over.TrySetResult(true);
    }

    /// <summary>Things the session starts on its own threads, handed to the test in order.</summary>
    internal sealed class Arrivals<T>
    {
        private readonly string what;
        private readonly ConcurrentQueue<T> arrived = new ConcurrentQueue<T>();
        private readonly SemaphoreSlim signal = new SemaphoreSlim(0);

        public Arrivals(string what) => this.what = what;

        public int Count => arrived.Count;

        public void Add(T item)
        {
            arrived.Enqueue(item);
            signal.Release();
        }

        public async Task<T> NextAsync()
        {
            Assert.True(await signal.WaitAsync(Wait.Bounded), $"the session started no {what}");
            Assert.True(arrived.TryDequeue(out T? item));
            return item!;
        }
    }

    /// <summary>One connect attempt in progress; the test makes it succeed or fail.</summary>
    internal sealed class PendingConnect
    {
        private readonly TaskCompletionSource<ISshConnection> result = new TaskCompletionSource<ISshConnection>(TaskCreationOptions.RunContinuationsAsynchronously);

        public PendingConnect(CancellationToken token)
        {
            Token = token;
        }

        /// <summary>The token the session passed; a connector that honours it fails the attempt when it is cancelled.</summary>
        public CancellationToken Token { get; }

        public Task<ISshConnection> Result => result.Task;

        public FakeConnection Succeed(FakeConnection? connection = null)
        {
            connection ??= new FakeConnection();
            result.SetResult(connection);
            return connection;
        }

        public void Fail(Exception exception) => result.SetException(exception);

        public void HonourCancellation() => Token.Register(() => result.TrySetCanceled(Token));
    }

    /// <summary>A connection whose transport failures, keepalive replies and commands the test controls.</summary>
    internal sealed class FakeConnection : ISshConnection
    {
        private static int count;
        private readonly TaskCompletionSource<string> failure = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<bool> disposed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

        public string ServerVersion { get; } = "SSH-2.0-Fake_" + Interlocked.Increment(ref count);

        public Task<string> Failure => failure.Task;

        /// <summary>Completes when the session closes this connection.</summary>
        public Task Disposed => disposed.Task;

        public bool IsDisposed => disposed.Task.IsCompleted;

        /// <summary>What starting keepalives does; by default a probe the server answers only when told.</summary>
        public Func<TimeSpan, Action, IKeepAliveProbe?> KeepAlive { get; set; } = (_, onReply) => new FakeProbe(onReply);

        public FakeProbe? Probe { get; private set; }

        /// <summary>What a command returns; by default it never ends.</summary>
        public Func<string, CancellationToken, Task<RemoteCommandOutput>> Command { get; set; } =
            (_, cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith<RemoteCommandOutput>(_ => throw new OperationCanceledException(cancellationToken));

        public void Fail(string reason) => failure.TrySetResult(reason);

        public IKeepAliveProbe? StartKeepAlive(TimeSpan interval, Action onReply)
        {
            IKeepAliveProbe? probe = KeepAlive(interval, onReply);
            Probe = probe as FakeProbe;
            return probe;
        }

        public Task<RemoteCommandOutput> RunCommandAsync(string command, CancellationToken cancellationToken) => Command(command, cancellationToken);

        public ShellStream OpenShell(string terminal, int columns, int rows, string? command) => throw new NotSupportedException("no shells in the fakes");

        public Task<System.Net.Sockets.Socket> OpenChannelAsync(string host, int port, CancellationToken cancellationToken) => throw new NotSupportedException("no channels in the fakes");

        public int StartRemoteForward(string bindHost, int port, string connectHost, int connectPort) => throw new NotSupportedException("no forwards in the fakes");

        public Task<RemoteProcessResult> RunAsync(string command, byte[]? input, CancellationToken cancellationToken) => throw new NotSupportedException("no binary commands in the fakes");

        public IRemoteProcess Start(string command) => throw new NotSupportedException("no started commands in the fakes");

        public void Dispose() => disposed.TrySetResult(true);
    }

    /// <summary>Keepalives the test answers (<see cref="Reply"/>) or leaves unanswered.</summary>
    internal sealed class FakeProbe : IKeepAliveProbe
    {
        private readonly Action onReply;

        public FakeProbe(Action onReply) => this.onReply = onReply;

        public int Sent { get; private set; }

        /// <summary>Runs inside Send, on the timer's thread; by default nothing.</summary>
        public Action WhileSending { get; set; } = () => { };

        public bool Disposed { get; private set; }

        public bool Send()
        {
            WhileSending();
            Sent++;
            return true;
        }

        public void Reply() => onReply();

        public void Dispose() => Disposed = true;
    }

    /// <summary>A session on fakes, and what it reported.</summary>
    internal sealed class SessionTest : IDisposable
    {
        private readonly ConcurrentQueue<SessionEvent> events = new ConcurrentQueue<SessionEvent>();
        private readonly SemaphoreSlim raised = new SemaphoreSlim(0);

        public SessionTest(ReconnectPolicy? policy = null, TimeSpan? interval = null, int countMax = 2)
        {
            Clock = new FakeClock();
            Connector = new FakeConnector();
            Session = new PersistentSshSession(
                Connector,
                interval ?? TimeSpan.FromSeconds(1),
                countMax,
                policy ?? new ReconnectPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8), null, TimeSpan.FromMinutes(10), jitter: 0),
                null,
                Clock);
            Session.StateChanged += (_, e) =>
            {
                events.Enqueue(e);
                raised.Release();
            };
        }

        public FakeClock Clock { get; }

        public FakeConnector Connector { get; }

        public PersistentSshSession Session { get; }

        public IReadOnlyList<SessionEvent> Events => events.ToList();

        public IReadOnlyList<SessionEventKind> Kinds => events.Select(e => e.Kind).ToList();

        /// <summary>Connects the session on a fresh fake connection.</summary>
        public async Task<FakeConnection> ConnectAsync(FakeConnection? connection = null)
        {
            Task connecting = Session.ConnectAsync(CancellationToken.None);
            FakeConnection connected = (await Connector.NextAttemptAsync()).Succeed(connection);
            await connecting.WaitAsync(Wait.Bounded);
            return connected;
        }

        /// <summary>Waits until the session has raised <paramref name="count"/> events of this kind in all.</summary>
        public async Task<SessionEvent> EventAsync(SessionEventKind kind, int count = 1)
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (events.Count(e => e.Kind == kind) < count)
            {
                Assert.True(waited.Elapsed < Wait.Bounded && await raised.WaitAsync(Wait.Bounded - waited.Elapsed), $"no {kind} event #{count}; events: {string.Join("; ", events)}");
            }

            return events.Where(e => e.Kind == kind).ElementAt(count - 1);
        }

        /// <summary>Ends the reconnect loop's next delay, and answers its connect attempt with a fresh connection.</summary>
        public async Task<FakeConnection> ReconnectAsync(FakeConnection? connection = null)
        {
            (await Connector.NextWaitAsync()).End();
            return (await Connector.NextAttemptAsync()).Succeed(connection);
        }

        public void Dispose() => Session.Dispose();
    }
}
