using System;
using System.Management.Automation;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Timeouts;

namespace SshKeepAlive.Commands
{
    /// <summary>Reports every setting that can end an idle SSH session, with its effective value and where it comes from.</summary>
    [Cmdlet(VerbsCommon.Get, "SshTimeoutConfig", DefaultParameterSetName = ByPath)]
    [OutputType(typeof(TimeoutSetting), typeof(TimeoutSummary))]
    public sealed class GetSshTimeoutConfigCommand : TimeoutReportCmdlet
    {
        private TimeoutReporter? reporter;

        /// <summary>Output one summary per target (dead-peer detection, keepalive, what ends an idle session) instead of the settings.</summary>
        [Parameter]
        public SwitchParameter Summary { get; set; }

        /// <inheritdoc />
        protected override void BeginProcessing()
        {
            TimeoutReportOptions options = ReportOptions();
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
            if (!Summary)
            {
                WriteObject(reporter!.LocalSettings, enumerateCollection: true);
            }
        }
    }
}
