using System;
using System.IO;
using System.Linq;
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

        private static IdleTimeoutMeasurement Probe(SshKeepAlive.Testing.Testbed bed, int maximum, double resolution)
        {
            SshSessionSettings settings = Settings(bed);
            var probe = IdleTimeoutProbe.For(settings, new IdleProbeOptions { Maximum = TimeSpan.FromSeconds(maximum), Resolution = TimeSpan.FromSeconds(resolution) });
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            return probe.Measure(deadline.Token);
        }
    }
}
