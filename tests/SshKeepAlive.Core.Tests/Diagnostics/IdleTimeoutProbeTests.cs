using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SshKeepAlive.Core.Diagnostics;
using Xunit;

namespace SshKeepAlive.Core.Tests.Diagnostics
{
    /// <summary>
    /// The measurement's rounds against simulated paths, in real time: each cutoff sits just below a grid point, so
    /// a late timer (a loaded machine) can only make the probe below it look longer, never shorter, by up to 0.95 s.
    /// </summary>
    public sealed class IdleTimeoutProbeTests
    {
        [Fact]
        public void Grid_SpreadsProbesOverTheIntervalInDoubt_NoCloserThanTheResolution()
        {
            Assert.Equal(Enumerable.Range(1, 20).Select(i => (double)i), IdleTimeoutProbe.Grid(0, 20, 1, 32));
            Assert.Equal(32, IdleTimeoutProbe.Grid(0, 1800, 10, 32).Count);
            Assert.Equal(new[] { 62.5, 75, 87.5, 100 }, IdleTimeoutProbe.Grid(50, 100, 12.5, 32));
        }

        [Fact]
        public void Measure_SilentPath_FindsTheCutoffInOneRound_AndClosesEveryConnection()
        {
            var path = new SimulatedPath(cutoff: 1.95);

            IdleTimeoutMeasurement result = Measure(path, maximum: 4, resolution: 1);

            Assert.Equal(1, result.LowerBoundSeconds);
            Assert.Equal(2, result.UpperBoundSeconds);
            Assert.Equal(1.5, result.CutoffSeconds);
            Assert.Equal(0.5, result.UncertaintySeconds);
            Assert.Equal(IdleDropSide.Path, result.DroppedBy);
            Assert.Equal(1, result.PathIdleTimeout);
            Assert.True(result.Probes.All(p => p.Round == 1));
            Assert.Equal(path.Opened, result.ProbeConnections);
            Assert.Equal(path.Opened, path.Disposed);
            Assert.Equal("Set-SshKeepAlive -HostName web01 -Interval 1", result.Fix);
        }

        [Fact]
        public void Measure_WithFewConnections_BisectsInRounds()
        {
            var path = new SimulatedPath(cutoff: 4.95);

            IdleTimeoutMeasurement result = Measure(path, maximum: 8, resolution: 1, maxConnections: 4);

            Assert.Equal(4, result.LowerBoundSeconds);
            Assert.Equal(5, result.UpperBoundSeconds);
            Assert.Equal(2, result.Probes.Max(p => p.Round));
            Assert.Equal(path.Opened, path.Disposed);
        }

        [Fact]
        public void Measure_WithoutAResolution_StopsWithinAFifthOfTheCutoff_NeverFinerThanASecond()
        {
            var path = new SimulatedPath(cutoff: 3.9);

            IdleTimeoutMeasurement result = Measure(path, maximum: 8, resolution: null, maxConnections: 4);

            Assert.Equal(3, result.LowerBoundSeconds);
            Assert.Equal(4, result.UpperBoundSeconds);
            Assert.Equal(2, result.Probes.Max(p => p.Round));
        }

        [Fact]
        public void Measure_WithoutALimit_SaysNoneWasFoundUpToTheMaximum()
        {
            var path = new SimulatedPath(cutoff: double.PositiveInfinity);

            IdleTimeoutMeasurement result = Measure(path, maximum: 2, resolution: 1);

            Assert.False(result.LimitFound);
            Assert.Null(result.CutoffSeconds);
            Assert.Equal(IdleDropSide.None, result.DroppedBy);
            Assert.Equal(2, result.LowerBoundSeconds);
            Assert.StartsWith("No idle limit found up to 2 s", result.Message);
            Assert.Null(result.Fix);
        }

        [Fact]
        public void Measure_WhenTheServerClosesTheChannel_BlamesTheServer_AndOffersNoKeepalive()
        {
            var path = new SimulatedPath(cutoff: 1.2, serverCloses: true);

            IdleTimeoutMeasurement result = Measure(path, maximum: 4, resolution: 1);

            Assert.Equal(IdleDropSide.Server, result.DroppedBy);
            Assert.InRange(result.UpperBoundSeconds!.Value, 1.1, 4); // a late timer only makes it later; clocks differ by milliseconds
            Assert.Null(result.RecommendedInterval);
            Assert.StartsWith("On the server", result.Fix);
        }

        [Fact]
        public void Measure_Cancelled_ThrowsAndClosesEveryConnection()
        {
            var path = new SimulatedPath(cutoff: double.PositiveInfinity);
            var probe = new IdleTimeoutProbe("web01", path, new IdleProbeOptions { Maximum = TimeSpan.FromSeconds(30), Resolution = TimeSpan.FromSeconds(1) });
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1));

            Assert.ThrowsAny<OperationCanceledException>(() => probe.Measure(cancel.Token));

            Assert.True(path.Opened > 0);
            Assert.Equal(path.Opened, path.Disposed);
        }

        [Fact]
        public void Measure_FirstConnectionRefused_ThrowsWhatTheConnectThrew()
        {
            var path = new SimulatedPath(cutoff: 1, refuse: true);
            var probe = new IdleTimeoutProbe("web01", path, new IdleProbeOptions { Maximum = TimeSpan.FromSeconds(4), Resolution = TimeSpan.FromSeconds(1) });

            var error = Assert.Throws<TimeoutException>(() => probe.Measure(CancellationToken.None));

            Assert.Equal("refused", error.Message);
        }

        private static IdleTimeoutMeasurement Measure(SimulatedPath path, double maximum, double? resolution, int maxConnections = 32)
        {
            var probe = new IdleTimeoutProbe("web01", path, new IdleProbeOptions
            {
                Maximum = TimeSpan.FromSeconds(maximum),
                Resolution = resolution == null ? (TimeSpan?)null : TimeSpan.FromSeconds(resolution.Value),
                MaxConnections = maxConnections,
                CheckTimeout = TimeSpan.FromMilliseconds(100),
            });
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            return probe.Measure(deadline.Token);
        }

        /// <summary>A path that forgets connections idle longer than the cutoff (or whose server closes their channel at it).</summary>
        private sealed class SimulatedPath : IProbeConnector
        {
            private readonly double cutoff;
            private readonly bool serverCloses;
            private readonly bool refuse;
            private int opened;
            private int disposed;

            public SimulatedPath(double cutoff, bool serverCloses = false, bool refuse = false)
            {
                this.cutoff = cutoff;
                this.serverCloses = serverCloses;
                this.refuse = refuse;
            }

            public int Opened => opened;

            public int Disposed => disposed;

            public Task<IProbeConnection> OpenAsync(CancellationToken cancellationToken)
            {
                if (refuse)
                {
                    throw new TimeoutException("refused");
                }

                Interlocked.Increment(ref opened);
                return Task.FromResult<IProbeConnection>(new Connection(this));
            }

            private sealed class Connection : IProbeConnection
            {
                private readonly SimulatedPath path;
                private readonly TaskCompletionSource<ProbeEnd> ended = new TaskCompletionSource<ProbeEnd>();

                public Connection(SimulatedPath path)
                {
                    this.path = path;
                    IdleSince = DateTimeOffset.UtcNow;
                    if (path.serverCloses)
                    {
                        _ = Task.Delay(TimeSpan.FromSeconds(path.cutoff)).ContinueWith(_ => ended.TrySetResult(new ProbeEnd(ProbeOutcome.ChannelClosedByServer, DateTimeOffset.UtcNow, "closed by the simulated server")));
                    }
                }

                public DateTimeOffset IdleSince { get; }

                public TimeSpan RoundTrip => TimeSpan.FromMilliseconds(1);

                public Task<ProbeEnd> Ended => ended.Task;

                // A server that closes channels leaves the path alone: only its own close ends the connection.
                public Task<ProbeEnd> CheckAsync(TimeSpan bound, CancellationToken cancellationToken) =>
                    ended.Task.IsCompleted ? ended.Task : Task.FromResult(path.serverCloses || (DateTimeOffset.UtcNow - IdleSince).TotalSeconds < path.cutoff
                        ? new ProbeEnd(ProbeOutcome.Alive, DateTimeOffset.UtcNow, "answered")
                        : new ProbeEnd(ProbeOutcome.SilentDrop, DateTimeOffset.UtcNow, "no answer"));

                public void Dispose() => Interlocked.Increment(ref path.disposed);
            }
        }
    }
}
