using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Timeouts;

namespace SshKeepAlive.Core.Diagnostics
{
    /// <summary>One check: its id, and the findings it makes from a target's report and the machine's snapshot.</summary>
    internal interface IDiagnosticCheck
    {
        FindingId Id { get; }

        IEnumerable<Finding> Run(CheckContext context);
    }

    /// <summary>What a check may look at for one target: its report (client rows, summary), the machine snapshot, ssh's verdict, and how to word fixes.</summary>
    internal sealed class CheckContext
    {
        public CheckContext(TargetReport target, MachineSnapshot machine, SshConfigCheck? ssh, FixCommands fixes)
        {
            Target = target;
            Machine = machine;
            Ssh = ssh;
            Fixes = fixes;
        }

        public TargetReport Target { get; }

        public MachineSnapshot Machine { get; }

        /// <summary>ssh -G's verdict for the target; null without the client scope.</summary>
        public SshConfigCheck? Ssh { get; }

        public FixCommands Fixes { get; }

        public TimeoutSummary Summary => Target.Summary;

        /// <summary>The target's client rows and every local row (server, shell, kernel).</summary>
        public IReadOnlyList<TimeoutSetting> Settings => Target.Summary.Settings;

        public bool Has(TimeoutScope scope) => Machine.Reporter.Scopes.Contains(scope);

        public TimeoutSetting? Setting(TimeoutScope scope, string name) => Settings.FirstOrDefault(s => s.Scope == scope && s.Name == name);

        public int? Seconds(TimeoutScope scope, string name) => Setting(scope, name)?.Value as int?;

        public bool Flag(TimeoutScope scope, string name) => Setting(scope, name)?.Value is bool on && on;

        /// <summary>The path's idle limit from the summary (this machine's conntrack, or the one given or measured) when no keepalive beats it.</summary>
        public IdleLimit? PathLimit => Summary.IdleLimits.FirstOrDefault(l => l.Kind == IdleLimitKind.Firewall || l.Kind == IdleLimitKind.Path);

        /// <summary>A finding about the target; on a remote machine its evidence names the machine, and a manual step says to take it there.</summary>
        public Finding Make(FindingId id, FindingSeverity severity, string message, string evidence, string fix, FixKind kind, IdleLimit? limit = null, int? idleSeconds = null) =>
            Fixes.ComputerName is string computerName
                ? new Finding(Target.Target, id, severity, message, computerName + ": " + evidence, kind == FixKind.Manual ? Fixes.Manual(fix) : fix, kind, limit, idleSeconds) { ComputerName = computerName }
                : new Finding(Target.Target, id, severity, message, evidence, fix, kind, limit, idleSeconds);

        /// <summary>"Name value (path:line)", or "Name value (default)".</summary>
        public static string Describe(TimeoutSetting setting) => $"{setting.Name} {OpenSshValues.Format(setting.Value)} ({setting.Location})";

        /// <summary>Describe of the row, or "Name not reported" when the scope was not read.</summary>
        public string Describe(TimeoutScope scope, string name) => Setting(scope, name) is TimeoutSetting s ? Describe(s) : name + " (not read)";
    }
}
