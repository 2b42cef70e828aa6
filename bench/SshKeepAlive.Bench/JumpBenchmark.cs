using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using SshKeepAlive.Core.Sessions;
using SshKeepAlive.Testing;
using static SshKeepAlive.Bench.BenchSessions;

namespace SshKeepAlive.Bench
{
    /// <summary>
    /// A chain of two hops against a direct connection, both ours, on one testbed: server 2 is reachable only through
    /// server 1 (the bastion), server 3 directly. One cut hits both paths; measured: how soon each notices, and how soon
    /// each is usable again once the path returns. The chain's bounds should be the direct connection's.
    /// </summary>
    internal sealed class JumpBenchmark : IBenchmark
    {
        private const int Trials = 7;
        private const int KeepAliveInterval = 1;
        private const int KeepAliveCountMax = 3;
        private static readonly Random CutPhase = new Random(20261126);
        private static readonly TimeSpan CutLength = TimeSpan.FromSeconds(10);

        public string Name => "jump";

        public string Description => "a two-hop chain vs a direct connection: dead-path detection and path-restored-to-usable (testbed, root)";

        public IEnumerable<Measurement> Run()
        {
            if (Testbed.SkipReason != null)
            {
                throw new InvalidOperationException(Testbed.SkipReason);
            }

            using var bed = Testbed.Start(servers: 3);
            bed.Link(bed.Servers[0], bed.Servers[1]);
            bed.Isolate(bed.Servers[1]);
            var detection = new List<(double Chain, double Direct)>();
            var recovery = new List<(double Chain, double Direct)>();
            for (int trial = 0; trial < Trials; trial++)
            {
                (double chainLost, double directLost, double chainBack, double directBack) = Measure(bed);
                detection.Add((chainLost, directLost));
                recovery.Add((chainBack, directBack));
            }

            string settings = $"ServerAliveInterval {KeepAliveInterval}, CountMax {KeepAliveCountMax} on every hop";
            yield return new Measurement("time to notice a dead path (chain vs direct)", Median(detection.ConvertAll(d => d.Chain)), Median(detection.ConvertAll(d => d.Direct)), "s", 0.8,
                $"median of {Trials}; {settings}; bound {KeepAliveInterval * (KeepAliveCountMax + 1)} s; same cut");
            yield return new Measurement("path restored to usable (chain vs direct)", Median(recovery.ConvertAll(r => r.Chain)), Median(recovery.ConvertAll(r => r.Direct)), "s", 0.5,
                $"median of {Trials}; {CutLength.TotalSeconds:0} s cut; the chain makes two handshakes, the direct connection one; " +
                $"chain {Each(recovery.ConvertAll(r => r.Chain))}, direct {Each(recovery.ConvertAll(r => r.Direct))}; load average {LoadAverage()} at the end",
                limit: 1);
        }

        private static string Each(List<double> values) => string.Join("/", values.ConvertAll(v => v.ToString("0.00", CultureInfo.InvariantCulture)));

        private static (double ChainLost, double DirectLost, double ChainBack, double DirectBack) Measure(Testbed bed)
        {
            SshSessionSettings chain = Settings(bed, bed.Servers[1], KeepAliveInterval, KeepAliveCountMax);
            chain.JumpHosts.Add(Settings(bed, bed.Servers[0], KeepAliveInterval, KeepAliveCountMax));
            using PersistentSshSession chained = Connect(chain);
            using PersistentSshSession direct = Connect(Settings(bed, bed.Servers[2], KeepAliveInterval, KeepAliveCountMax));
            var sinceCut = new Stopwatch();
            var sinceRestore = new Stopwatch();
            var chainLost = new Mark(sinceCut);
            var directLost = new Mark(sinceCut);
            var chainBack = new Mark(sinceRestore);
            var directBack = new Mark(sinceRestore);
            Watch(chained, chainLost, chainBack);
            Watch(direct, directLost, directBack);
            Thread.Sleep(CutPhase.Next(KeepAliveInterval * 1000));

            bed.Cut();
            sinceCut.Start();
            double lostChain = chainLost.Wait("the chain noticing the dead path");
            double lostDirect = directLost.Wait("the direct session noticing the dead path");
            Thread.Sleep(CutLength > sinceCut.Elapsed ? CutLength - sinceCut.Elapsed : TimeSpan.Zero);
            bed.Restore();
            sinceRestore.Start();
            return (lostChain, lostDirect, chainBack.Wait("the chain reconnecting"), directBack.Wait("the direct session reconnecting"));
        }

        private static void Watch(PersistentSshSession session, Mark lost, Mark back) =>
            session.StateChanged += (_, e) =>
            {
                if (e.Kind == SessionEventKind.Disconnected)
                {
                    lost.Set();
                }
                else if (e.Kind == SessionEventKind.Reconnected)
                {
                    back.Set();
                }
            };
    }
}
