using System;
using System.IO;
using System.Linq;
using System.Collections.Concurrent;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Renci.SshNet.Common;
using SshKeepAlive.Core.Sessions;
using SshKeepAlive.Testing;
using Xunit;
using static SshKeepAlive.Core.Tests.Sessions.TestbedSessions;

namespace SshKeepAlive.Core.Tests.Sessions
{
    /// <summary>Keepalive, dead-peer detection and reconnect through the testbed's forgetful firewall.</summary>
    [Collection(ProcessWideCounts.Name)]
    public sealed class PersistentSessionTestbedTests
    {
        [TestbedFact]
        public void Connect_NegotiatesOpenSshsPreferredCipher_NotSshNetsDefault()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            File.WriteAllText(bed.Server.SshdConfig, File.ReadAllText(bed.Server.SshdConfig).Replace("LogLevel VERBOSE", "LogLevel DEBUG1"));
            bed.Reload();

            using PersistentSshSession session = Connect(Settings(bed));

            // What OpenSSH's own ssh negotiates with this sshd: an AEAD cipher with no separate MAC.
            Assert.Contains("kex: client->server cipher: chacha20-poly1305@openssh.com MAC: <implicit>", bed.Server.ReadLog());
        }

        [TestbedFact]
        public void Command_CountsWhatItSendsAndReceives_InBytesNotCharacters()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            using PersistentSshSession session = Connect(Settings(bed));
            const string Command = "printf 'é€\\n'; printf 'ü' >&2";

            CommandResult result = session.RunCommandAsync(Command, Wait.Bounded, CancellationToken.None).GetAwaiter().GetResult();

            Assert.Equal(("é€\n", "ü"), (result.Output, result.Error));
            Assert.Equal(Encoding.UTF8.GetByteCount(Command), session.BytesSent);
            Assert.Equal(Encoding.UTF8.GetByteCount("é€\nü"), session.BytesReceived);
        }

        [TestbedFact]
        public void IdleSession_WithKeepalivesUnderTheFirewallTimeout_RunsACommandAfter20s_WhileWithoutThemTheCommandFindsTheFlowDeadAndRunsAfterAReconnect()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start(idleTimeoutSeconds: 5);
            SshSessionSettings kept = Settings(bed);
            kept.KeepAliveInterval = TimeSpan.FromSeconds(2);
            kept.KeepAliveCountMax = 3;
            SshSessionSettings bare = Settings(bed);
            bare.KeepAliveInterval = TimeSpan.Zero;
            var keptEvents = new ConcurrentQueue<SessionEvent>();
            var bareEvents = new ConcurrentQueue<SessionEvent>();
            using PersistentSshSession withKeepAlive = Connect(kept, keptEvents);
            using PersistentSshSession without = Connect(bare, bareEvents);
            Assert.Equal("a\n", Run(withKeepAlive, "echo a"));
            Assert.Equal("a\n", Run(without, "echo a"));

            Thread.Sleep(TimeSpan.FromSeconds(20));

            Assert.Equal("b\n", Run(withKeepAlive, "echo b"));
            Assert.Null(First(keptEvents, SessionEventKind.Disconnected));
            Assert.Equal(SessionState.Connected, without.State);
            var timer = System.Diagnostics.Stopwatch.StartNew();
            // The firewall forgot the flow: the keepalive sent before the command goes unanswered within the connect
            // timeout (5 s), the session reconnects, and the command runs once, on the new connection.
            Assert.Equal("b\n", Run(without, "echo b"));
            Assert.InRange(timer.Elapsed, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(20));
            Assert.Equal(1, without.ReconnectCount);
            Assert.Contains("keepalive sent before a command", First(bareEvents, SessionEventKind.Disconnected)!.Message);
        }

        [TestbedFact]
        public void CutPath_IsDeclaredDeadWithinTheKeepaliveBound_AndReconnectsByItselfWhenRestored()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            SshSessionSettings settings = Settings(bed);
            var events = new ConcurrentQueue<SessionEvent>();
            using PersistentSshSession session = Connect(settings, events);
            Assert.Equal("a\n", Run(session, "echo a"));
            TimeSpan bound = TimeSpan.FromTicks(settings.KeepAliveInterval.Ticks * (settings.KeepAliveCountMax + 1)) + TimeSpan.FromSeconds(1);

            DateTimeOffset cutAt = DateTimeOffset.Now;
            bed.Cut();
            Assert.True(Wait.Until(() => First(events, SessionEventKind.Disconnected) != null, Wait.Bounded), "the cut was never noticed");
            SessionState whileCut = session.State;
            bed.Restore();
            Assert.True(Wait.Until(() => First(events, SessionEventKind.Reconnected) != null, Wait.Bounded), "no reconnect: " + string.Join("; ", events));

            Assert.InRange(First(events, SessionEventKind.Disconnected)!.Time - cutAt, TimeSpan.Zero, bound);
            Assert.Equal(SessionState.Reconnecting, whileCut);
            Assert.Equal(SessionState.Connected, session.State);
            Assert.Equal(1, session.ReconnectCount);
            Assert.Equal("b\n", Run(session, "echo b"));
        }

        [TestbedFact]
        public void ConnectAttemptStartedDuringACut_IsAbandonedWhenThePathReturns_NotLeftToItsConnectTimeout()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            SshSessionSettings settings = Settings(bed);
            settings.ConnectTimeout = TimeSpan.FromSeconds(30);
            settings.ReconnectPolicy = new ReconnectPolicy(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(60), null, TimeSpan.FromMinutes(2), jitter: 0);
            var events = new ConcurrentQueue<SessionEvent>();
            using PersistentSshSession session = Connect(settings, events);
            TimeSpan cutAfterTheAttemptStarts = TimeSpan.FromSeconds(20);

            bed.Cut();
            Assert.True(Wait.Until(() => First(events, SessionEventKind.Disconnected) != null, Wait.Bounded), "the cut was never noticed");
            Thread.Sleep(cutAfterTheAttemptStarts);
            DateTimeOffset restoredAt = DateTimeOffset.Now;
            bed.Restore();
            Assert.True(Wait.Until(() => First(events, SessionEventKind.Reconnected) != null, Wait.Bounded), "no reconnect: " + string.Join("; ", events));

            // Left alone, the attempt (its SYN lost in the cut, and TCP's next resend 31 s after the first) would end only at
            // its connect timeout, 10 s after the restore.
            string history = $"restored at {restoredAt:HH:mm:ss.fff}; " + string.Join(" | ", events.Select(e => $"{e.Time:HH:mm:ss.fff} {e.Message}"));
            Assert.True(First(events, SessionEventKind.Reconnected)!.Time - restoredAt < (settings.ConnectTimeout - cutAfterTheAttemptStarts) / 3, history);
            Assert.True(events.Any(e => e.Kind == SessionEventKind.Reconnecting && e.Message.Contains("abandoned")), history);
            Assert.Equal("back\n", Run(session, "echo back"));
        }

        [TestbedFact]
        public void LinkFlaps_50InARow_LeaveNoSocketsThreadsOrConnectionsBehind()
        {
            const int Flaps = 50;
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            SshSessionSettings settings = Settings(bed);
            settings.KeepAliveInterval = TimeSpan.FromMilliseconds(500);
            settings.KeepAliveCountMax = 1;
            settings.ReconnectPolicy = new ReconnectPolicy(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), null, TimeSpan.FromMinutes(1));
            using (PersistentSshSession warmUp = Connect(settings))
            {
                Run(warmUp, "true");
            }

            int socketsBefore = SettledSockets();
            int threadsBefore = Threads();
            var events = new ConcurrentQueue<SessionEvent>();
            using (PersistentSshSession session = Connect(settings, events))
            {
                for (int flap = 0; flap < Flaps; flap++)
                {
                    bed.Cut();
                    Assert.True(Wait.Until(() => First(events, SessionEventKind.Disconnected, flap) != null, Wait.Bounded), $"flap {flap}: the cut was never noticed");
                    bed.Restore();
                    Assert.True(Wait.Until(() => First(events, SessionEventKind.Reconnected, flap) != null, Wait.Bounded), $"flap {flap}: no reconnect: " + string.Join("; ", events));
                }

                Assert.Equal("ok\n", Run(session, "echo ok"));
                Assert.Equal(Flaps, session.ReconnectCount);
                Assert.True(Wait.Until(() => OpenSockets() == socketsBefore + 1, TimeSpan.FromSeconds(10)), $"{OpenSockets() - socketsBefore} sockets open for one connection");
            }

            Assert.True(Wait.Until(() => OpenSockets() == socketsBefore, TimeSpan.FromSeconds(10)), $"{OpenSockets() - socketsBefore} sockets left open");
            // The thread pool may keep a few idle workers; one leaked thread per flap would be 50.
            Assert.True(Wait.Until(() => Threads() <= threadsBefore + 4, TimeSpan.FromSeconds(30)), $"threads: {threadsBefore} before, {Threads()} after");
        }
    }

    /// <summary>Tests that count the process's sockets and threads run alone, so other tests' connections do not count.</summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class ProcessWideCounts
    {
        public const string Name = "Process-wide socket and thread counts";
    }
}
