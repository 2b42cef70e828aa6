using System;
using System.Linq;
using System.Management.Automation;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Fleet;
using SshKeepAlive.Core.ServerConfig;
using SshKeepAlive.Core.Timeouts;

namespace SshKeepAlive.Commands
{
    /// <summary>
    /// Reports every setting that can end an idle SSH session, with its effective value and where it comes from: on this
    /// machine, or with -ComputerName on each host named (read over SSH, checked against the host's own sshd -T).
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "SshTimeoutConfig", DefaultParameterSetName = ByPath)]
    [OutputType(typeof(TimeoutSetting), typeof(TimeoutSummary))]
    public sealed class GetSshTimeoutConfigCommand : TimeoutReportCmdlet
    {
        /// <summary>The type name the rows and summaries of a remote host carry, for their format views (grouped by host).</summary>
        public const string RemoteTypeSuffix = "#Remote";

        private TimeoutReporter? reporter;
        private FleetRun<RemoteTimeoutReport>? fleet;

        /// <summary>Output one summary per target (dead-peer detection, keepalive, what ends an idle session) instead of the settings.</summary>
        [Parameter]
        public SwitchParameter Summary { get; set; }

        /// <inheritdoc />
        protected override void OpenRemote(FleetConnection connection) =>
            fleet = Run(host => RemoteTimeoutRead.Run(host, (RemoteTimeoutQuery)host.Item!, connection), report => report.Error != null);

        /// <inheritdoc />
        protected override void OpenLocal(TimeoutReportOptions options)
        {
            try
            {
                reporter = TimeoutReporter.Open(options);
            }
            catch (SshKeepAliveException ex)
            {
                ThrowOpenFailure(ex);
            }

            WriteReadingSummary(reporter!);
        }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            EnsureOpened();
            if (fleet != null)
            {
                AddHosts(fleet, RemoteQuery(), Write);
                return;
            }

            foreach (string? hostName in reporter!.TargetsFor(HostName))
            {
                TargetReport report;
                try
                {
                    report = reporter.Report(hostName);
                }
                catch (SshKeepAliveException ex)
                {
                    WriteError(ErrorRecords.From(ex, hostName));
                    continue;
                }
                catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
                {
                    throw new PipelineStoppedException();
                }

                WriteDiagnostics(report.Diagnostics, report.Target);
                if (Summary)
                {
                    WriteObject(report.Summary);
                }
                else
                {
                    WriteObject(report.Settings, enumerateCollection: true);
                }
            }
        }

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            EnsureOpened();
            if (fleet != null)
            {
                Pump(fleet, untilFinished: true, Write);
                return;
            }

            if (!Summary)
            {
                WriteObject(reporter!.LocalSettings, enumerateCollection: true);
            }
        }

        // One host's report: its problems, then its rows (or summaries), which carry the host's name and a type name of their own.
        private void Write(RemoteTimeoutReport report)
        {
            if (report.Error != null)
            {
                WriteError(ErrorRecords.Create(report.Error.Id, report.Error, report.ComputerName));
                return;
            }

            WriteVerbose($"{report.ComputerName}: OpenSSH {report.OpenSshVersion ?? "of unknown release"}; read {string.Join(", ", report.FilesRead)} in {report.Duration.TotalSeconds:0.0} s.");
            WriteDiagnostics(report.Diagnostics, report.ComputerName, report.ComputerName);
            foreach (object row in Summary ? report.Summaries.Cast<object>() : report.Settings)
            {
                var shown = PSObject.AsPSObject(row);
                shown.TypeNames.Insert(0, row.GetType().FullName + RemoteTypeSuffix);
                WriteObject(shown);
            }
        }
    }
}
