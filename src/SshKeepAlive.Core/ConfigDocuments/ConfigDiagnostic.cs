namespace SshKeepAlive.Core.ConfigDocuments
{
    public enum ConfigDiagnosticSeverity
    {
        /// <summary>OpenSSH accepts the input, but the result may not be what it seems (e.g. an unevaluated Match exec).</summary>
        Warning,

        /// <summary>OpenSSH would refuse the configuration (ssh/sshd exit with "bad configuration options").</summary>
        Error,
    }

    /// <summary>Problems a caller may word advice for; most are <see cref="General"/>.</summary>
    public enum ConfigDiagnosticKind
    {
        General,

        /// <summary>A Match exec command was not run, so its block was taken as not matching.</summary>
        MatchExecNotRun,

        /// <summary>A keyword ssh_config does not know, not covered by IgnoreUnknown.</summary>
        UnknownKeyword,
    }

    /// <summary>A problem found while reading or resolving configuration, with the file and line it concerns.</summary>
    public sealed class ConfigDiagnostic
    {
        public ConfigDiagnostic(ConfigDiagnosticSeverity severity, string message, ConfigSource? source, ConfigDiagnosticKind kind = ConfigDiagnosticKind.General)
        {
            Severity = severity;
            Message = message;
            Source = source;
            Kind = kind;
        }

        public ConfigDiagnosticKind Kind { get; }

        public ConfigDiagnosticSeverity Severity { get; }

        public string Message { get; }

        /// <summary>The line concerned; null when the problem is not tied to a line (e.g. a missing -F file).</summary>
        public ConfigSource? Source { get; }

        public bool IsError => Severity == ConfigDiagnosticSeverity.Error;

        internal static ConfigDiagnostic Error(string message, ConfigSource? source, ConfigDiagnosticKind kind = ConfigDiagnosticKind.General) =>
            new ConfigDiagnostic(ConfigDiagnosticSeverity.Error, message, source, kind);

        internal static ConfigDiagnostic Warning(string message, ConfigSource? source, ConfigDiagnosticKind kind = ConfigDiagnosticKind.General) =>
            new ConfigDiagnostic(ConfigDiagnosticSeverity.Warning, message, source, kind);

        /// <summary>"path:line: error: message".</summary>
        public override string ToString() =>
            (Source == null ? string.Empty : Source + ": ") + (IsError ? "error: " : "warning: ") + Message;
    }
}
