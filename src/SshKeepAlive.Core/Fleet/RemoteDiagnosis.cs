using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Diagnostics;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Timeouts;

namespace SshKeepAlive.Core.Fleet
{
    /// <summary>What Test-SshKeepAlive asks of every host of a fleet: the selection Get-SshTimeoutConfig takes, and the path's idle timeout when known.</summary>
    public sealed class RemoteDiagnosisQuery
    {
        public RemoteDiagnosisQuery(RemoteTimeoutQuery selection, int? pathIdleTimeout, string? pathIdleSource)
        {
            Selection = selection;
            PathIdleTimeout = pathIdleTimeout;
            PathIdleSource = pathIdleSource;
        }

        public RemoteTimeoutQuery Selection { get; }

        /// <summary>Seconds after which the path to the host forgets an idle connection; null when unknown.</summary>
        public int? PathIdleTimeout { get; }

        public string? PathIdleSource { get; }
    }

    /// <summary>One host's diagnosis: the findings for each target, what was read, and what went wrong.</summary>
    public sealed class RemoteDiagnosisReport
    {
        internal RemoteDiagnosisReport(string computerName)
        {
            ComputerName = computerName;
        }

        public string ComputerName { get; }

        /// <summary>One diagnosis per target, each finding naming the host.</summary>
        public IReadOnlyList<TargetDiagnosis> Targets { get; internal set; } = Array.Empty<TargetDiagnosis>();

        /// <summary>Every finding of every target, in order.</summary>
        public IEnumerable<Finding> Findings => Targets.SelectMany(t => t.Findings);

        /// <summary>Problems in what was read that are not findings themselves (warnings), named after the host.</summary>
        public IReadOnlyList<ConfigDiagnostic> Diagnostics { get; internal set; } = Array.Empty<ConfigDiagnostic>();

        public IReadOnlyList<string> FilesRead { get; internal set; } = Array.Empty<string>();

        /// <summary>The release of the host's sshd.</summary>
        public string? OpenSshVersion { get; internal set; }

        /// <summary>What the host said of its running sshd and of sshd -t, for the verbose stream.</summary>
        public IReadOnlyList<string> Notes { get; internal set; } = Array.Empty<string>();

        /// <summary>A failure that left nothing to diagnose (no login, a refused path or host name); null otherwise.</summary>
        public SshKeepAliveException? Error { get; internal set; }

        /// <summary>True when the host was diagnosed and nothing worse than Info was found.</summary>
        public bool IsHealthy => Error == null && Targets.All(t => t.IsHealthy);

        public TimeSpan Duration { get; internal set; }
    }

    /// <summary>
    /// Test-SshKeepAlive on a remote server: the same read as Get-SshTimeoutConfig's (<see cref="RemoteTimeoutSource"/>),
    /// then the same checks as on this machine, on a snapshot of that machine: its files' owners and times by stat, its
    /// running sshd's start from its /proc, its own sshd -t (as root, through sudo) and ssh -G (as the login user).
    /// Fixes name the host (-ComputerName), so they run as given.
    /// </summary>
    public static class RemoteDiagnosis
    {
        public static RemoteDiagnosisReport Run(FleetHost host, RemoteDiagnosisQuery query, FleetConnection connection)
        {
            var clock = Stopwatch.StartNew();
            var report = new RemoteDiagnosisReport(host.ComputerName);
            report.Error = RemoteTimeoutSource.Read(host, query.Selection, connection, source =>
            {
                report.OpenSshVersion = source.Sshd.Version?.ToString();
                Diagnosis diagnosis = Diagnosis.Of(source.Reporter, allowMatchExec: false);
                var targets = new List<TargetDiagnosis>();
                var warnings = diagnosis.Reporter.Diagnostics.Where(d => !d.IsError).ToList();
                foreach (string? target in diagnosis.Reporter.TargetsFor(query.Selection.HostNames))
                {
                    TargetDiagnosis diagnosed = diagnosis.Diagnose(target, query.PathIdleTimeout, query.PathIdleSource);
                    targets.Add(diagnosed);
                    warnings.AddRange(diagnosed.Report.Diagnostics.Where(d => !d.IsError));
                }

                if (source.ElevationWarning() is ConfigDiagnostic elevation)
                {
                    warnings.Add(elevation);
                }

                report.Targets = targets;
                report.Diagnostics = warnings;
                report.FilesRead = diagnosis.Reporter.FilesRead;
                report.Notes = diagnosis.Machine.Describe().Concat(targets.Select(t => t.Ssh?.Describe()).Where(n => n != null).Select(n => n!)).ToList();
            });
            report.Duration = clock.Elapsed;
            return report;
        }
    }
}
