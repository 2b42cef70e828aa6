using SshKeepAlive.Core.Timeouts;

namespace SshKeepAlive.Core.Diagnostics
{
    /// <summary>How bad a finding is: Error and Warning make Test-SshKeepAlive -Quiet return false, Info does not.</summary>
    public enum FindingSeverity
    {
        /// <summary>A session will end (or OpenSSH refuses to run) for this reason.</summary>
        Error,

        /// <summary>A session may end, or a setting is not what it seems.</summary>
        Warning,

        /// <summary>Worth knowing; nothing ends a session because of it here.</summary>
        Info,
    }

    /// <summary>What the <see cref="Finding.Fix"/> is.</summary>
    public enum FixKind
    {
        /// <summary>A cmdlet invocation of this module, runnable as is.</summary>
        Command,

        /// <summary>A precise manual step (a file to change, a command of the system) where no cmdlet can help.</summary>
        Manual,
    }

    /// <summary>One thing Test-SshKeepAlive found: what, how bad, on what evidence, and how to fix it.</summary>
    public sealed class Finding
    {
        internal Finding(string target, FindingId id, FindingSeverity severity, string message, string evidence, string fix, FixKind fixKind, IdleLimit? limit = null, int? idleSeconds = null)
        {
            IdleSeconds = idleSeconds ?? limit?.Seconds;
            Target = target;
            Id = id;
            Severity = severity;
            Message = message;
            Evidence = evidence;
            Fix = fix;
            FixKind = fixKind;
            Limit = limit;
        }

        /// <summary>The machine the finding is about (as given to -ComputerName); null for this machine.</summary>
        public string? ComputerName { get; internal set; }

        /// <summary>The target the finding is for: the host, or the local target (sshd, localhost) without the client scope.</summary>
        public string Target { get; }

        public FindingId Id { get; }

        public FindingSeverity Severity { get; }

        /// <summary>What is wrong and what it does to an idle session.</summary>
        public string Message { get; }

        /// <summary>What it is based on: file:line of the settings, command output, measurements.</summary>
        public string Evidence { get; }

        /// <summary>The exact cmdlet invocation that fixes it (<see cref="FixKind.Command"/>), or a precise manual step.</summary>
        public string Fix { get; }

        public FixKind FixKind { get; }

        /// <summary>For a finding about something that ends idle sessions, after how many idle seconds; otherwise null.</summary>
        public int? IdleSeconds { get; }

        /// <summary>The entry of the target's <see cref="TimeoutSummary.IdleLimits"/> this finding is about; null for other findings.</summary>
        internal IdleLimit? Limit { get; }

        public override string ToString() => $"{(ComputerName == null ? string.Empty : ComputerName + ": ")}{Severity} {Id} ({Target}): {Message}";
    }
}
