namespace SshKeepAlive.Core.ConfigDocuments
{
    public enum ConfigDiagnosticSeverity
    {
        /// <summary>OpenSSH accepts the input, but the result may not be what it seems (e.g. an unevaluated Match exec).</summary>
        Warning,

        /// <summary>OpenSSH would refuse the configuration (ssh/sshd exit with "bad configuration options").</summary>
        Error,
    }

    /// <summary>What kind of problem a diagnostic reports, for callers that answer each kind differently.</summary>
    public enum ConfigProblem
    {
        /// <summary>The content: syntax, values, Include and Match errors, and anything else.</summary>
        Content,

        /// <summary>A file that exists could not be read (permissions, I/O error).</summary>
        Unreadable,

        /// <summary>A path that names a FIFO, socket or device rather than a file.</summary>
        NotRegularFile,

        /// <summary>A keyword OpenSSH does not know ("Bad configuration option").</summary>
        UnknownKeyword,

        /// <summary>A Match exec command was not run, so its block was taken as not matching.</summary>
        MatchExecNotRun,
    }

    /// <summary>A problem found while reading or resolving configuration, with the file and line it concerns.</summary>
    public sealed class ConfigDiagnostic
    {
        public ConfigDiagnostic(ConfigDiagnosticSeverity severity, string message, ConfigSource? source, ConfigProblem problem = ConfigProblem.Content)
        {
            Severity = severity;
            Message = message;
            Source = source;
            Problem = problem;
        }

        public ConfigDiagnosticSeverity Severity { get; }

        public string Message { get; }

        /// <summary>The line concerned; null when the problem is not tied to a line (e.g. a missing -F file).</summary>
        public ConfigSource? Source { get; }

        public ConfigProblem Problem { get; }

        public bool IsError => Severity == ConfigDiagnosticSeverity.Error;

        internal static ConfigDiagnostic Error(string message, ConfigSource? source, ConfigProblem problem = ConfigProblem.Content) =>
            new ConfigDiagnostic(ConfigDiagnosticSeverity.Error, message, source, problem);

        internal static ConfigDiagnostic Warning(string message, ConfigSource? source, ConfigProblem problem = ConfigProblem.Content) =>
            new ConfigDiagnostic(ConfigDiagnosticSeverity.Warning, message, source, problem);

        /// <summary>"path:line: error: message".</summary>
        public override string ToString() =>
            (Source == null ? string.Empty : Source + ": ") + (IsError ? "error: " : "warning: ") + Message;
    }
}
