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
