using System;
using System.Collections.Generic;
using System.Management.Automation;
using SshKeepAlive.Core.Diagnostics;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Fleet;
using SshKeepAlive.Core.Timeouts;

namespace SshKeepAlive.Commands
{
    /// <summary>
    /// Finds why idle SSH sessions die: checks every setting that ends them (client, server, shell, logind, kernel),
    /// the running sshd, the config files ssh would refuse, and writes findings with evidence and a runnable fix: on this
    /// machine, or with -ComputerName on each server named (read over SSH as Get-SshTimeoutConfig reads it, the same
    /// checks on that machine's snapshot; each finding names the host, each fix runs there).
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "SshKeepAlive", DefaultParameterSetName = ByPath)]
    [OutputType(typeof(Finding), typeof(bool))]
    public sealed class TestSshKeepAliveCommand : TimeoutReportCmdlet
    {
        private const string PathIdleSource = "given with -PathIdleTimeout";

        private readonly List<TargetDiagnosis> diagnosed = new List<TargetDiagnosis>();
        private Diagnosis? diagnosis;
        private FleetRun<RemoteDiagnosisReport>? fleet;
        private bool failed;

        /// <summary>
        /// Seconds after which the network path forgets an idle connection, when known: the PathIdleTimeout of
        /// Measure-SshIdleTimeout's result binds by property name, so its output can be piped in.
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, int.MaxValue)]
        public int? PathIdleTimeout { get; set; }

        /// <summary>Return only $true (nothing worse than Info found) or $false, for scripts.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        /// <inheritdoc />
        protected override bool ErrorsAreFindings => true;

        /// <inheritdoc />
        protected override void OpenRemote(FleetConnection connection) =>
            fleet = Run(host => RemoteDiagnosis.Run(host, (RemoteDiagnosisQuery)host.Item!, connection), report => report.Error != null);

        /// <inheritdoc />
        protected override void OpenLocal(TimeoutReportOptions options)
        {
            try
            {
                diagnosis = Diagnosis.Open(options);
            }
            catch (SshKeepAliveException ex)
            {
                ThrowOpenFailure(ex);
            }

            WriteReadingSummary(diagnosis!.Reporter);
            foreach (string note in diagnosis.Machine.Describe())
            {
                WriteVerbose(note);
            }
        }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            EnsureOpened();
            if (fleet != null)
            {
                AddHosts(fleet, new RemoteDiagnosisQuery(RemoteQuery(), PathIdleTimeout, PathIdleTimeout == null ? null : PathIdleSource), Write);
                return;
            }

            foreach (string? hostName in diagnosis!.Reporter.TargetsFor(HostName))
            {
                TargetDiagnosis result;
                try
                {
                    result = diagnosis.Diagnose(hostName, PathIdleTimeout, PathIdleTimeout == null ? null : PathIdleSource);
                }
                catch (SshKeepAliveException ex)
                {
                    WriteError(ErrorRecords.From(ex, hostName));
                    failed = true;
                    continue;
                }
                catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
                {
                    throw new PipelineStoppedException();
                }

                WriteTarget(result, null);
            }
        }

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            EnsureOpened();
            if (fleet != null)
            {
                Pump(fleet, untilFinished: true, Write);
            }

            if (Quiet)
            {
                WriteObject(!failed && diagnosed.TrueForAll(d => d.IsHealthy));
            }
        }

        // One host's diagnosis: what it said on the way, then its findings; a host that could not be diagnosed is a non-terminating error about it.
        private void Write(RemoteDiagnosisReport report)
        {
            if (report.Error != null)
            {
                failed = true;
                WriteError(ErrorRecords.Create(report.Error.Id, report.Error, report.ComputerName));
                return;
            }

            WriteVerbose($"{report.ComputerName}: OpenSSH {report.OpenSshVersion ?? "of unknown release"}; read {string.Join(", ", report.FilesRead)} in {report.Duration.TotalSeconds:0.0} s.");
            foreach (string note in report.Notes)
            {
                WriteVerbose($"{report.ComputerName}: {note}");
            }

            WriteDiagnostics(report.Diagnostics, report.ComputerName, report.ComputerName);
            foreach (TargetDiagnosis target in report.Targets)
            {
                WriteTarget(target, report.ComputerName);
            }
        }

        private void WriteTarget(TargetDiagnosis result, string? computerName)
        {
            diagnosed.Add(result);
            string on = computerName == null ? string.Empty : computerName + ": ";
            if (computerName == null && result.Ssh != null)
            {
                WriteVerbose(result.Ssh.Describe());
            }

            WriteVerbose($"{on}{result.Report.Target}: {result.Findings.Count} finding(s); what ends an idle session first: {result.Report.Summary.IdleTimeoutSource ?? "nothing"}.");
            if (!Quiet)
            {
                WriteObject(result.Findings, enumerateCollection: true);
            }
        }
    }
}
