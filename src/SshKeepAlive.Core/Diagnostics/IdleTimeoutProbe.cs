using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Sessions;

namespace SshKeepAlive.Core.Diagnostics
{
    /// <summary>What to measure and how finely.</summary>
    public sealed class IdleProbeOptions
    {
        /// <summary>The longest idle time to probe for.</summary>
        public TimeSpan Maximum { get; set; } = TimeSpan.FromSeconds(1800);

        /// <summary>
        /// The uncertainty to stop at: the cutoff is known within ± half of it. Null: within a fifth of the cutoff
        /// (at least 1 s), which is all a keepalive interval of at most half the cutoff needs, and which the
        /// defaults find in one round for any cutoff above 280 s.
        /// </summary>
        public TimeSpan? Resolution { get; set; }

        /// <summary>Connections per round; with Maximum / Resolution at most this (or the fifth of the cutoff already within the first round's spacing), one round suffices.</summary>
        public int MaxConnections { get; set; } = 32;

        /// <summary>How long a check waits for the answer; null: 10 times the median round trip seen so far, at least 1 s.</summary>
        public TimeSpan? CheckTimeout { get; set; }

        /// <summary>How the fix is worded: Set-SshKeepAlive for this destination, with -Path for the ssh_config the connections read.</summary>
        public string? ConfigPath { get; set; }
    }

    /// <summary>
    /// Measures how long an idle SSH connection survives on a path. Each round opens connections with keepalives off
    /// at once (as many handshakes at a time as this machine has cores, 2 to 8, below sshd's default MaxStartups
    /// of 10), shortest probe first, and lets each idle for another duration
    /// spread over the interval still in doubt, checking each with one request the server must answer within a
    /// bound. The round's wall time is therefore its longest probe, not the sum; it ends as soon as the shortest
    /// dead probe is known, and the next round bisects the interval between the longest survivor and that probe,
    /// until it is no wider than the resolution (by default a fifth of the cutoff). With Maximum / Resolution at
    /// most MaxConnections there is one round.
    /// </summary>
    /// <remarks>
    /// Every connection is closed when its probe ends and, whatever happens (Ctrl-C included), before Measure
    /// returns; one the path dropped finishes closing in the background (SSH.NET takes about a second over it).
    /// </remarks>
    public sealed class IdleTimeoutProbe
    {
        private static readonly TimeSpan MinimumCheckTimeout = TimeSpan.FromSeconds(1);

        // Closing a live connection takes milliseconds; the result waits for that, though not forever.
        private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(3);
        // Handshakes cost CPU on both ends: more at once than this machine has cores only delays the short probes,
        // which are checked first. Never more than 8: sshd's MaxStartups refuses unauthenticated connections beyond 10.
        private static readonly int ConcurrentHandshakes = Math.Max(2, Math.Min(8, Environment.ProcessorCount));
        private const int RoundTripsPerCheck = 10;

        // Without a resolution: stop within a fifth of the cutoff, never finer than a second.
        private const double RelativeResolution = 0.2;
        private const double MinimumResolution = 1;

        private readonly IProbeConnector connector;
        private readonly IdleProbeOptions options;
        private readonly string hostName;
        private readonly ConcurrentDictionary<IProbeConnection, bool> open = new ConcurrentDictionary<IProbeConnection, bool>();
        private readonly ConcurrentBag<Task> closing = new ConcurrentBag<Task>();
        private readonly ConcurrentBag<Task> closingDropped = new ConcurrentBag<Task>();
        private readonly List<IdleProbe> probes = new List<IdleProbe>();
        private readonly Stopwatch clock = new Stopwatch();
        private readonly List<TimeSpan> openRoundTrips = new List<TimeSpan>();
        private readonly List<TimeSpan> checkRoundTrips = new List<TimeSpan>();
        private int opened;
        private double shortestDeadSeconds = double.PositiveInfinity;
        private double longestAliveSeconds;

        internal IdleTimeoutProbe(string hostName, IProbeConnector connector, IdleProbeOptions options)
        {
            this.hostName = hostName;
            this.connector = connector;
            this.options = options;
        }

        /// <summary>A measurement of the server <paramref name="settings"/> connect to, named (and fixed) by the destination as typed (keepalive settings are not used: probes send none).</summary>
        /// <exception cref="SshKeepAliveException"><see cref="ErrorId.JumpHostUnsupported"/>: the settings reach the host through jump hosts, which probes do not go through.</exception>
        public static IdleTimeoutProbe For(SshSessionSettings settings, IdleProbeOptions options)
        {
            string destination = settings.Target.User == null ? settings.Target.Host : settings.Target.User + "@" + settings.Target.Host;
            if (settings.JumpHosts.Count > 0)
            {
                // Probing through a chain would mix the legs' limits (and a hop's loss) into one cutoff.
                throw new SshKeepAliveException(
                    ErrorId.JumpHostUnsupported,
                    $"{destination} is reached through {string.Join(", ", settings.JumpHosts.Select(hop => hop.HostName))} (ProxyJump), and idle probes connect directly only: a measurement through jump hosts could not tell which leg dropped an idle connection.",
                    destination);
            }

            return new IdleTimeoutProbe(destination, new SshProbeConnector(settings.CreateConnector()), options);
        }

        /// <summary>
        /// Runs the measurement, blocking the calling thread (not a thread-pool one: the probes' answers need the
        /// pool). A failure to open the first connection is thrown as the connect threw it.
        /// </summary>
        /// <exception cref="OperationCanceledException">Cancelled; every connection has been closed.</exception>
        public IdleTimeoutMeasurement Measure(CancellationToken cancellationToken, Action<IdleProbeProgress>? progress = null)
        {
            clock.Start();
            try
            {
                return MeasureAsync(cancellationToken, progress).GetAwaiter().GetResult();
            }
            finally
            {
                CloseAll();
            }
        }

        /// <summary><see cref="Measure"/> on a thread of its own, for a caller that wants to do something else meanwhile (report progress).</summary>
        public Task<IdleTimeoutMeasurement> MeasureInBackground(CancellationToken cancellationToken, Action<IdleProbeProgress>? progress = null) =>
            Task.Factory.StartNew(() => Measure(cancellationToken, progress), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        private async Task<IdleTimeoutMeasurement> MeasureAsync(CancellationToken cancellationToken, Action<IdleProbeProgress>? progress)
        {
            double maximum = options.Maximum.TotalSeconds;
            double resolution = Math.Min(options.Resolution?.TotalSeconds ?? MinimumResolution, maximum);
            double lower = 0;
            double? upper = null;
            IdleProbe? firstDead = null;
            for (int round = 1; ; round++)
            {
                double top = upper ?? maximum;
                IReadOnlyList<double> durations = Grid(lower, top, resolution, Math.Max(1, options.MaxConnections));
                IReadOnlyList<IdleProbe> results = await RoundAsync(round, durations, lower, top, progress, cancellationToken).ConfigureAwait(false);
                IdleProbe? dead = results.Where(IsDead).OrderBy(p => p.IdleSeconds).FirstOrDefault();
                double alive = results.Where(p => p.Outcome == ProbeOutcome.Alive && (dead == null || p.IdleSeconds < dead.IdleSeconds)).Select(p => p.IdleSeconds).DefaultIfEmpty(lower).Max();
                if (results.All(p => p.Outcome == ProbeOutcome.Failed))
                {
                    throw new InvalidOperationException("No probe connection could be opened or checked" + (results.Count > 0 ? ": " + results[0].Detail : "."));
                }

                lower = Math.Max(lower, alive);
                if (dead != null)
                {
                    upper = dead.IdleSeconds;
                    firstDead = dead;
                }

                if (upper == null || upper.Value - lower <= Math.Max(resolution, options.Resolution == null ? RelativeResolution * upper.Value : 0) || durations.Count == 0)
                {
                    break;
                }
            }

            return Result(maximum, lower, upper, firstDead);
        }

        /// <summary>Durations spread evenly over (lower, upper], at most <paramref name="maxCount"/>, no closer than the resolution.</summary>
        internal static IReadOnlyList<double> Grid(double lower, double upper, double resolution, int maxCount)
        {
            int count = (int)Math.Min(maxCount, Math.Ceiling(((upper - lower) / resolution) - 1e-9));
            double step = (upper - lower) / Math.Max(count, 1);
            return Enumerable.Range(1, Math.Max(count, 0)).Select(i => i == count ? upper : lower + (step * i)).ToList();
        }

        private async Task<IReadOnlyList<IdleProbe>> RoundAsync(int round, IReadOnlyList<double> durations, double lower, double upper, Action<IdleProbeProgress>? progress, CancellationToken cancellationToken)
        {
            var results = new List<IdleProbe>();
            var stops = durations.Select(_ => CancellationTokenSource.CreateLinkedTokenSource(cancellationToken)).ToList();
            double roundStart = clock.Elapsed.TotalSeconds;
            void Report() => progress?.Invoke(new IdleProbeProgress(round, opened, results.Count, durations.Count, lower, upper, clock.Elapsed, roundStart + durations.DefaultIfEmpty(0).Max()));
            // Shortest first: they are checked first, and the first dead one ends the round. The measurement's very
            // first connection opens alone: its failure (a host key, a password) is the measurement's, and the
            // others then find the code warm and the server's key and credentials settled.
            var gate = new OrderedGate(durations.Count);
            gate.Release(opened == 0 ? 1 : ConcurrentHandshakes);
            var running = durations.Select((d, i) => ProbeAsync(round, d, gate, i, Report, stops[i].Token)).ToList();
            try
            {
                var pending = new HashSet<Task<IdleProbe?>>(running);
                while (pending.Count > 0)
                {
                    Task<IdleProbe?> done = await Task.WhenAny(pending).ConfigureAwait(false);
                    pending.Remove(done);
                    cancellationToken.ThrowIfCancellationRequested();
                    if (await done.ConfigureAwait(false) is IdleProbe probe)
                    {
                        lock (results)
                        {
                            results.Add(probe);
                            probes.Add(probe);
                        }

                        if (IsDead(probe))
                        {
                            // Longer probes can only die too; stop them (the answer of shorter ones is still needed).
                            for (int i = 0; i < durations.Count; i++)
                            {
                                if (durations[i] > probe.IdleSeconds)
                                {
                                    stops[i].Cancel();
                                }
                            }
                        }
                    }

                    Report();
                }

                return results;
            }
            finally
            {
                // Every probe is stopped and has closed its connection before the round is over, whatever ended it.
                stops.ForEach(s => s.Cancel());
                try
                {
                    await Task.WhenAll(running).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // The round's own outcome (its result, a cancellation or the first failure) is what counts.
                }

                stops.ForEach(s => s.Dispose());
            }
        }

        /// <summary>One probe: open, idle for <paramref name="duration"/> (or until the connection ends), check; null when stopped first.</summary>
        private async Task<IdleProbe?> ProbeAsync(int round, double duration, OrderedGate gate, int ticket, Action report, CancellationToken stop)
        {
            IProbeConnection connection;
            bool first = round == 1 && ticket == 0;
            try
            {
                await gate.EnterAsync(ticket, stop).ConfigureAwait(false);
                bool ok = false;
                try
                {
                    connection = await connector.OpenAsync(stop).ConfigureAwait(false);
                    ok = true;
                }
                finally
                {
                    // After the first, the others go ahead; once it failed, the measurement fails with its error.
                    if (!first || ok)
                    {
                        gate.Release(first ? ConcurrentHandshakes : 1);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return null;
            }
            catch (Exception ex) when (!first)
            {
                // Later failures (MaxStartups, a flaky path) only cost a probe.
                return new IdleProbe(round, duration, ProbeOutcome.Failed, "could not open the connection: " + ex.Message);
            }

            Interlocked.Increment(ref opened);
            open[connection] = true;
            Observe(openRoundTrips, connection.RoundTrip);
            double startedAfter = clock.Elapsed.TotalSeconds - (DateTimeOffset.UtcNow - connection.IdleSince).TotalSeconds;
            report();
            try
            {
                TimeSpan wait = connection.IdleSince + TimeSpan.FromSeconds(duration) - DateTimeOffset.UtcNow;
                var idle = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                using (stop.Register(() => idle.TrySetCanceled()))
                {
                    Task delay = wait > TimeSpan.Zero ? Task.Delay(wait, stop) : Task.CompletedTask;
                    Task woke = await Task.WhenAny(delay, connection.Ended, idle.Task).ConfigureAwait(false);
                    if (stop.IsCancellationRequested)
                    {
                        return null;
                    }

                    DateTimeOffset asked = DateTimeOffset.UtcNow;
                    ProbeEnd end = woke == connection.Ended
                        ? connection.Ended.Result
                        : await connection.CheckAsync(CheckTimeout, stop).ConfigureAwait(false);
                    if (end.Outcome == ProbeOutcome.Alive)
                    {
                        Observe(checkRoundTrips, end.At - asked);
                    }

                    double idleSeconds = end.Outcome == ProbeOutcome.Alive ? duration : Math.Min(duration, Math.Max(0, (end.At - connection.IdleSince).TotalSeconds));
                    var probe = new IdleProbe(round, end.Outcome == ProbeOutcome.SilentDrop ? duration : idleSeconds, end.Outcome, end.Detail, startedAfter);
                    lock (open)
                    {
                        // Before this connection closes: whether it (and those idle as long) count as dropped.
                        shortestDeadSeconds = IsDead(probe) ? Math.Min(shortestDeadSeconds, probe.IdleSeconds) : shortestDeadSeconds;
                        longestAliveSeconds = probe.Outcome == ProbeOutcome.Alive ? Math.Max(longestAliveSeconds, probe.IdleSeconds) : longestAliveSeconds;
                    }

                    return probe;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return null;
            }
            finally
            {
                Close(connection);
            }
        }

        /// <summary>
        /// How long a check waits: 10 times the median round trip of the checks answered so far (before any, of
        /// the connections' first requests, which share the machine with the handshakes), at least
        /// <see cref="MinimumCheckTimeout"/>; an answer later than that is taken for none.
        /// </summary>
        private TimeSpan CheckTimeout
        {
            get
            {
                if (options.CheckTimeout is TimeSpan given)
                {
                    return given;
                }

                lock (checkRoundTrips)
                {
                    List<TimeSpan> samples = checkRoundTrips.Count > 0 ? checkRoundTrips : openRoundTrips;
                    long median = samples.Count == 0 ? 0 : samples.OrderBy(t => t).ElementAt(samples.Count / 2).Ticks;
                    return TimeSpan.FromTicks(Math.Max(MinimumCheckTimeout.Ticks, median * RoundTripsPerCheck));
                }
            }
        }

        private void Observe(List<TimeSpan> samples, TimeSpan roundTrip)
        {
            lock (checkRoundTrips)
            {
                samples.Add(roundTrip);
            }
        }

        private static bool IsDead(IdleProbe probe) => probe.Outcome != ProbeOutcome.Alive && probe.Outcome != ProbeOutcome.Failed;

        /// <summary>
        /// Closes a connection on a thread of its own: SSH.NET's Dispose blocks for most of a second on a dropped one,
        /// which must not hold a thread-pool thread the other probes' answers need. Once a probe died, one idle for
        /// longer than any probe that answered is taken for dropped.
        /// </summary>
        private void Close(IProbeConnection connection)
        {
            if (open.TryRemove(connection, out _))
            {
                bool dropped;
                lock (open)
                {
                    dropped = !double.IsInfinity(shortestDeadSeconds) && (DateTimeOffset.UtcNow - connection.IdleSince).TotalSeconds > longestAliveSeconds;
                }

                (dropped ? closingDropped : closing).Add(Task.Factory.StartNew(connection.Dispose, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default));
            }
        }

        /// <summary>
        /// Closes what is still open and waits (bounded) for the closes of connections the server still sees: the
        /// dropped ones have nobody to say goodbye to, and finish closing in the background within a second.
        /// </summary>
        private void CloseAll()
        {
            foreach (IProbeConnection connection in open.Keys.ToList())
            {
                Close(connection);
            }

            Task.WhenAll(closing.ToArray()).Wait(CloseWait);
        }

        private IdleTimeoutMeasurement Result(double maximum, double lower, double? upper, IdleProbe? firstDead)
        {
            double largest = probes.Where(p => p.Outcome != ProbeOutcome.Failed).Select(p => p.IdleSeconds).DefaultIfEmpty(0).Max();
            IdleDropSide side = firstDead == null ? IdleDropSide.None
                : firstDead.Outcome == ProbeOutcome.SilentDrop ? IdleDropSide.Path
                : firstDead.Outcome == ProbeOutcome.Reset ? IdleDropSide.PathOrServer
                : IdleDropSide.Server;
            string fix;
            int? interval = null;
            string message;
            if (upper == null)
            {
                message = $"No idle limit found up to {Seconds(maximum)} s: every connection that idled that long still answered.";
                fix = string.Empty;
            }
            else
            {
                string cutoff = $"Idle connections to {hostName} die after {Seconds((lower + upper.Value) / 2)} ± {Seconds((upper.Value - lower) / 2)} s (alive after {Seconds(lower)} s, dead after {Seconds(upper.Value)} s)";
                if (firstDead!.Outcome == ProbeOutcome.ChannelClosedByServer)
                {
                    message = $"{cutoff}: {firstDead.Detail}. Keepalives are not channel traffic, so they cannot help against sshd's ChannelTimeout.";
                    fix = "On the server, run: Set-SshTimeoutConfig -Scope Server -ChannelTimeout 'session:*=0' -Reload";
                }
                else
                {
                    interval = Math.Max(1, (int)Math.Floor(lower / 2));
                    message = $"{cutoff}: {Cause(side)} ({firstDead.Detail}). Keepalives every {interval} s keep the connection.";
                    fix = new FixCommands(hostName, options.ConfigPath, null, false).ClientKeepAlive(interval.Value);
                }
            }

            return new IdleTimeoutMeasurement(hostName, maximum, upper == null ? largest : lower, upper, side, message, interval, upper == null ? null : fix, opened, largest, clock.Elapsed, probes.ToList());
        }

        private static string Cause(IdleDropSide side) =>
            side == IdleDropSide.Path ? "something on the path (a NAT, firewall or load balancer) forgot them and silently drops their packets"
            : side == IdleDropSide.PathOrServer ? "they were reset (TCP RST), by a middlebox that forgot them or by the server's kernel"
            : "the server ended them (ClientAliveInterval and ClientAliveCountMax, or a proxy in front of it)";

        private static string Seconds(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
    }
}
