using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using SshKeepAlive.Core.Diagnostics;
using SshKeepAlive.Core.Sessions;
using SshKeepAlive.Testing;

namespace SshKeepAlive.Bench
{
    /// <summary>
    /// Measure-SshIdleTimeout's wall time against the physical limit of the same run, the longest idle time it
    /// probed (no measurement can take less: that probe had to idle that long), target at most 1.5 times; and how
    /// many connections it opened, against the one-per-grid-point a single round of the same resolution needs.
    /// On the testbed's firewall, which forgets idle flows after a set time.
    /// </summary>
    internal sealed class IdleTimeoutBenchmark : IBenchmark
    {
        // At most 1.5 times the longest idle time probed: baseline / ours at least 0.667.
        private const double WallTarget = 0.667;

        private static readonly Scenario[] Scenarios =
        {
            new Scenario(firewall: 6, maximum: 20, resolution: 1, maxConnections: 32, trials: 3),
            new Scenario(firewall: 30, maximum: 60, resolution: 2, maxConnections: 32, trials: 1),
            new Scenario(firewall: 6, maximum: 40, resolution: 0.5, maxConnections: 16, trials: 1),
        };

        public string Name => "idle-timeout";

        public string Description => "Measure-SshIdleTimeout wall time vs the longest idle time it probed, and connections opened (testbed, root)";

        public IEnumerable<Measurement> Run()
        {
            if (Testbed.SkipReason != null)
            {
                throw new InvalidOperationException(Testbed.SkipReason);
            }

            foreach (Scenario scenario in Scenarios)
            {
                using var bed = Testbed.Start(idleTimeoutSeconds: scenario.Firewall);
                var runs = Enumerable.Range(0, scenario.Trials).Select(_ => Measure(bed, scenario)).ToList();
                (double wall, IdleTimeoutMeasurement result) = runs.OrderBy(r => r.Wall / r.Result.LargestIdleProbed).ElementAt(runs.Count / 2);
                int rounds = result.Probes.Max(p => p.Round);
                string setting = string.Format(CultureInfo.InvariantCulture, "firewall {0} s; -Maximum {1} -Resolution {2} -MaxConnections {3}", scenario.Firewall, scenario.Maximum, scenario.Resolution, scenario.MaxConnections);
                string found = string.Format(CultureInfo.InvariantCulture, "found {0:0.##} +- {1:0.##} s in {2} round(s)", result.CutoffSeconds, result.UncertaintySeconds, rounds);
                yield return new Measurement(
                    $"wall time ({setting})",
                    wall,
                    result.LargestIdleProbed,
                    "s",
                    WallTarget,
                    $"median of {scenario.Trials} by ratio; baseline = the longest idle time probed, same run; {found}; wall includes opening and closing every connection");
                yield return new Measurement(
                    $"connections opened ({setting})",
                    result.ProbeConnections,
                    Math.Ceiling(scenario.Maximum / scenario.Resolution),
                    "connections",
                    1,
                    "baseline = one connection per Resolution step up to Maximum (a single round at that resolution)");
            }
        }

        private static (double Wall, IdleTimeoutMeasurement Result) Measure(Testbed bed, Scenario scenario)
        {
            SshSessionSettings settings = TestbedSessionSettings.For(bed, bed.Server);
            var options = new IdleProbeOptions
            {
                Maximum = TimeSpan.FromSeconds(scenario.Maximum),
                Resolution = TimeSpan.FromSeconds(scenario.Resolution),
                MaxConnections = scenario.MaxConnections,
            };
            var wall = Stopwatch.StartNew();
            IdleTimeoutMeasurement result = IdleTimeoutProbe.For(settings, options).Measure(CancellationToken.None);
            return (wall.Elapsed.TotalSeconds, result);
        }

        private sealed class Scenario
        {
            public Scenario(int firewall, double maximum, double resolution, int maxConnections, int trials)
            {
                Firewall = firewall;
                Maximum = maximum;
                Resolution = resolution;
                MaxConnections = maxConnections;
                Trials = trials;
            }

            public int Firewall { get; }

            public double Maximum { get; }

            public double Resolution { get; }

            public int MaxConnections { get; }

            public int Trials { get; }
        }
    }
}
