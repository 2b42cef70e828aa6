using System;
using SshKeepAlive.Core.ConfigDocuments;

namespace SshKeepAlive.Core.Editing
{
    /// <summary>Why an edit was refused; the cmdlets turn each kind into an error category.</summary>
    public enum ConfigEditErrorKind
    {
        /// <summary>A requested value or host pattern is not acceptable.</summary>
        InvalidArgument,

        /// <summary>The config (or a file it includes) does not parse.</summary>
        InvalidConfig,

        /// <summary>The file to edit does not exist.</summary>
        NotFound,

        /// <summary>The file to edit is read-only.</summary>
        ReadOnly,

        /// <summary>The edit cannot be made effective: something the editor may not change wins.</summary>
        NotEffective,

        /// <summary>sshd -t rejected the edited config.</summary>
        ValidationFailed,

        /// <summary>The daemon did not survive the reload (what was done about it is in the message).</summary>
        ReloadFailed,

        /// <summary>Writing (or keeping a backup) failed; nothing was left changed.</summary>
        WriteFailed,

        /// <summary>The path is not a regular file (a directory, device, FIFO or socket).</summary>
        NotRegularFile,

        /// <summary>The file (or one it includes) exists but cannot be read.</summary>
        Unreadable,

        /// <summary>Another edit of the same file holds its lock.</summary>
        Locked,
    }

    /// <summary>An edit that was refused before any byte changed (or, for reloads, was rolled back).</summary>
    public sealed class ConfigEditException : Exception
    {
        public ConfigEditException(ConfigEditErrorKind kind, string errorId, string message, string? path = null, ConfigSource? location = null, Exception? inner = null)
            : base(message, inner)
        {
            Kind = kind;
            ErrorId = errorId;
            Path = path;
            Location = location;
        }

        public ConfigEditErrorKind Kind { get; }

        /// <summary>A stable identifier (e.g. "InvalidInterval") for scripts and tests.</summary>
        public string ErrorId { get; }

        /// <summary>The file concerned, when there is one.</summary>
        public string? Path { get; }

        /// <summary>The line concerned (e.g. the winning line that cannot be overridden), when there is one.</summary>
        public ConfigSource? Location { get; }

        /// <summary>
        /// The refusal of a config (or a file it includes) that OpenSSH would refuse or that cannot be read, with
        /// OpenSSH's reason and file:line: unreadable and non-regular files, unknown keywords, and other errors.
        /// </summary>
        internal static ConfigEditException ConfigRefused(ConfigDiagnostic problem, string path)
        {
            string where = problem.Source == null ? string.Empty : problem.Source + ": ";
            switch (problem.Problem)
            {
                case ConfigProblem.Unreadable:
                    return new ConfigEditException(ConfigEditErrorKind.Unreadable, "ConfigFileUnreadable", $"{path} cannot be edited: {where}{problem.Message}; nothing was changed.", problem.Source?.Path ?? path, problem.Source);
                case ConfigProblem.NotRegularFile:
                    return new ConfigEditException(ConfigEditErrorKind.NotRegularFile, "ConfigFileNotRegular", $"{path} cannot be edited: {where}{problem.Message}.", problem.Source?.Path ?? path, problem.Source);
                case ConfigProblem.UnknownKeyword:
                    return new ConfigEditException(ConfigEditErrorKind.InvalidConfig, "ConfigRejectedByOpenSsh", $"{path} cannot be edited: OpenSSH refuses it, so no edit would take effect: {where}{problem.Message}. Nothing was changed.", problem.Source?.Path ?? path, problem.Source);
                default:
                    return new ConfigEditException(ConfigEditErrorKind.InvalidConfig, "ConfigParseError", $"{path} cannot be edited safely: {problem}", problem.Source?.Path ?? path, problem.Source);
            }
        }
    }
}
