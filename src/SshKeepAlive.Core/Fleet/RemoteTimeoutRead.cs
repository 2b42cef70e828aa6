using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.Server;
using SshKeepAlive.Core.ServerConfig;
using SshKeepAlive.Core.Timeouts;

namespace SshKeepAlive.Core.Fleet
{
    /// <summary>What Get-SshTimeoutConfig asks of every host of a fleet, whatever the host.</summary>
    public sealed class RemoteTimeoutQuery
    {
        /// <summary>The scopes; null: every one that applies on the host.</summary>
        public IReadOnlyCollection<TimeoutScope>? Scopes { get; set; }

        /// <summary>A config on the host to read instead of the default (absolute); null: the one its sshd runs with, or the user's.</summary>
        public string? ConfigPath { get; set; }

        /// <summary>The user logging in (Match User/Group, the shell's startup files, whose ~/.ssh/config); null: the login user.</summary>
        public string? User { get; set; }

        public string? ClientHostName { get; set; }

        public string? ClientAddress { get; set; }

        public string? LocalAddress { get; set; }

        public int? LocalPort { get; set; }

        /// <summary>Read as this release instead of the one the host runs.</summary>
        public OpenSshVersion? OpenSshVersion { get; set; }

        /// <summary>Client targets ([user@]host) to resolve the host's ssh_config for; null: the default target.</summary>
        public IReadOnlyList<string>? HostNames { get; set; }
    }

    /// <summary>One host's timeout report: its rows, a summary per target, what was read, and what went wrong.</summary>
    public sealed class RemoteTimeoutReport
    {
        internal RemoteTimeoutReport(string computerName)
        {
            ComputerName = computerName;
        }

        public string ComputerName { get; }

        /// <summary>Every setting, each naming the host and its file:line there.</summary>
        public IReadOnlyList<TimeoutSetting> Settings { get; internal set; } = Array.Empty<TimeoutSetting>();

        /// <summary>One summary per target.</summary>
        public IReadOnlyList<TimeoutSummary> Summaries { get; internal set; } = Array.Empty<TimeoutSummary>();

        /// <summary>Problems in what was read (file:line on the host), and where sshd -T disagrees with the files.</summary>
        public IReadOnlyList<ConfigDiagnostic> Diagnostics { get; internal set; } = Array.Empty<ConfigDiagnostic>();

        public IReadOnlyList<string> FilesRead { get; internal set; } = Array.Empty<string>();

        /// <summary>The release of the host's sshd.</summary>
        public string? OpenSshVersion { get; internal set; }

        /// <summary>A failure that left nothing to report (no login, a refused path); null otherwise.</summary>
        public SshKeepAliveException? Error { get; internal set; }

        public TimeSpan Duration { get; internal set; }
    }

    /// <summary>
    /// Reads what a remote server does to idle sessions: its config tree (every Include, the files the login user may
    /// not read through sudo), its shells' startup files and its kernel's, through <see cref="RemoteFileSystem"/>, resolved
    /// by the same resolvers as this machine's, following the host's OpenSSH release; then the server rows are checked
    /// against the host's own sshd -T -C for the connection, and any disagreement is said.
    /// </summary>
    public static class RemoteTimeoutRead
    {
        public static RemoteTimeoutReport Run(FleetHost host, RemoteTimeoutQuery query, FleetConnection connection)
        {
            var clock = Stopwatch.StartNew();
            var report = new RemoteTimeoutReport(host.ComputerName);
            report.Error = RemoteTimeoutSource.Read(host, query, connection, source =>
            {
                TimeoutReporter reporter = source.Reporter;
                report.OpenSshVersion = source.Sshd.Version?.ToString();
                var diagnostics = reporter.Diagnostics.ToList();
                var settings = new List<TimeoutSetting>();
                var summaries = new List<TimeoutSummary>();
                foreach (string? target in reporter.TargetsFor(query.HostNames))
                {
                    TargetReport targetReport = reporter.Report(target);
                    settings.AddRange(targetReport.Settings);
                    summaries.Add(targetReport.Summary);
                    diagnostics.AddRange(targetReport.Diagnostics);
                }

                IEnumerable<TimeoutSetting> local = reporter.LocalSettings;
                if (reporter.Scopes.Contains(TimeoutScope.Server))
                {
                    local = CheckAgainstSshd(host, source.Sshd, source.ServerConfigPath, source.Connection, local, diagnostics, host.CancellationToken);
                }

                settings.AddRange(local);
                if (source.ElevationWarning() is ConfigDiagnostic elevation)
                {
                    diagnostics.Add(elevation);
                }

                report.Settings = settings;
                report.Summaries = summaries;
                report.Diagnostics = diagnostics;
                report.FilesRead = reporter.FilesRead;
            });
            report.Duration = clock.Elapsed;
            return report;
        }

        // The server rows against the host's own sshd -T -C: a value it prints otherwise is noted on the row and warned of.
        private static IEnumerable<TimeoutSetting> CheckAgainstSshd(FleetHost host, RemoteSshd sshd, string configPath, ServerConnection connection, IEnumerable<TimeoutSetting> rows, List<ConfigDiagnostic> diagnostics, CancellationToken cancellationToken)
        {
            IReadOnlyDictionary<string, string>? oracle;
            string error;
            try
            {
                oracle = sshd.Effective(configPath, connection, cancellationToken, out error);
            }
            catch (SshKeepAliveException ex) when (ex.Id == ErrorId.SudoPasswordMissing || ex.Id == ErrorId.SudoFailed)
            {
                oracle = null;
                error = ex.Message;
            }

            if (oracle == null)
            {
                diagnostics.Add(new ConfigDiagnostic(ConfigDiagnosticSeverity.Warning, $"{host.ComputerName}: sshd -T -C {connection.ToSpec()} could not confirm the server settings ({error}); they are the files' as read", null));
                return rows;
            }

            host.Verbose($"sshd -T -C {connection.ToSpec()} on {host.ComputerName} read {configPath}.");
            return rows.Select(row =>
            {
                if (row.Scope != TimeoutScope.Server || !oracle.TryGetValue(row.Name.ToLowerInvariant(), out string? said) ||
                    string.Equals(said, OpenSshValues.Format(row.Value), StringComparison.OrdinalIgnoreCase))
                {
                    return row;
                }

                string note = $"sshd -T says {said}";
                diagnostics.Add(new ConfigDiagnostic(ConfigDiagnosticSeverity.Warning, $"{host.ComputerName}: sshd -T -C {connection.ToSpec()} says {row.Name} {said}, the files as read give {OpenSshValues.Format(row.Value)} ({row.Location})", null));
                return new TimeoutSetting(row.Scope, row.Target, row.Name, row.Value, row.IsDefault, row.Source, row.Line, row.Note == null ? note : row.Note + "; " + note, row.ComputerName, row.OpenSshVersion);
            }).ToList();
        }
    }
}
