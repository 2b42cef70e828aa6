using System;
using System.Collections.Generic;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Platform;

namespace SshKeepAlive.Core.Editing
{
    /// <summary>Which side of SSH an edit is for.</summary>
    public enum EditScope
    {
        /// <summary>ssh_config: ~/.ssh/config or the system-wide client file.</summary>
        Client,

        /// <summary>sshd_config (global settings).</summary>
        Server,
    }

    /// <summary>What to change in which config file, for which hosts. A server request without changes only reloads sshd.</summary>
    public sealed class EditRequest
    {
        public EditRequest(EditScope scope, string path, IncludeRules includeRules, string hostPattern, IReadOnlyList<SettingChange> changes, bool createIfMissing)
        {
            if (changes.Count == 0 && scope == EditScope.Client)
            {
                throw new ArgumentException("A client edit needs at least one setting.", nameof(changes));
            }

            Scope = scope;
            Path = path;
            IncludeRules = includeRules;
            HostPattern = scope == EditScope.Client ? EditRules.CheckHostPattern(hostPattern) : "*";
            Changes = changes;
            CreateIfMissing = createIfMissing;
        }

        /// <summary>
        /// The request for <paramref name="changes"/>: <paramref name="path"/> when given, else ~/.ssh/config (created
        /// if missing), the system ssh_config with <paramref name="allUsers"/>, or sshd_config for the server.
        /// </summary>
        public static EditRequest For(EditScope scope, string? path, bool allUsers, string hostPattern, IReadOnlyList<SettingChange> changes)
        {
            string home = SshPlatform.HomeDirectory;
            string system = SshPlatform.SystemDirectory;
            hostPattern = HostOfDestination(hostPattern);
            if (scope == EditScope.Server)
            {
                return new EditRequest(scope, path ?? System.IO.Path.Combine(system, "sshd_config"), IncludeRules.ForServerConfig(system, home), hostPattern, changes, createIfMissing: false);
            }

            if (path == null && allUsers)
            {
                return new EditRequest(scope, System.IO.Path.Combine(system, "ssh_config"), IncludeRules.ForSystemClientConfig(system, home), hostPattern, changes, createIfMissing: false);
            }

            // An explicit file is read as ssh -F reads it; only the user's own config is created when missing.
            return new EditRequest(scope, path ?? System.IO.Path.Combine(home, ".ssh", "config"), IncludeRules.ForUserClientConfig(home), hostPattern, changes, createIfMissing: path == null);
        }

        /// <summary>The host of a destination "user@host" (what ssh matches Host patterns against); other text as is.</summary>
        private static string HostOfDestination(string destination) => destination.Substring(destination.LastIndexOf('@') + 1);

        public EditScope Scope { get; }

        /// <summary>The top config file (its Includes are part of the edited tree).</summary>
        public string Path { get; }

        public IncludeRules IncludeRules { get; }

        /// <summary>The client Host pattern the settings are for ("*" for every host; always "*" on the server).</summary>
        public string HostPattern { get; }

        public IReadOnlyList<SettingChange> Changes { get; }

        /// <summary>True when a missing file is created (the user's ~/.ssh/config); otherwise a missing file is an error.</summary>
        public bool CreateIfMissing { get; }

        /// <summary>True when the pattern covers every host, so global lines and <c>Host *</c> blocks are the edit's own.</summary>
        public bool IsEveryHost => HostPattern == "*";
    }

    /// <summary>
    /// The resolver's answer the editor needs: the directive a keyword's value comes from for the edit's target
    /// (a host matching the client pattern, or the server's global settings); null when it is OpenSSH's default.
    /// </summary>
    public interface IWinningDirectiveLookup
    {
        /// <summary>Resolves <paramref name="config"/> once for the edit's target; the function gives each keyword's winning directive.</summary>
        Func<string, ConfigDirective?> Resolve(LoadedConfig config, EditRequest request);
    }
}
