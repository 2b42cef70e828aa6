using System;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Renci.SshNet.Common;
using SshKeepAlive.Core.Sessions;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Sessions
{
    /// <summary>The session's state machine driven through its races with a fake connector and a fake clock: no network, no real time.</summary>
    public sealed class PersistentSshSessionTests
    {
        private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

        private static async Task WaitForDelay(FakeClock clock)
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (clock.PendingDelays == 0)
            {
                Assert.True(waited.Elapsed < Wait.Bounded, "nobody waited on the clock");
                await Task.Delay(5);
            }
        }

        [Fact]
        public async Task TransportFailure_RetiresTheConnection_AndReconnectsOnANewOne()
        {
            using var test = new SessionTest();
            FakeConnection first = await test.ConnectAsync();

            first.Fail("connection reset");
            await test.EventAsync(SessionEventKind.Disconnected);
            FakeConnection second = await test.ReconnectAsync();
            await test.EventAsync(SessionEventKind.Reconnected);

            await first.Disposed.WaitAsync(Wait.Bounded);
            Assert.Equal(SessionState.Connected, test.Session.State);
            Assert.Equal(second.ServerVersion, test.Session.ServerVersion);
            Assert.Equal(1, test.Session.ReconnectCount);
            Assert.Contains("connection reset", test.Events[1].Message);
            Assert.Equal(new[] { SessionEventKind.Connected, SessionEventKind.Disconnected, SessionEventKind.Reconnecting, SessionEventKind.Reconnected }, test.Kinds);
        }

        [Fact]
        public async Task FirstConnect_IsTriedConnectionAttemptsTimes_ASecondApart_WhileTheServerCannotBeReached()
        {
            using var test = new SessionTest();
            test.Session.ConnectionAttempts = 3;

            Task connecting = test.Session.ConnectAsync(CancellationToken.None);
            (await test.Connector.NextAttemptAsync()).Fail(new SocketException((int)SocketError.ConnectionRefused));
            await WaitForDelay(test.Clock);
            test.Clock.Advance(TimeSpan.FromSeconds(1));
            (await test.Connector.NextAttemptAsync()).Fail(new SocketException((int)SocketError.ConnectionRefused));
            await WaitForDelay(test.Clock);
            test.Clock.Advance(TimeSpan.FromSeconds(1));
            (await test.Connector.NextAttemptAsync()).Succeed();
            await connecting.WaitAsync(Wait.Bounded);

            Assert.Equal(SessionState.Connected, test.Session.State);
        }

        [Fact]
        public async Task FirstConnect_GivesUpAfterConnectionAttempts_AndNeverRetriesARefusal()
        {
            using var unreachable = new SessionTest();
            unreachable.Session.ConnectionAttempts = 2;
            Task failing = unreachable.Session.ConnectAsync(CancellationToken.None);
            (await unreachable.Connector.NextAttemptAsync()).Fail(new SocketException((int)SocketError.ConnectionRefused));
            await WaitForDelay(unreachable.Clock);
            unreachable.Clock.Advance(TimeSpan.FromSeconds(1));
            (await unreachable.Connector.NextAttemptAsync()).Fail(new SocketException((int)SocketError.ConnectionRefused));
            using var refused = new SessionTest();
            refused.Session.ConnectionAttempts = 5;
            Task refusing = refused.Session.ConnectAsync(CancellationToken.None);
            (await refused.Connector.NextAttemptAsync()).Fail(new SshAuthenticationException("Permission denied (publickey)."));

            await Assert.ThrowsAsync<SocketException>(() => failing.WaitAsync(Wait.Bounded));
            await Assert.ThrowsAsync<SshAuthenticationException>(() => refusing.WaitAsync(Wait.Bounded));
            Assert.Equal(SessionState.Broken, refused.Session.State);
        }

        [Fact]
        public async Task UnansweredKeepalives_DeclareTheConnectionDead_AfterCountMaxPlusOneIntervals()
        {
            using var test = new SessionTest(interval: Interval, countMax: 2);
            FakeConnection connection = await test.ConnectAsync();

            test.Clock.Advance(Interval * 2);
            Assert.Equal(2, connection.Probe!.Sent);
            Assert.Equal(SessionState.Connected, test.Session.State);
            test.Clock.Advance(Interval);

            SessionEvent lost = await test.EventAsync(SessionEventKind.Disconnected);
            Assert.Equal(FakeClock.Start + (Interval * 3), lost.Time);
            Assert.Contains("no answer to 2 keepalives sent 1 s apart", lost.Message);
        }

        [Fact]
        public async Task AnsweredKeepalives_KeepTheConnection_AndMeasureTheRoundTrip()
        {
            using var test = new SessionTest(interval: Interval, countMax: 1);
            FakeConnection connection = await test.ConnectAsync();

            test.Clock.Advance(Interval);
            for (int i = 0; i < 10; i++)
            {
                test.Clock.Advance(TimeSpan.FromMilliseconds(30));
                connection.Probe!.Reply();
                test.Clock.Advance(Interval - TimeSpan.FromMilliseconds(30));
            }

            Assert.Equal(11, connection.Probe!.Sent);
            Assert.Equal(SessionState.Connected, test.Session.State);
            Assert.True(test.Session.KeepAliveRepliesChecked);
            Assert.Equal(TimeSpan.FromMilliseconds(30), test.Session.LastKeepAliveRoundTrip);
            Assert.Equal(new[] { SessionEventKind.Connected }, test.Kinds);
        }

        [Fact]
        public async Task LateLossReportOfTheOldConnection_LeavesItsSuccessorAlone()
        {
            using var test = new SessionTest(interval: Interval, countMax: 1);
            FakeConnection first = await test.ConnectAsync();
            test.Clock.Advance(Interval * 2);
            await test.EventAsync(SessionEventKind.Disconnected);
            FakeConnection second = await test.ReconnectAsync();
            await test.EventAsync(SessionEventKind.Reconnected);

            // The old client's transport error, raised only now by its own (slow) teardown.
            first.Fail("An established connection was aborted by the server.");

            await first.Disposed.WaitAsync(Wait.Bounded);
            Assert.Equal(SessionState.Connected, test.Session.State);
            Assert.Equal(second.ServerVersion, test.Session.ServerVersion);
            Assert.False(second.IsDisposed);
            Assert.Equal(1, test.Session.ReconnectCount);
            Assert.Equal(0, test.Connector.Untaken);
        }

        [Fact]
        public async Task SecondLossReportWhileReconnecting_StartsNoSecondReconnect()
        {
            using var test = new SessionTest(interval: Interval, countMax: 1);
            FakeConnection first = await test.ConnectAsync();
            first.Fail("connection reset");
            await test.EventAsync(SessionEventKind.Disconnected);
            PendingWait wait = await test.Connector.NextWaitAsync();

            // The keepalive and the transport report the same loss, the second one while the first is handled.
            first.Fail("broken pipe");
            test.Clock.Advance(Interval * 5);
            wait.End();
            (await test.Connector.NextAttemptAsync()).Succeed();
            await test.EventAsync(SessionEventKind.Reconnected);

            Assert.Single(test.Events, e => e.Kind == SessionEventKind.Disconnected);
            Assert.Equal(0, test.Connector.Untaken);
            Assert.Equal(1, test.Session.ReconnectCount);
        }

        [Fact]
        public async Task NewConnectionLostBeforeItIsTaken_IsClosed_AndTheNextAttemptFollows()
        {
            using var test = new SessionTest();
            FakeConnection first = await test.ConnectAsync();
            first.Fail("connection reset");
            (await test.Connector.NextWaitAsync()).End();
            var dead = new FakeConnection();
            dead.Fail("reset during the handshake's last message");

            (await test.Connector.NextAttemptAsync()).Succeed(dead);
            FakeConnection third = await test.ReconnectAsync();
            await test.EventAsync(SessionEventKind.Reconnected);

            await dead.Disposed.WaitAsync(Wait.Bounded);
            Assert.Equal(third.ServerVersion, test.Session.ServerVersion);
            Assert.Contains("(attempt 2)", test.Events[test.Events.Count - 1].Message);
        }

        [Fact]
        public async Task DisposeDuringAReconnectAttempt_CancelsIt_AndClosesAConnectionThatArrivesAnyway()
        {
            using var test = new SessionTest();
            FakeConnection first = await test.ConnectAsync();
            first.Fail("connection reset");
            (await test.Connector.NextWaitAsync()).End();
            PendingConnect attempt = await test.Connector.NextAttemptAsync();

            test.Session.Dispose();
            FakeConnection late = attempt.Succeed();

            Assert.True(attempt.Token.IsCancellationRequested);
            await late.Disposed.WaitAsync(Wait.Bounded);
            Assert.Equal(SessionState.Closed, test.Session.State);
            Assert.Null(test.Session.ServerVersion);
            Assert.DoesNotContain(SessionEventKind.Reconnected, test.Kinds);
            Assert.Equal(SessionEventKind.Closed, test.Events[test.Events.Count - 1].Kind);
        }

        [Fact]
        public async Task DisposeDuringAReconnectDelay_EndsTheLoop()
        {
            using var test = new SessionTest();
            FakeConnection first = await test.ConnectAsync();
            first.Fail("connection reset");
            PendingWait wait = await test.Connector.NextWaitAsync();

            test.Session.Dispose();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.Over.WaitAsync(Wait.Bounded));
            Assert.Equal(SessionState.Closed, test.Session.State);
            Assert.Equal(0, test.Connector.Untaken);
        }

        [Fact]
        public async Task DisposeDuringTheFirstConnect_FailsItAsClosed()
        {
            using var test = new SessionTest();
            Task connecting = test.Session.ConnectAsync(CancellationToken.None);
            PendingConnect attempt = await test.Connector.NextAttemptAsync();
            attempt.HonourCancellation();

            test.Session.Dispose();

            await Assert.ThrowsAsync<SessionUnavailableException>(() => connecting.WaitAsync(Wait.Bounded));
            Assert.Equal(SessionState.Closed, test.Session.State);
        }

        [Fact]
        public async Task KeepaliveThatThrows_IsAConnectionLoss_NotACrash()
        {
            using var test = new SessionTest(interval: Interval);
            FakeConnection first = await test.ConnectAsync();
            first.Probe!.WhileSending = () => throw new ObjectDisposedException("Session");

            test.Clock.Advance(Interval);

            SessionEvent lost = await test.EventAsync(SessionEventKind.Disconnected);
            Assert.Contains("sending a keepalive failed", lost.Message);
            await test.ReconnectAsync();
            await test.EventAsync(SessionEventKind.Reconnected);
            Assert.Equal(SessionState.Connected, test.Session.State);
        }

        [Fact]
        public async Task KeepaliveHookFailingAfterTheFirstConnect_ClosesTheConnection_AndTheConnectFails()
        {
            using var test = new SessionTest();
            var connection = new FakeConnection { KeepAlive = (_, _) => throw new InvalidOperationException("The SSH client is not connected.") };
            Task connecting = test.Session.ConnectAsync(CancellationToken.None);

            (await test.Connector.NextAttemptAsync()).Succeed(connection);

            await Assert.ThrowsAsync<InvalidOperationException>(() => connecting.WaitAsync(Wait.Bounded));
            await connection.Disposed.WaitAsync(Wait.Bounded);
            Assert.Equal(SessionState.Broken, test.Session.State);
        }

        [Fact]
        public async Task KeepaliveHookFailingOnAReconnect_ClosesThatConnection_AndRetries()
        {
            using var test = new SessionTest();
            FakeConnection first = await test.ConnectAsync();
            first.Fail("connection reset");
            var hookless = new FakeConnection { KeepAlive = (_, _) => throw new InvalidOperationException("The SSH client is not connected.") };

            await test.ReconnectAsync(hookless);
            FakeConnection third = await test.ReconnectAsync();
            await test.EventAsync(SessionEventKind.Reconnected);

            await hookless.Disposed.WaitAsync(Wait.Bounded);
            Assert.Equal(third.ServerVersion, test.Session.ServerVersion);
            Assert.Contains(test.Events, e => e.Message.Contains("Attempt 1 to reach alice@web01:22 failed: The SSH client is not connected."));
        }

        [Fact]
        public async Task Dispose_WaitsForAKeepaliveAlreadySending_BeforeClosingItsConnection()
        {
            using var test = new SessionTest(interval: Interval);
            FakeConnection connection = await test.ConnectAsync();
            using var send = new BlockedSend(test, connection);
            Task tick = send.Start();

            Task disposing = Task.Run(test.Session.Dispose);
            // Dispose now waits for the callback, bounded by the clock: its bound is the one pending delay.
            await WaitUntil(() => test.Clock.PendingDelays > 0);
            Assert.False(disposing.IsCompleted);
            Assert.False(connection.IsDisposed);
            send.Release();

            await Task.WhenAll(tick, disposing).WaitAsync(Wait.Bounded);
            Assert.False(send.ConnectionClosedDuringIt);
            Assert.True(connection.IsDisposed);
            Assert.True(connection.Probe!.Disposed);
        }

        [Fact]
        public async Task Dispose_GivesUpWaitingForAKeepaliveThatNeverReturns_AtItsBound()
        {
            using var test = new SessionTest(interval: Interval);
            FakeConnection connection = await test.ConnectAsync();
            using var send = new BlockedSend(test, connection);
            Task tick = send.Start();
            Task disposing = Task.Run(test.Session.Dispose);
            await WaitUntil(() => test.Clock.PendingDelays > 0);

            test.Clock.Advance(ActiveConnection.CallbackWait);

            await connection.Disposed.WaitAsync(Wait.Bounded);
            await disposing.WaitAsync(Wait.Bounded);
            send.Release();
            await tick.WaitAsync(Wait.Bounded);
        }

        [Fact]
        public async Task ConnectionWithoutAnsweredKeepalives_StaysUp_WithNoTimerOfOurs()
        {
            using var test = new SessionTest(interval: Interval);
            TimeSpan? asked = null;
            var connection = new FakeConnection { KeepAlive = (interval, _) => { asked = interval; return null; } };

            await test.ConnectAsync(connection);
            test.Clock.Advance(Interval * 10);

            Assert.Equal(Interval, asked);
            Assert.False(test.Session.KeepAliveRepliesChecked);
            Assert.Equal(0, test.Clock.RunningTimers);
            Assert.Equal(SessionState.Connected, test.Session.State);
        }

        [Fact]
        public async Task ReconnectRefusedForGood_LeavesTheSessionBroken_WithoutRetrying()
        {
            using var test = new SessionTest();
            FakeConnection first = await test.ConnectAsync();
            first.Fail("connection reset");
            (await test.Connector.NextWaitAsync()).End();

            (await test.Connector.NextAttemptAsync()).Fail(new SshAuthenticationException("Permission denied (publickey)."));

            SessionEvent gaveUp = await test.EventAsync(SessionEventKind.GaveUp);
            Assert.Contains("will not change by retrying", gaveUp.Message);
            Assert.Equal(SessionState.Broken, test.Session.State);
            Assert.Equal(0, test.Connector.Untaken);
        }

        [Fact]
        public async Task ReconnectRefusedForGood_KeepsWhatRefusedIt_ForTheCallerToReport()
        {
            using var test = new SessionTest();
            FakeConnection first = await test.ConnectAsync();
            first.Fail("connection reset");
            (await test.Connector.NextWaitAsync()).End();
            var refused = new SshAuthenticationException("Permission denied (publickey).");

            (await test.Connector.NextAttemptAsync()).Fail(refused);

            await test.EventAsync(SessionEventKind.GaveUp);
            Assert.Same(refused, test.Session.Failure);
        }

        [Fact]
        public async Task ConnectAttemptHangingWhenThePathComesBack_IsAbandoned_AndANewOneStartsAtOnce()
        {
            using var test = new SessionTest();
            FakeConnection first = await test.ConnectAsync();
            first.Fail("connection reset");
            (await test.Connector.NextWaitAsync()).End();
            PendingConnect hanging = await test.Connector.NextAttemptAsync();
            PendingWait watch = await test.Connector.NextWatchAsync();

            watch.End();

            SessionEvent abandoned = await test.EventAsync(SessionEventKind.Reconnecting, 2);
            Assert.Contains("Attempt 1", abandoned.Message);
            Assert.Contains("abandoned", abandoned.Message);
            Assert.True(hanging.Token.IsCancellationRequested);
            FakeConnection second = await test.ReconnectAsync();
            await test.EventAsync(SessionEventKind.Reconnected);
            Assert.Equal(second.ServerVersion, test.Session.ServerVersion);
        }

        [Fact]
        public async Task ConnectAttemptThatSucceeds_StopsTheWatchBesideIt()
        {
            using var test = new SessionTest();
            FakeConnection first = await test.ConnectAsync();
            first.Fail("connection reset");
            (await test.Connector.NextWaitAsync()).End();
            PendingConnect attempt = await test.Connector.NextAttemptAsync();
            PendingWait watch = await test.Connector.NextWatchAsync();

            attempt.Succeed();

            await test.EventAsync(SessionEventKind.Reconnected);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watch.Over.WaitAsync(Wait.Bounded));
            Assert.Equal(SessionState.Connected, test.Session.State);
        }

        [Fact]
        public async Task ReconnectAttemptsRunOut_LeavesTheSessionBroken_AfterBackingOff()
        {
            using var test = new SessionTest(new ReconnectPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), 3, null, jitter: 0));
            FakeConnection first = await test.ConnectAsync();
            first.Fail("connection reset");
            var delays = new TimeSpan[3];

            for (int attempt = 0; attempt < 3; attempt++)
            {
                PendingWait wait = await test.Connector.NextWaitAsync();
                delays[attempt] = wait.Delay;
                wait.End();
                (await test.Connector.NextAttemptAsync()).Fail(new SocketException((int)SocketError.HostUnreachable));
            }

            await test.EventAsync(SessionEventKind.GaveUp);
            Assert.Equal(new[] { TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3) }, delays);
            Assert.Equal(SessionState.Broken, test.Session.State);
            await Assert.ThrowsAsync<SessionUnavailableException>(() => test.Session.RunCommandAsync("true", TimeSpan.FromSeconds(5), CancellationToken.None));
        }

        [Fact]
        public async Task CommandCutByALoss_FailsAsLost_AndIsNotRetried()
        {
            using var test = new SessionTest();
            FakeConnection connection = await test.ConnectAsync();
            int runs = 0;
            var cut = new TaskCompletionSource<RemoteCommandOutput>();
            connection.Command = (_, _) =>
            {
                runs++;
                return cut.Task;
            };
            Task<CommandResult> running = test.Session.RunCommandAsync("make deploy", TimeSpan.Zero, CancellationToken.None);

            connection.Fail("connection reset");
            cut.SetException(new SshConnectionException("An established connection was aborted by the server."));

            var error = await Assert.ThrowsAsync<SessionLostException>(() => running.WaitAsync(Wait.Bounded));
            Assert.Contains("'make deploy'", error.Message);
            Assert.Equal(1, runs);
        }

        [Fact]
        public async Task Command_CountsTheBytesItsConnectionReports()
        {
            using var test = new SessionTest();
            FakeConnection connection = await test.ConnectAsync();
            connection.Command = (command, _) => Task.FromResult(new RemoteCommandOutput("é\n", string.Empty, 0, 7, 3));

            CommandResult result = await test.Session.RunCommandAsync("echo é", TimeSpan.Zero, CancellationToken.None);

            Assert.Equal("é\n", result.Output);
            Assert.Equal((7L, 3L), (test.Session.BytesSent, test.Session.BytesReceived));
        }

        [Fact]
        public async Task SubscriberThatThrows_DoesNotStopTheSession()
        {
            using var test = new SessionTest();
            test.Session.StateChanged += (_, _) => throw new InvalidOperationException("a buggy handler");
            FakeConnection first = await test.ConnectAsync();

            first.Fail("connection reset");
            await test.ReconnectAsync();

            await test.EventAsync(SessionEventKind.Reconnected);
            Assert.Equal(SessionState.Connected, test.Session.State);
        }

        /// <summary>A keepalive whose send blocks (as on a full socket buffer) until released.</summary>
        private sealed class BlockedSend : IDisposable
        {
            private readonly SessionTest test;
            private readonly ManualResetEventSlim release = new ManualResetEventSlim();
            private readonly ManualResetEventSlim sending = new ManualResetEventSlim();

            public BlockedSend(SessionTest test, FakeConnection connection)
            {
                this.test = test;
                connection.Probe!.WhileSending = () =>
                {
                    sending.Set();
                    release.Wait(Wait.Bounded);
                    ConnectionClosedDuringIt = connection.IsDisposed;
                };
            }

            public bool ConnectionClosedDuringIt { get; private set; }

            /// <summary>Lets the keepalive timer fire on another thread; returns once its send is blocked.</summary>
            public Task Start()
            {
                Task tick = Task.Run(() => test.Clock.Advance(Interval));
                Assert.True(sending.Wait(Wait.Bounded), "the keepalive was never sent");
                return tick;
            }

            public void Release() => release.Set();

            public void Dispose()
            {
                release.Set();
                release.Dispose();
                sending.Dispose();
            }
        }

        private static async Task WaitUntil(Func<bool> condition)
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (!condition())
            {
                Assert.True(waited.Elapsed < Wait.Bounded, "the condition never held");
                await Task.Delay(5);
            }
        }
    }
}
