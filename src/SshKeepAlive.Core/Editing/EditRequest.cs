using System;
using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.ServerConfig;
using SshKeepAlive.Core.Errors;

namespace SshKeepAlive.Core.Editing
{
    /// <summary>Which side of SSH an edit is for.</summary>
    public enum EditScope
    {
        /// <summary>ssh_config: ~/.ssh/config or the system-wide client file.</summary>
        Client,

        /// <summary>sshd_config: the global settings, or one Match block.</summary>
        Server,
    }

    /// <summary>What to change in which config file, for which hosts or connections. A server request without changes only reloads sshd.</summary>
    public sealed class EditRequest
    {
        /// <param name="scope">Client or server.</param>
        /// <param name="path">The top config file.</param>
        /// <param name="includeRules">How its Include lines are anchored.</param>
        /// <param name="hostPattern">Client: the Host pattern, or a destination user@pattern whose user Match user lines see; ignored for the server.</param>
        /// <param name="changes">The settings.</param>
        /// <param name="createIfMissing">Create the file when it is missing (the user's own ~/.ssh/config).</param>
        /// <param name="match">Server: the Match block to edit in; null for the global settings.</param>
        public EditRequest(EditScope scope, string path, IncludeRules includeRules, string hostPattern, IReadOnlyList<SettingChange> changes, bool createIfMissing, ServerMatchTarget? match = null)
        {
            if (changes.Count == 0 && scope == EditScope.Client)
            {
                throw new ArgumentException("A client edit needs at least one setting.", nameof(changes));
            }

            if (match != null && scope != EditScope.Server)
            {
                throw new ConfigEditException(ErrorId.MatchScopeInvalid, $"{match.Text} is an sshd_config block; use -Scope Server (ssh_config edits are per host: -HostName).");
            }

            Scope = scope;
            Path = path;
            IncludeRules = includeRules;
            int at = hostPattern.LastIndexOf('@');
            if (scope == EditScope.Client && at >= 0)
            {
                User = at > 0 ? hostPattern.Substring(0, at) : throw new ConfigEditException(ErrorId.HostPatternInvalid, $"'{hostPattern}' has an empty user before '@'.");
                hostPattern = hostPattern.Substring(at + 1);
            }

            HostPattern = scope == EditScope.Client ? EditRules.CheckHostPattern(hostPattern) : "*";
            Changes = changes;
            CreateIfMissing = createIfMissing;
            Match = match;
            foreach (SettingChange change in match == null ? Enumerable.Empty<SettingChange>() : changes)
            {
                if (!ServerConfigResolver.IsAllowedInMatch(change.Keyword))
                {
                    throw new ConfigEditException(ErrorId.SettingNotAllowedInMatch, $"{change.Keyword} cannot be set inside a Match block (sshd refuses it there); set it globally, without -Match parameters.");
                }
            }
        }

        /// <summary>
        /// The request for <paramref name="changes"/>: <paramref name="path"/> when given, else ~/.ssh/config (created
        /// if missing), the system ssh_config with <paramref name="allUsers"/>, or sshd_config for the server. The
        /// home is this account's from the passwd database, as ssh and sshd take it.
        /// </summary>
        public static EditRequest For(EditScope scope, string? path, bool allUsers, string hostPattern, IReadOnlyList<SettingChange> changes, ServerMatchTarget? match = null) =>
            ForMachine(scope, path, allUsers, hostPattern, changes, match, SshPlatform.SystemDirectory, SshPlatform.HomeDirectory, null);

        /// <summary>
        /// As <see cref="For"/>, on a machine whose system ssh directory is <paramref name="systemDirectory"/> and whose
        /// user (uid <paramref name="userId"/>, null: this process's) has the home <paramref name="homeDirectory"/>: another
        /// machine, or another user's ~/.ssh/config.
        /// </summary>
        public static EditRequest ForMachine(EditScope scope, string? path, bool allUsers, string hostPattern, IReadOnlyList<SettingChange> changes, ServerMatchTarget? match, string systemDirectory, string homeDirectory, uint? userId)
        {
            if (scope == EditScope.Server)
            {
                return new EditRequest(scope, path ?? FileSystemExtensions.JoinPath(systemDirectory, "sshd_config"), IncludeRules.ForServerConfig(systemDirectory, homeDirectory), hostPattern, changes, createIfMissing: false, match);
            }

            if (path == null && allUsers)
            {
                return new EditRequest(scope, FileSystemExtensions.JoinPath(systemDirectory, "ssh_config"), IncludeRules.ForSystemClientConfig(systemDirectory, homeDirectory), hostPattern, changes, createIfMissing: false, match);
            }

            // An explicit file is read as ssh -F reads it; only the user's own config is created when missing.
            string userConfig = FileSystemExtensions.JoinPath(FileSystemExtensions.JoinPath(homeDirectory, ".ssh"), "config");
            return new EditRequest(scope, path ?? userConfig, IncludeRules.ForUserClientConfig(homeDirectory, userId), hostPattern, changes, createIfMissing: path == null, match);
        }

        public EditScope Scope { get; }

        /// <summary>The top config file (its Includes are part of the edited tree).</summary>
        public string Path { get; }

        public IncludeRules IncludeRules { get; }

        /// <summary>The client Host pattern the settings are for ("*" for every host; always "*" on the server).</summary>
        public string HostPattern { get; }

        /// <summary>Client: the remote user of a destination given as user@host (Match user lines see it); null otherwise.</summary>
        public string? User { get; }

        /// <summary>Server: the Match block the settings go in; null for the global settings.</summary>
        public ServerMatchTarget? Match { get; }

        public IReadOnlyList<SettingChange> Changes { get; }

        /// <summary>True when <paramref name="line"/> sets one of the keywords the request changes.</summary>
        public bool IsAbout(ConfigLine line)
        {
            if (line.Keyword == null)
            {
                return false;
            }

            for (int i = 0; i < Changes.Count; i++)
            {
                if (Changes[i].Sets(line))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>True when a missing file is created (the user's ~/.ssh/config); otherwise a missing file is an error.</summary>
        public bool CreateIfMissing { get; }

        /// <summary>Client: true when the pattern covers every host, so global lines and <c>Host *</c> blocks are the edit's own.</summary>
        public bool IsEveryHost => HostPattern == "*";

        /// <summary>Who the edit is for, in messages: "Host web01", "every host", "the server's global settings", "Match User alice".</summary>
        public string TargetText =>
            Scope == EditScope.Server ? Match?.Text ?? "the server's global settings"
            : IsEveryHost && User == null ? "every host (as their default)"
            : (User == null ? "Host " : $"{User}@") + HostPattern;

        /// <summary>The destination the client edit is resolved for: the user (if given) at a host the pattern matches.</summary>
        public SshTarget ProbeTarget => new SshTarget(ProbeHost(HostPattern), User, null);

        /// <summary>A host name the pattern matches: itself when literal, wildcards filled in otherwise.</summary>
        public static string ProbeHost(string pattern) =>
            pattern == "*" ? "sshka-probe" : pattern.Replace("*", "sshka-probe").Replace('?', 'x');
    }

    /// <summary>
    /// The resolvers' answer the editor needs: the line a keyword's value comes from for a client destination
    /// (ssh -G semantics) or a server connection (sshd -T -C); null when it is OpenSSH's default. Each call
    /// resolves the tree once; the function it returns answers any keyword.
    /// </summary>
    public interface IWinningDirectiveLookup
    {
        /// <summary>The winning lines for <paramref name="destination"/>. Throws <see cref="ConfigEditException"/> for a config ssh refuses.</summary>
        Func<string, ConfigSource?> ResolveClient(LoadedConfig config, SshTarget destination);

        /// <summary>The winning lines for <paramref name="connection"/>, or the global settings when it is null.</summary>
        Func<string, ConfigSource?> ResolveServer(LoadedConfig config, ServerConnection? connection);

        /// <summary>Frees what was prepared to resolve <paramref name="config"/> (the edit resolves it no more).</summary>
        void Release(LoadedConfig config);

        /// <summary>Every keyword's effective setting for <paramref name="destination"/>: what ssh -G would print, with its line.</summary>
        Func<string, EffectiveSetting> ClientSettings(LoadedConfig config, SshTarget destination);

        /// <summary>Every keyword's effective setting for <paramref name="connection"/>: what sshd -T -C would print, with its line.</summary>
        Func<string, EffectiveSetting> ServerSettings(LoadedConfig config, ServerConnection? connection);
    }
}
