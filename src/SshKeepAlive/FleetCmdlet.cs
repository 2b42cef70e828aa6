using System;
using System.Linq;
using System.Management.Automation;
using System.Net;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Fleet;

namespace SshKeepAlive
{
    /// <summary>
    /// What the cmdlets that work on many hosts share (-ComputerName on Get-SshTimeoutConfig and the Set cmdlets):
    /// -ThrottleLimit and -SudoCredential on top of the connection parameters, and the one loop that runs on the pipeline
    /// thread while Core's <see cref="FleetRun{TResult}"/> works on the hosts: it answers ShouldProcess for them, writes
    /// their messages, results and errors as they come, and Write-Progress (done/total, running hosts, failures so far).
    /// Ctrl-C stops new hosts from starting and waits for the running ones to reach an end that leaves them untouched or done.
    /// </summary>
    public abstract class FleetCmdlet : ConnectionParametersCmdlet
    {
        private const int ProgressActivityId = 14;
        private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
        private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

        // Hosts that were running when Ctrl-C came are given this long to reach an end (an edit written runs its check).
        private static readonly TimeSpan StopWait = TimeSpan.FromMinutes(2);

        private IDisposable? run;
        private Func<TimeSpan, bool>? waitForRunning;
        private DateTime lastProgress;

        /// <summary>How many hosts are worked on at once. Default 16.</summary>
        [Parameter]
        [ValidateRange(1, 1024)]
        public int ThrottleLimit { get; set; } = 16;

        /// <summary>The login user's password, for sudo on hosts where sudo -n wants one (the user name is not used: sudo asks for the login user's own password).</summary>
        [Parameter]
        [Credential]
        public PSCredential? SudoCredential { get; set; }

        /// <summary>The verb of the progress bar, e.g. "Set-SshKeepAlive".</summary>
        protected string Activity => MyInvocation.MyCommand.Name;

        /// <inheritdoc />
        public override void Dispose()
        {
            // A pipeline stopped while this cmdlet was not running (upstream) still lets its running hosts finish.
            if (run != null)
            {
                waitForRunning?.Invoke(StopWait);
                run.Dispose();
            }

            base.Dispose();
        }

        /// <summary>How every host is reached: the connection parameters for each name, and the sudo password.</summary>
        protected FleetConnection FleetConnection() =>
            new FleetConnection(ConnectionRequest, ClientEnvironment.Current(), SudoCredential?.GetNetworkCredential().Password);

        /// <summary>Ends the command when connection parameters were given without hosts to connect to.</summary>
        protected void ThrowIfConnectionParametersWithoutHosts()
        {
            string[] given = ConnectionParameterNames.Concat(new[] { nameof(ThrottleLimit), nameof(SudoCredential) })
                .Where(MyInvocation.BoundParameters.ContainsKey).ToArray();
            if (given.Length > 0)
            {
                ThrowTerminatingError(ErrorRecords.Create(ErrorId.ComputerNameMissing, $"-{string.Join(", -", given)} {(given.Length == 1 ? "applies" : "apply")} only with -ComputerName.", given[0]));
            }
        }

        /// <summary>The run for this command's hosts, made on first use.</summary>
        protected FleetRun<TResult> Run<TResult>(Func<FleetHost, TResult> work, Func<TResult, bool> failed)
        {
            if (run == null)
            {
                var created = new FleetRun<TResult>(ThrottleLimit, work, failed, CancellationToken);
                run = created;
                waitForRunning = created.WaitForRunning;
            }

            return (FleetRun<TResult>)run;
        }

        /// <summary>
        /// Handles what the hosts have for the pipeline thread: everything pending, or (<paramref name="untilFinished"/>)
        /// everything until every host is done. <paramref name="write"/> writes one host's result.
        /// </summary>
        protected void Pump<TResult>(FleetRun<TResult> fleet, bool untilFinished, Action<TResult> write)
        {
            if (untilFinished)
            {
                fleet.CompleteAdding();
            }

            while (true)
            {
                if (CancellationToken.IsCancellationRequested)
                {
                    fleet.WaitForRunning(StopWait);
                    throw new PipelineStoppedException();
                }

                FleetEvent<TResult>? next = fleet.Next(untilFinished ? Poll : TimeSpan.Zero);
                if (next != null)
                {
                    Handle(next, write);
                }
                else if (!untilFinished || fleet.IsFinished)
                {
                    break;
                }

                ShowProgress(fleet.Progress, force: next?.HasResult == true);
            }

            if (untilFinished)
            {
                WriteProgress(new ProgressRecord(ProgressActivityId, Activity, "Done") { RecordType = ProgressRecordType.Completed });
            }
        }

        private void Handle<TResult>(FleetEvent<TResult> next, Action<TResult> write)
        {
            if (next.Question is FleetQuestion question)
            {
                question.Answer(ShouldProcess($"{question.Target}:\n{question.Description}", $"{question.Action} on {question.Target}?\n{question.Description}", "Confirm"));
            }
            else if (next.Message != null)
            {
                if (next.MessageKind == FleetMessageKind.Warning)
                {
                    WriteWarning($"{next.ComputerName}: {next.Message}");
                }
                else
                {
                    WriteVerbose($"{next.ComputerName}: {next.Message}");
                }
            }
            else if (next.Crash != null)
            {
                WriteError(ErrorRecords.Create(ErrorId.CommandFailed, new InvalidOperationException($"{next.ComputerName}: {next.Crash.Message}", next.Crash), next.ComputerName));
            }
            else if (next.HasResult)
            {
                write(next.Result);
            }
        }

        private void ShowProgress(FleetProgress progress, bool force)
        {
            if (!force && DateTime.UtcNow - lastProgress < ProgressInterval)
            {
                return;
            }

            lastProgress = DateTime.UtcNow;
            string running = progress.Running.Count == 0 ? "waiting for input" : "on " + string.Join(", ", progress.Running.Take(8)) + (progress.Running.Count > 8 ? $" and {progress.Running.Count - 8} more" : string.Empty);
            WriteProgress(new ProgressRecord(ProgressActivityId, Activity, $"{progress.Done} of {progress.Total} hosts done, {progress.Failed} failed")
            {
                CurrentOperation = running,
                PercentComplete = Math.Min(100, progress.Percent),
            });
        }
    }
}
