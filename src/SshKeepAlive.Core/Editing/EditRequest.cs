using System;
using System.Collections.Generic;
using SshKeepAlive.Core.ConfigDocuments;

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

    /// <summary>What to change in which config file, for which hosts.</summary>
    public sealed class EditRequest
    {
        public EditRequest(EditScope scope, string path, IncludeRules includeRules, string hostPattern, IReadOnlyList<SettingChange> changes, bool createIfMissing)
        {
            if (changes.Count == 0)
            {
                throw new ArgumentException("An edit needs at least one setting.", nameof(changes));
            }

            Scope = scope;
            Path = path;
            IncludeRules = includeRules;
            HostPattern = scope == EditScope.Client ? EditRules.CheckHostPattern(hostPattern) : "*";
            Changes = changes;
            CreateIfMissing = createIfMissing;
        }

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
