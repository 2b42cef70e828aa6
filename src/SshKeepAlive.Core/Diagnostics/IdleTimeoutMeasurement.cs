using System;
using System.Collections.Generic;

namespace SshKeepAlive.Core.Diagnostics
{
    /// <summary>Who ended idle connections, as far as the way they ended tells.</summary>
    public enum IdleDropSide
    {
        /// <summary>Nothing ended an idle connection up to the maximum probed.</summary>
        None,

        /// <summary>Something on the path forgot the connection and silently drops its packets (NAT, firewall, load balancer).</summary>
        Path,

        /// <summary>A TCP reset: a middlebox that forgot the connection, or the server's kernel; the reset alone cannot say which.</summary>
        PathOrServer,

        /// <summary>The server closed the connection or its session channel (ClientAlive*, ChannelTimeout, a proxy in front of it).</summary>
        Server,
    }

    /// <summary>One probe: how long its connection idled, and what the check found.</summary>
    public sealed class IdleProbe
    {
        internal IdleProbe(int round, double idleSeconds, ProbeOutcome outcome, string detail, double startedAfter = 0)
        {
            StartedAfter = startedAfter;
            Round = round;
            IdleSeconds = idleSeconds;
            Outcome = outcome;
            Detail = detail;
        }

        /// <summary>Seconds from the start of the measurement to the start of this probe's idle time (its connection's setup comes before).</summary>
        public double StartedAfter { get; }

        /// <summary>The bisection round, from 1.</summary>
        public int Round { get; }

        /// <summary>How long the connection idled before it was checked, or before it was ended.</summary>
        public double IdleSeconds { get; }

        public ProbeOutcome Outcome { get; }

        public string Detail { get; }

        public override string ToString() => $"round {Round}: {IdleSeconds:0.##} s from {StartedAfter:0.##} s: {Outcome} ({Detail})";
    }

    /// <summary>What Measure-SshIdleTimeout found: how long an idle SSH connection survives on the path, give or take how much, and what to do.</summary>
    public sealed class IdleTimeoutMeasurement
    {
        internal IdleTimeoutMeasurement(
            string hostName, double maximumSeconds, double? lowerBound, double? upperBound, IdleDropSide droppedBy, string message, int? recommendedInterval,
            string? fix, int probeConnections, double largestIdleProbed, TimeSpan duration, IReadOnlyList<IdleProbe> probes)
        {
            HostName = hostName;
            MaximumSeconds = maximumSeconds;
            LowerBoundSeconds = lowerBound;
            UpperBoundSeconds = upperBound;
            DroppedBy = droppedBy;
            Message = message;
            RecommendedInterval = recommendedInterval;
            Fix = fix;
            ProbeConnections = probeConnections;
            LargestIdleProbed = largestIdleProbed;
            Duration = duration;
            Probes = probes;
        }

        /// <summary>The destination as given.</summary>
        public string HostName { get; }

        /// <summary>True when an idle connection died within the maximum.</summary>
        public bool LimitFound => UpperBoundSeconds != null;

        /// <summary>The longest idle time probed for.</summary>
        public double MaximumSeconds { get; }

        /// <summary>The longest idle time a connection survived below the cutoff (0 when even the shortest probe died); with no limit found, the longest probed.</summary>
        public double? LowerBoundSeconds { get; }

        /// <summary>The shortest idle time after which a connection was found dead; null when none died.</summary>
        public double? UpperBoundSeconds { get; }

        /// <summary>The cutoff: midway between the bounds; null when no limit was found.</summary>
        public double? CutoffSeconds => LimitFound ? (LowerBoundSeconds!.Value + UpperBoundSeconds!.Value) / 2 : (double?)null;

        /// <summary>Half the distance between the bounds: the cutoff is within CutoffSeconds ± this.</summary>
        public double? UncertaintySeconds => LimitFound ? (UpperBoundSeconds!.Value - LowerBoundSeconds!.Value) / 2 : (double?)null;

        /// <summary>Whole seconds an idle connection is known to survive (the lower bound): what Test-SshKeepAlive -PathIdleTimeout takes.</summary>
        public int? PathIdleTimeout => LimitFound ? (int)Math.Floor(LowerBoundSeconds!.Value) : (int?)null;

        public IdleDropSide DroppedBy { get; }

        /// <summary>The verdict in words: the cutoff and its uncertainty (or none found up to the maximum), who dropped it, and how it ended.</summary>
        public string Message { get; }

        /// <summary>A keepalive interval in seconds that beats the cutoff (at most half of it); null when no limit was found or keepalives cannot help.</summary>
        public int? RecommendedInterval { get; }

        /// <summary>The cmdlet invocation that sets <see cref="RecommendedInterval"/> for this host, or the manual step when keepalives cannot help; null without a limit.</summary>
        public string? Fix { get; }

        /// <summary>How many SSH connections were opened.</summary>
        public int ProbeConnections { get; }

        /// <summary>The longest idle time a probe was actually checked after (the physical limit of the run's wall time).</summary>
        public double LargestIdleProbed { get; }

        /// <summary>The measurement's wall time.</summary>
        public TimeSpan Duration { get; }

        /// <summary>Every probe, in the order they ended.</summary>
        public IReadOnlyList<IdleProbe> Probes { get; }
    }

    /// <summary>How the measurement is going, for Write-Progress.</summary>
    public sealed class IdleProbeProgress
    {
        internal IdleProbeProgress(int round, int opened, int checkedCount, int planned, double lowerBound, double upperBound, TimeSpan elapsed, double expectedSeconds)
        {
            Round = round;
            Opened = opened;
            Checked = checkedCount;
            Planned = planned;
            LowerBound = lowerBound;
            UpperBound = upperBound;
            Elapsed = elapsed;
            ExpectedSeconds = expectedSeconds;
        }

        public int Round { get; }

        public int Opened { get; }

        public int Checked { get; }

        /// <summary>Probes planned in this round.</summary>
        public int Planned { get; }

        /// <summary>The cutoff is known to be above this…</summary>
        public double LowerBound { get; }

        /// <summary>…and at or below this (the maximum while no connection died).</summary>
        public double UpperBound { get; }

        public TimeSpan Elapsed { get; }

        /// <summary>When the round's longest probe is due, from the start: the measurement ends by then or (when a connection dies) sooner.</summary>
        public double ExpectedSeconds { get; }

        /// <summary>0-99, by time against <see cref="ExpectedSeconds"/>.</summary>
        public int PercentComplete => ExpectedSeconds <= 0 ? 0 : (int)Math.Min(99, 100 * Elapsed.TotalSeconds / ExpectedSeconds);
    }
}
