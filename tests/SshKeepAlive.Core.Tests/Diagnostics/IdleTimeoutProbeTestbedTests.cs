using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using SshKeepAlive.Core.Diagnostics;
using SshKeepAlive.Core.Sessions;
using SshKeepAlive.Testing;
using Xunit;
using Xunit.Abstractions;
using static SshKeepAlive.Core.Tests.Sessions.TestbedSessions;

namespace SshKeepAlive.Core.Tests.Diagnostics
{
    /// <summary>The idle timeout measurement against the testbed's forgetful firewall and a real sshd.</summary>
    /// <remarks>Its SSH connections would count in the process-wide socket and thread counts other tests assert.</remarks>
    [Collection(SshKeepAlive.Core.Tests.Sessions.ProcessWideCounts.Name)]
    public sealed class IdleTimeoutProbeTestbedTests
    {
        private readonly ITestOutputHelper output;

        public IdleTimeoutProbeTestbedTests(ITestOutputHelper output) => this.output = output;

        [TestbedFact]
        public void Measure_BehindAFirewallThatForgetsAfter6s_FindsTheCutoffWithinASecond_AsASilentDrop()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start(idleTimeoutSeconds: 6);

            var wall = System.Diagnostics.Stopwatch.StartNew();
            IdleTimeoutMeasurement result = Probe(bed, maximum: 20, resolution: 1);

            output.WriteLine(result.Message + "\n" + string.Join("\n", result.Probes) + $"\nduration {result.Duration.TotalSeconds:0.00} s, wall {wall.Elapsed.TotalSeconds:0.00} s");
            Assert.True(result.LimitFound);
            Assert.InRange(result.CutoffSeconds!.Value, 5, 7);
            Assert.True(result.UncertaintySeconds <= 1);
            Assert.Equal(IdleDropSide.Path, result.DroppedBy);
            Assert.Equal(Math.Max(1, (int)Math.Floor(result.LowerBoundSeconds!.Value / 2)), result.RecommendedInterval);
        }

        [TestbedFact]
        public void Measure_WhenTheServerClosesIdleChannels_SaysTheServerDidIt()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            File.AppendAllText(bed.Server.SshdConfig, "ChannelTimeout session:*=4\n");
            bed.Reload();

            IdleTimeoutMeasurement result = Probe(bed, maximum: 10, resolution: 1);

            output.WriteLine(result.Message + "\n" + string.Join("\n", result.Probes));
            Assert.Equal(IdleDropSide.Server, result.DroppedBy);
            Assert.InRange(result.CutoffSeconds!.Value, 3, 5.5);
        }

        [TestbedFact]
        public void Measure_WithClientAliveOnTheServer_IsNotDroppedByIt_AsTheProbesAnswer()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            File.AppendAllText(bed.Server.SshdConfig, "ClientAliveInterval 1\nClientAliveCountMax 2\n");
            bed.Reload();

            IdleTimeoutMeasurement result = Probe(bed, maximum: 6, resolution: 2);

            output.WriteLine(result.Message + "\n" + string.Join("\n", result.Probes));
            Assert.False(result.LimitFound);
        }

        [TestbedFact]
        public void Measure_StoppedWhileTheServerChecksTheKey_ClosesTheConnectionThatLoginMakes()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            // The login takes 3 s: a stop comes while SSH.NET is inside Connect.
            string keys = Path.Combine(Path.GetDirectoryName(bed.Server.SshdConfig)!, "authorized_keys");
            File.AppendAllText(bed.Server.SshdConfig, $"AuthorizedKeysFile none\nAuthorizedKeysCommand /bin/sh -c \"sleep 3; cat {keys}\"\nAuthorizedKeysCommandUser root\n");
            bed.Reload();
            var probe = IdleTimeoutProbe.For(Settings(bed), new IdleProbeOptions { Maximum = TimeSpan.FromSeconds(10), Resolution = TimeSpan.FromSeconds(1) });
            using var stop = new CancellationTokenSource();
            var measuring = probe.MeasureInBackground(stop.Token);
            Assert.True(Wait.Until(() => bed.Server.ReadLog().Contains("Connection from"), TimeSpan.FromSeconds(10)), "no connection reached sshd: " + bed.Server.ReadLog());

            stop.Cancel();

            Assert.ThrowsAny<OperationCanceledException>(() => measuring.GetAwaiter().GetResult());
            Assert.True(Wait.Until(() => bed.Server.ReadLog().Contains("Accepted publickey"), TimeSpan.FromSeconds(20)), "the stopped login never completed: " + bed.Server.ReadLog());
            Assert.True(
                Wait.Until(() => !bed.Processes().Any(p => Regex.IsMatch(p.CommandLine, "^sshd(-session)?: " + bed.User + "\\b")), TimeSpan.FromSeconds(20)),
                "a login of the stopped measurement is still open: " + string.Join("; ", bed.Processes().Select(p => p.CommandLine)));
        }

        private static IdleTimeoutMeasurement Probe(SshKeepAlive.Testing.Testbed bed, int maximum, double resolution)
        {
            SshSessionSettings settings = Settings(bed);
            var probe = IdleTimeoutProbe.For(settings, new IdleProbeOptions { Maximum = TimeSpan.FromSeconds(maximum), Resolution = TimeSpan.FromSeconds(resolution) });
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            return probe.Measure(deadline.Token);
        }
    }
}
