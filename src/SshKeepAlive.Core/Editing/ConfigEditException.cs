using System;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Server;

namespace SshKeepAlive.Core.Editing
{
    /// <summary>An edit that was refused before any byte changed (or, after a failed reload or check, was rolled back: <see cref="RolledBack"/>).</summary>
    public sealed class ConfigEditException : SshKeepAliveException
    {
        public ConfigEditException(ErrorId id, string message, string? path = null, ConfigSource? location = null, Exception? inner = null, bool rolledBack = false)
            : base(id, message, location?.ToString() ?? path, inner)
        {
            Path = path;
            Location = location;
            RolledBack = rolledBack;
        }

        /// <summary>The file concerned, when there is one.</summary>
        public string? Path { get; }

        /// <summary>The line concerned (e.g. the winning line that cannot be overridden), when there is one.</summary>
        public ConfigSource? Location { get; }

        /// <summary>True when the edit had been written and the previous files were put back (a failed reload or check).</summary>
        public bool RolledBack { get; }

        /// <summary>The refusal of a server edit that sshd -t cannot judge on this machine (not the file's fault).</summary>
        internal static ConfigEditException CannotValidate(string path, SshdPrerequisite missing) =>
            new ConfigEditException(
                missing.Id,
                $"sshd -t cannot check the edited {path} on this machine: {missing.Cause}. This is not a fault of {path}; nothing was changed. {missing.Fix}",
                path);

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
                    return new ConfigEditException(ErrorId.ConfigFileUnreadable, $"{path} cannot be edited: {where}{problem.Message}; nothing was changed.", problem.Source?.Path ?? path, problem.Source);
                case ConfigProblem.NotRegularFile:
                    return new ConfigEditException(ErrorId.ConfigFileNotRegular, $"{path} cannot be edited: {where}{problem.Message}.", problem.Source?.Path ?? path, problem.Source);
                case ConfigProblem.UnknownKeyword:
                    return new ConfigEditException(ErrorId.ConfigKeywordUnknown, $"{path} cannot be edited: OpenSSH refuses it, so no edit would take effect: {where}{problem.Message}. Nothing was changed.", problem.Source?.Path ?? path, problem.Source);
                default:
                    return new ConfigEditException(ErrorId.ConfigInvalid, $"{path} cannot be edited safely: {problem}", problem.Source?.Path ?? path, problem.Source);
            }
        }
    }
}
