using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.Management.Automation;
using System.Threading.Tasks;
using SshKeepAlive.Core.Diagnostics;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Sessions;

namespace SshKeepAlive.Commands
{
    /// <summary>
    /// Measures how long an idle SSH connection survives on the path to a host: connections with keepalives off idle
    /// for different durations in parallel, each checked with a request the server must answer, in rounds of
    /// bisection; reports the cutoff with its uncertainty, who dropped it, and a keepalive interval that beats it.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Measure, "SshIdleTimeout")]
    [OutputType(typeof(IdleTimeoutMeasurement))]
    public sealed class MeasureSshIdleTimeoutCommand : SshConnectionCmdlet
    {
        private const int ActivityId = 1;

        /// <summary>The longest idle time to probe for, in seconds. Default 1800 (beyond the common NAT and load balancer limits).</summary>
        [Parameter]
        [ValidateRange(1, 86400)]
        public int Maximum { get; set; } = 1800;

        /// <summary>
        /// Stop when the cutoff is known to within this many seconds (it is reported as ± half of it or better); at
        /// most -Maximum. Default: within a fifth of the cutoff, at least 1 s.
        /// </summary>
        [Parameter]
        [ValidateRange(0.1, 86400.0)]
        public double? Resolution { get; set; }

        /// <summary>Connections per round (2-256); with Maximum / Resolution at most this, one round suffices. Default 32.</summary>
        [Parameter]
        [ValidateRange(2, 256)]
        public int MaxConnections { get; set; } = 32;

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            SshSessionSettings settings = BuildSettings();
            var options = new IdleProbeOptions
            {
                Maximum = TimeSpan.FromSeconds(Maximum),
                Resolution = Resolution == null ? (TimeSpan?)null : TimeSpan.FromSeconds(Math.Min(Resolution.Value, Maximum)),
                MaxConnections = MaxConnections,
                ConfigPath = ConfigPath == null || Core.ClientConfig.ClientConfigResolver.IsNoConfigFile(ConfigPath) ? null : FileSystemPath(ConfigPath, expandWildcards: false),
            };
            string within = options.Resolution is TimeSpan resolution ? resolution.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s" : "a fifth of the cutoff";
            WriteVerbose($"Probing {settings.User}@{settings.HostName}:{settings.Port} for idle limits up to {Maximum} s, to within {within}, with up to {MaxConnections} connections a round.");

            IdleTimeoutProbe probe;
            try
            {
                probe = IdleTimeoutProbe.For(settings, options);
            }
            catch (SshKeepAliveException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex, HostName));
                return;
            }
            catch (Exception ex) when (ConnectionErrors.For(ex, settings) is ErrorRecord record)
            {
                ThrowTerminatingError(record);
                return;
            }

            var progress = new ConcurrentQueue<IdleProbeProgress>();
            Task<IdleTimeoutMeasurement> measuring = probe.MeasureInBackground(CancellationToken, progress.Enqueue);
            string activity = $"Measuring the idle timeout to {HostName}";
            // WaitAny, unlike Wait, does not throw when the measurement fails: Result says how it failed.
            while (Task.WaitAny(new Task[] { measuring }, TimeSpan.FromMilliseconds(250)) < 0)
            {
                WriteLatest(progress, activity);
            }

            WriteLatest(progress, activity);
            WriteProgress(new ProgressRecord(ActivityId, activity, "Done") { RecordType = ProgressRecordType.Completed });
            WriteObject(Result(measuring, settings));
        }

        private IdleTimeoutMeasurement Result(Task<IdleTimeoutMeasurement> measuring, SshSessionSettings settings)
        {
            try
            {
                return measuring.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (Exception ex) when (ConnectionErrors.For(ex, settings) is ErrorRecord record)
            {
                ThrowTerminatingError(record);
            }
            catch (InvalidOperationException ex)
            {
                ThrowTerminatingError(ErrorRecords.Create(ErrorId.IdleProbeFailed, ex, $"{settings.User}@{settings.HostName}:{settings.Port}"));
            }

            throw new InvalidOperationException("unreachable");
        }

        /// <summary>Shows the newest progress only: the others are already stale.</summary>
        private void WriteLatest(ConcurrentQueue<IdleProbeProgress> progress, string activity)
        {
            IdleProbeProgress? latest = null;
            while (progress.TryDequeue(out IdleProbeProgress? next))
            {
                latest = next;
            }

            if (latest != null)
            {
                string bounds = latest.UpperBound < Maximum
                    ? $"cutoff between {latest.LowerBound:0.##} and {latest.UpperBound:0.##} s"
                    : $"alive after {latest.LowerBound:0.##} s so far";
                WriteProgress(new ProgressRecord(ActivityId, activity, $"Round {latest.Round}: {latest.Checked} of {latest.Planned} probes checked, {latest.Opened} connections opened; {bounds}")
                {
                    PercentComplete = latest.PercentComplete,
                    SecondsRemaining = (int)Math.Max(0, latest.ExpectedSeconds - latest.Elapsed.TotalSeconds),
                });
            }
        }
    }
}
