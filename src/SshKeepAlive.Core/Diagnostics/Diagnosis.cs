using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.ServerConfig;
using SshKeepAlive.Core.Timeouts;

namespace SshKeepAlive.Core.Diagnostics
{
    /// <summary>A target's report and what the checks found for it, the first finding being what ends an idle session first.</summary>
    public sealed class TargetDiagnosis
    {
        internal TargetDiagnosis(TargetReport report, SshConfigCheck? ssh, IReadOnlyList<Finding> findings)
        {
            Report = report;
            Ssh = ssh;
            Findings = findings;
        }

        /// <summary>The same report (and summary) Get-SshTimeoutConfig gives for the target.</summary>
        public TargetReport Report { get; }

        /// <summary>ssh -G's verdict on the client config for the target; null without the client scope.</summary>
        public SshConfigCheck? Ssh { get; }

        /// <summary>
        /// Findings in order: first the one about <see cref="TimeoutSummary.IdleLimits"/>' first entry (what the
        /// summary says ends an idle session first), then by severity, then in the checks' order.
        /// </summary>
        public IReadOnlyList<Finding> Findings { get; }

        /// <summary>True when nothing is worse than Info.</summary>
        public bool IsHealthy => Findings.All(f => f.Severity == FindingSeverity.Info);
    }

    /// <summary>
    /// Test-SshKeepAlive's engine: reads the report and the machine snapshot once, then runs every check for each
    /// target. The checks see only the report and the snapshot.
    /// </summary>
    public sealed class Diagnosis
    {
        /// <summary>Every check, in the order findings of equal rank are listed.</summary>
        private static readonly IReadOnlyList<IDiagnosticCheck> Checks = new IDiagnosticCheck[]
        {
            new KeepAliveMissingCheck(),
            new KeepAliveTooSlowCheck(),
            new ShellIdleLogoutCheck(),
            new LogindIdleStopCheck(),
            new SessionChannelTimeoutCheck(),
            new SshdConfigNotLoadedCheck(),
            new SshdConfigInvalidCheck(),
            new ClientConfigInsecureCheck(),
            new ClientConfigInvalidCheck(),
            new SettingShadowedCheck(),
            new DeadPeerUndetectedCheck(),
            new ClientAliveCountMaxZeroCheck(),
            new LoginGraceTimeZeroCheck(),
            new UnusedConnectionTimeoutCheck(),
            new KernelKeepAliveTooSlowCheck(),
        };

        private Diagnosis(TimeoutReporter reporter, MachineSnapshot machine)
        {
            Reporter = reporter;
            Machine = machine;
        }

        /// <summary>The ids of every check, in order (for the catalogue test).</summary>
        internal static IEnumerable<FindingId> CheckIds => Checks.Select(c => c.Id);

        public TimeoutReporter Reporter { get; }

        public MachineSnapshot Machine { get; }

        /// <summary>Reads everything that does not depend on a target, as <see cref="TimeoutReporter.Open"/> does, and the machine's facts.</summary>
        /// <exception cref="SshKeepAliveException">As <see cref="TimeoutReporter.Open"/>.</exception>
        public static Diagnosis Open(TimeoutReportOptions options) => Of(TimeoutReporter.Open(options), options.AllowMatchExec);

        /// <summary>The diagnosis of what <paramref name="reporter"/> read, the machine's facts read through its environment's machine (this one, or one reached over SSH).</summary>
        public static Diagnosis Of(TimeoutReporter reporter, bool allowMatchExec) => new Diagnosis(reporter, MachineSnapshot.Read(reporter, allowMatchExec));

        /// <summary>
        /// The findings for one client target (<c>[user@]host</c>; null for every host), or the local target without
        /// the client scope; <paramref name="pathIdleTimeout"/> is the path's idle timeout when known (measured or given).
        /// </summary>
        /// <exception cref="SshKeepAliveException"><see cref="ErrorId.HostNameInvalid"/>: not something ssh would connect to.</exception>
        public TargetDiagnosis Diagnose(string? hostName, int? pathIdleTimeout = null, string? pathIdleSource = null)
        {
            TargetReport report = pathIdleTimeout == null ? Reporter.Report(hostName) : Reporter.Report(hostName, pathIdleTimeout, pathIdleSource);
            bool client = Reporter.Scopes.Contains(TimeoutScope.Client);
            SshConfigCheck? ssh = client ? SshConfigCheck.Run(Machine, report.Target) : null;
            var context = new CheckContext(report, Machine, ssh, Fixes(client ? report.Target : null));
            return new TargetDiagnosis(report, ssh, Order(report.Summary, Checks.SelectMany(c => c.Run(context))));
        }

        /// <summary>
        /// The finding about the summary's first idle limit first, then Error, Warning, Info; within a severity,
        /// idle limits in the summary's order, then the checks' order.
        /// </summary>
        internal static IReadOnlyList<Finding> Order(TimeoutSummary summary, IEnumerable<Finding> findings) =>
            findings
                .Select((finding, index) => (finding, index, limit: finding.Limit == null ? int.MaxValue : IndexOf(summary.IdleLimits, finding.Limit)))
                .OrderBy(p => p.limit == 0 ? 0 : 1)
                .ThenBy(p => p.finding.Severity)
                .ThenBy(p => p.limit)
                .ThenBy(p => p.index)
                .Select(p => p.finding)
                .ToList();

        private static int IndexOf(IReadOnlyList<IdleLimit> limits, IdleLimit limit)
        {
            for (int i = 0; i < limits.Count; i++)
            {
                if (limits[i] == limit)
                {
                    return i;
                }
            }

            return int.MaxValue;
        }

        /// <summary>
        /// Fixes name the files this run read, unless they are the ones the cmdlets edit by default; on a remote machine
        /// (-ComputerName) the cmdlets edit the config its sshd runs with, and another account's ~/.ssh/config is named by -User.
        /// </summary>
        private FixCommands Fixes(string? hostName)
        {
            TimeoutEnvironment environment = Reporter.Environment;
            string? computerName = Reporter.ComputerName;
            bool otherAccount = environment.Client.UserConfigPath != environment.CommandUserConfigPath;
            string? clientPath = Reporter.ClientFromPath ? Reporter.ClientFiles[0].Document.Path
                : otherAccount && computerName == null ? environment.Client.UserConfigPath
                : null;
            string? serverPath = Reporter.ServerConfig?.Document.Path;
            string defaultServerPath = computerName == null ? ServerConfigResolver.DefaultConfigPath : environment.ServerConfig;
            return new FixCommands(
                hostName,
                clientPath,
                serverPath == defaultServerPath ? null : serverPath,
                Machine.Sshd?.Pid != null,
                computerName,
                otherAccount && computerName != null ? environment.Client.LocalUser : null);
        }
    }
}
