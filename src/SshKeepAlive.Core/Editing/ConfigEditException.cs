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

        /// <summary>sshd -t could not check the edit: something it needs outside the config is missing.</summary>
        ValidationUnavailable,

        /// <summary>The daemon did not survive the reload (the previous config was restored).</summary>
        ReloadFailed,

        /// <summary>Reading or writing failed.</summary>
        WriteFailed,
    }

    /// <summary>An edit that was refused before any byte changed (or, for reloads, was rolled back).</summary>
    public sealed class ConfigEditException : Exception
    {
        public ConfigEditException(ConfigEditErrorKind kind, string errorId, string message, string? path = null, ConfigSource? location = null, Exception? inner = null, string? recommendedAction = null)
            : base(message, inner)
        {
            Kind = kind;
            ErrorId = errorId;
            Path = path;
            Location = location;
            RecommendedAction = recommendedAction;
        }

        public ConfigEditErrorKind Kind { get; }

        /// <summary>A stable identifier (e.g. "InvalidInterval") for scripts and tests.</summary>
        public string ErrorId { get; }

        /// <summary>The file concerned, when there is one.</summary>
        public string? Path { get; }

        /// <summary>The line concerned (e.g. the winning line that cannot be overridden), when there is one.</summary>
        public ConfigSource? Location { get; }

        /// <summary>What to do about this particular refusal, when it is more specific than its kind's advice.</summary>
        public string? RecommendedAction { get; }

        /// <summary>The refusal of a config (or a file it includes) that does not parse or resolve cleanly.</summary>
        internal static ConfigEditException ConfigBroken(ConfigDiagnostic error, string path) =>
            new ConfigEditException(ConfigEditErrorKind.InvalidConfig, "ConfigParseError", $"{path} cannot be edited safely: {error}", error.Source?.Path ?? path, error.Source);
    }
}
