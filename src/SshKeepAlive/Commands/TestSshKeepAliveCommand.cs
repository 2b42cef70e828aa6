using System;
using System.Collections.Generic;
using System.Management.Automation;
using SshKeepAlive.Core.Diagnostics;
using SshKeepAlive.Core.Errors;

namespace SshKeepAlive.Commands
{
    /// <summary>
    /// Finds why idle SSH sessions die: checks every setting that ends them (client, server, shell, logind, kernel),
    /// the running sshd, the config files ssh would refuse, and writes findings with evidence and a runnable fix.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "SshKeepAlive", DefaultParameterSetName = ByPath)]
    [OutputType(typeof(Finding), typeof(bool))]
    public sealed class TestSshKeepAliveCommand : TimeoutReportCmdlet
    {
        private const string PathIdleSource = "given with -PathIdleTimeout";

        private readonly List<TargetDiagnosis> diagnosed = new List<TargetDiagnosis>();
        private Diagnosis? diagnosis;
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
        protected override void BeginProcessing()
        {
            var options = ReportOptions();
            try
            {
                diagnosis = Diagnosis.Open(options);
            }
            catch (SshKeepAliveException ex)
            {
                ThrowOpenFailure(ex);
            }

            WriteReadingSummary(diagnosis!.Reporter);
            SshdFacts? sshd = diagnosis.Machine.Sshd;
            if (sshd != null)
            {
                WriteVerbose(sshd.Pid is int pid ? $"sshd pid {pid} (PidFile {sshd.PidFile}) last loaded its configuration at {sshd.LoadedAt:u}." : $"No running sshd reads {sshd.ConfigPath} (PidFile {sshd.PidFile ?? "none"}).");
                WriteVerbose(sshd.Validation != null ? $"sshd -t -f {sshd.ConfigPath}: exit {sshd.Validation.ExitCode}." : $"sshd -t not run: {sshd.ValidationSkipped}.");
            }
        }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
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

                diagnosed.Add(result);
                if (result.Ssh != null)
                {
                    WriteVerbose(result.Ssh.Output != null ? $"{result.Ssh.CommandLine}: exit {result.Ssh.Output.ExitCode}." : $"{result.Ssh.CommandLine} not run: {result.Ssh.Skipped}.");
                }

                WriteVerbose($"{result.Report.Target}: {result.Findings.Count} finding(s); what ends an idle session first: {result.Report.Summary.IdleTimeoutSource ?? "nothing"}.");
                if (!Quiet)
                {
                    WriteObject(result.Findings, enumerateCollection: true);
                }
            }
        }

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            if (Quiet)
            {
                WriteObject(!failed && diagnosed.TrueForAll(d => d.IsHealthy));
            }
        }
    }
}
