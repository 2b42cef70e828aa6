namespace SshKeepAlive.Core.ConfigDocuments
{
    public enum ConfigDiagnosticSeverity
    {
        /// <summary>OpenSSH accepts the input, but the result may not be what it seems (e.g. an unevaluated Match exec).</summary>
        Warning,

        /// <summary>OpenSSH would refuse the configuration (ssh/sshd exit with "bad configuration options").</summary>
        Error,
    }

    /// <summary>A problem found while reading or resolving configuration, with the file and line it concerns.</summary>
    public sealed class ConfigDiagnostic
    {
        public ConfigDiagnostic(ConfigDiagnosticSeverity severity, string message, ConfigSource? source)
        {
            Severity = severity;
            Message = message;
            Source = source;
        }

        public ConfigDiagnosticSeverity Severity { get; }

        public string Message { get; }

        /// <summary>The line concerned; null when the problem is not tied to a line (e.g. a missing -F file).</summary>
        public ConfigSource? Source { get; }

        public bool IsError => Severity == ConfigDiagnosticSeverity.Error;

        internal static ConfigDiagnostic Error(string message, ConfigSource? source) =>
            new ConfigDiagnostic(ConfigDiagnosticSeverity.Error, message, source);

        internal static ConfigDiagnostic Warning(string message, ConfigSource? source) =>
            new ConfigDiagnostic(ConfigDiagnosticSeverity.Warning, message, source);

        /// <summary>"path:line: error: message".</summary>
        public override string ToString() =>
            (Source == null ? string.Empty : Source + ": ") + (IsError ? "error: " : "warning: ") + Message;
    }
}
