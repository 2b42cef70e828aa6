using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Sessions;
using SshKeepAlive.Testing;
using Bed = SshKeepAlive.Testing.Testbed;
using Xunit;
using static SshKeepAlive.Core.Tests.Sessions.TestbedSessions;

namespace SshKeepAlive.Core.Tests.Sessions
{
    /// <summary>
    /// Chains through a bastion: server 1 reaches server 2, which this process cannot reach at all; the session goes
    /// through server 1's channel, checks each host key, and treats a dead hop anywhere on the path like a dead server.
    /// </summary>
    [Collection(ProcessWideCounts.Name)]
    public sealed class JumpHostTestbedTests
    {
        [TestbedFact]
        public void Connect_ThroughABastion_ReachesAHostOnlyTheBastionReaches()
        {
            using var bed = Bastion(out TestbedServer bastion, out TestbedServer target);
            using PersistentSshSession session = Connect(Through(bed, bastion, target));

            Assert.Equal("ok\n", Run(session, "echo ok"));
            Assert.Contains($"Connection from {bastion.Address} port", target.ReadLog());
            Assert.Equal(new[] { bastion.Address }, session.JumpHosts.Select(h => h.Host));
        }

        [TestbedTheory]
        [InlineData(1)]
        [InlineData(2)]
        public void DeadPath_BeforeOrBehindTheBastion_IsNoticedLikeADeadServer_AndTheWholeChainComesBack(int cutServer)
        {
            using var bed = Bastion(out TestbedServer bastion, out TestbedServer target);
            SshSessionSettings settings = Through(bed, bastion, target);
            var events = new ConcurrentQueue<SessionEvent>();
            using PersistentSshSession session = Connect(settings, events);
            TimeSpan bound = TimeSpan.FromTicks(settings.KeepAliveInterval.Ticks * (settings.KeepAliveCountMax + 1)) + TimeSpan.FromSeconds(1);

            DateTimeOffset cutAt = DateTimeOffset.Now;
            bed.Cut(bed.Servers[cutServer - 1]);
            Assert.True(Wait.Until(() => First(events, SessionEventKind.Disconnected) != null, Wait.Bounded), "the dead hop was never noticed");
            bed.Restore();
            Assert.True(Wait.Until(() => First(events, SessionEventKind.Reconnected) != null, Wait.Bounded), "no reconnect: " + string.Join("; ", events));

            Assert.InRange(First(events, SessionEventKind.Disconnected)!.Time - cutAt, TimeSpan.Zero, bound);
            Assert.Equal("b\n", Run(session, "echo b"));
            Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(target.ReadLog(), $"Accepted publickey for {bed.User} from {bastion.Address}").Count);
        }

        // SSH.NET blocks the thread of a connect through the whole key exchange and authentication, and a pool thread for
        // the whole life of a forwarded channel (the bastion's channel to the target): with two pool threads free (what
        // two cores give before the pool grows, half a second per thread) a chain stalled, and its recovery after a cut
        // took up to a second longer than a direct connection's.
        [TestbedFact]
        public void Connect_ThroughABastion_NeedsNoMoreThanTwoFreeThreadPoolThreads()
        {
            using var bed = Bastion(out TestbedServer bastion, out TestbedServer target);
            using PersistentSshSession session = WithTwoFreePoolThreads(() => Connect(Through(bed, bastion, target)));

            Assert.Equal("ok\n", WithTwoFreePoolThreads(() => Run(session, "echo ok")));
        }

        [TestbedFact]
        public void Connect_ThroughAProxyCommand_CarriesTheConnectionOverItsStandardInputAndOutput()
        {
            using var bed = Bastion(out TestbedServer bastion, out TestbedServer target);
            SshSessionSettings settings = TestbedSessions.Settings(bed, target);
            settings.ProxyCommand = "ssh " + string.Join(" ", bed.SshArguments(bastion, Array.Empty<string>()).Select(a => "'" + a + "'")) + $" -W {target.Address}:{target.Port}";

            using PersistentSshSession session = Connect(settings);

            Assert.Equal("ok\n", Run(session, "echo ok"));
            Assert.Contains($"Connection from {bastion.Address} port", target.ReadLog());
        }

        [TestbedFact]
        public void Dispose_ClosesEveryHopTheFrontAndTheForwardListener()
        {
            using var bed = Bastion(out TestbedServer bastion, out TestbedServer target);
            using (PersistentSshSession warmUp = Connect(Through(bed, bastion, target)))
            {
                Run(warmUp, "true");
            }

            Assert.True(Wait.Until(() => bed.Processes(1).Count(p => p.CommandLine.Contains("sshd: " + bed.User)) == 0, Wait.Bounded), "the warm-up's hop stayed open");
            int before = OpenSockets();
            SshSessionSettings settings = Through(bed, bastion, target);
            settings.Forwards.Add(ForwardSpec.ParseCommandLine(ForwardKind.Local, $"0.0.0.0:{FreePort()}:{target.Address}:22", out _)!);
            PersistentSshSession session = Connect(settings);
            Assert.Equal("ok\n", Run(session, "echo ok"));
            Assert.True(OpenSockets() > before);

            session.Dispose();

            Assert.True(Wait.Until(() => OpenSockets() <= before, TimeSpan.FromSeconds(10)), $"{OpenSockets() - before} sockets left open");
            Assert.True(Wait.Until(() => bed.Processes(1).Count(p => p.CommandLine.Contains("sshd: " + bed.User)) == 0, Wait.Bounded), "the bastion still serves the closed session");
        }

        private static int FreePort()
        {
            using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            probe.Start();
            return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        // Runs with the pool capped so that exactly two of its threads are free (this test's own thread and the test
        // runner's hold some already): threads beyond the two, up to the lowest maximum the pool accepts, are held busy.
        private static T WithTwoFreePoolThreads<T>(Func<T> action)
        {
            ThreadPool.GetMaxThreads(out int maxWorkers, out int maxIo);
            // Threads that stay busy (this test's, the runner's), not those about to finish some short work item.
            int busy = int.MaxValue;
            for (int sample = 0; sample < 20; sample++)
            {
                ThreadPool.GetAvailableThreads(out int available, out _);
                busy = Math.Min(busy, maxWorkers - available);
                Thread.Sleep(50);
            }

            // The pool accepts no maximum below the core count or below its minimum (which a fleet run may have raised).
            ThreadPool.GetMinThreads(out int minWorkers, out _);
            int cap = Math.Max(Math.Max(Environment.ProcessorCount, minWorkers), busy + 2);
            var release = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            int held = 0;
            for (int i = busy + 2; i < cap; i++)
            {
                ThreadPool.QueueUserWorkItem(_ =>
                {
                    Interlocked.Increment(ref held);
                    release.Task.Wait();
                });
            }

            SpinWait.SpinUntil(() => Volatile.Read(ref held) >= cap - busy - 2);
            Assert.True(ThreadPool.SetMaxThreads(cap, maxIo), $"the thread pool refused a maximum of {cap} threads");
            // Watched from a thread of its own: a stalled pool cannot run even the timeouts that would end the action.
            T result = default!;
            Exception? failure = null;
            var worker = new Thread(() =>
            {
                try
                {
                    result = action();
                }
                catch (Exception ex)
                {
                    failure = ex;
                }
            });
            worker.Start();
            bool finished = worker.Join(Wait.Bounded);
            release.SetResult(true);
            ThreadPool.SetMaxThreads(maxWorkers, maxIo);
            Assert.True(finished, "no progress with two free thread-pool threads");
            worker.Join();
            return failure == null ? result : throw new InvalidOperationException("failed with two free thread-pool threads", failure);
        }

        private static Bed Bastion(out TestbedServer bastion, out TestbedServer target)
        {
            Bed bed = Bed.Start(servers: 2);
            bastion = bed.Servers[0];
            target = bed.Servers[1];
            bed.Link(bastion, target);
            bed.Isolate(target);
            return bed;
        }

        private static SshSessionSettings Through(Bed bed, TestbedServer bastion, TestbedServer target)
        {
            SshSessionSettings settings = TestbedSessions.Settings(bed, target);
            settings.JumpHosts.Add(TestbedSessions.Settings(bed, bastion));
            return settings;
        }
    }
}
