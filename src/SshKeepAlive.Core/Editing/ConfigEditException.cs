using System;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Errors;

namespace SshKeepAlive.Core.Editing
{
    /// <summary>An edit that was refused before any byte changed (or, for reloads, was rolled back).</summary>
    public sealed class ConfigEditException : SshKeepAliveException
    {
        public ConfigEditException(ErrorId id, string message, string? path = null, ConfigSource? location = null, Exception? inner = null)
            : base(id, message, location?.ToString() ?? path, inner)
        {
            Path = path;
            Location = location;
        }

        /// <summary>The file concerned, when there is one.</summary>
        public string? Path { get; }

        /// <summary>The line concerned (e.g. the winning line that cannot be overridden), when there is one.</summary>
        public ConfigSource? Location { get; }

        /// <summary>The refusal of a config (or a file it includes) that does not parse or resolve cleanly.</summary>
        internal static ConfigEditException ConfigBroken(ConfigDiagnostic error, string path) =>
            new ConfigEditException(ErrorId.ConfigInvalid, $"{path} cannot be edited safely: {error}", error.Source?.Path ?? path, error.Source);
    }
}
