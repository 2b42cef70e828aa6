using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Platform;

namespace SshKeepAlive.Core.ServerConfig
{
    /// <summary>
    /// Resolves sshd_config for a connection the way `sshd -T -C` does. sshd reads the file twice. The first
    /// pass applies global lines, first value wins; a Match line makes the lines after it inactive, except
    /// "Match all", which keeps them active. The second pass, for the connection, ignores global lines and
    /// applies the lines of every matching Match block, again first value wins, and those values replace the
    /// global ones. An Include keeps the including line's activity for the included file's top lines, and a
    /// Match block inside an included file ends with that file; under a Match that does not hold, the included
    /// file's own Match blocks never apply. Files are loaded once; resolve any number of connections.
    /// </summary>
    public sealed class ServerConfigResolver
    {
        private readonly List<ConfigDiagnostic> loadDiagnostics = new List<ConfigDiagnostic>();

        private ServerConfigResolver(LoadedConfig file, UnixAccounts accounts, OpenSshVersion? version)
        {
            File = file;
            Accounts = accounts;
            Version = version;
            if (!file.Exists)
            {
                loadDiagnostics.Add(ConfigDiagnostic.Error($"{file.Document.Path}: no such file", null));
            }

            loadDiagnostics.AddRange(file.Diagnostics);
        }

        /// <summary>Where sshd reads its configuration: sshd_config in the system ssh directory (<see cref="SshPlatform.SystemDirectory"/>).</summary>
        public static string DefaultConfigPath => Path.Combine(SshPlatform.SystemDirectory, "sshd_config");

        /// <summary>The keywords every resolution reports, in OpenSSH's spelling.</summary>
        public static IReadOnlyList<string> ReportedKeywords { get; } = ServerKeywords.Reported.Select(k => k.Name).ToArray();

        /// <summary>False for keywords sshd refuses after a Match line ("Directive ... is not allowed within a Match block").</summary>
        public static bool IsAllowedInMatch(string keyword) => !ServerKeywords.IsGlobalOnly(keyword);

        /// <summary>The sshd_config with its Includes.</summary>
        public LoadedConfig File { get; }

        /// <summary>Where Match Group looks up users' groups.</summary>
        public UnixAccounts Accounts { get; }

        /// <summary>The sshd release whose rules the resolution follows (which keywords it knows); null: the newest.</summary>
        public OpenSshVersion? Version { get; }

        /// <summary>Problems found while loading (missing or unreadable files, Include loops and errors).</summary>
        public IReadOnlyList<ConfigDiagnostic> LoadDiagnostics => loadDiagnostics;

        /// <summary>
        /// Loads an sshd_config (default <see cref="DefaultConfigPath"/>) and its Includes, relative ones under
        /// <paramref name="systemDirectory"/> (default <see cref="SshPlatform.SystemDirectory"/>). Match Group reads
        /// <paramref name="accounts"/> (default /etc/passwd and /etc/group). The file is read as the sshd of
        /// <paramref name="version"/> reads it (null: the newest release).
        /// </summary>
        public static ServerConfigResolver Load(string? path = null, string? systemDirectory = null, UnixAccounts? accounts = null, OpenSshVersion? version = null, IReadOnlyFileSystem? files = null)
        {
            var rules = IncludeRules.ForServerConfig(systemDirectory ?? SshPlatform.SystemDirectory, SshPlatform.HomeDirectory);
            return new ServerConfigResolver(LoadedConfig.Load(path ?? DefaultConfigPath, rules, files), accounts ?? new UnixAccounts(files: files), version);
        }

        /// <summary>A resolver over an already-loaded sshd_config (e.g. one being edited, possibly not yet written).</summary>
        public static ServerConfigResolver ForLoaded(LoadedConfig file, UnixAccounts? accounts = null, OpenSshVersion? version = null) =>
            new ServerConfigResolver(file, accounts ?? new UnixAccounts(), version);

        /// <summary>The effective settings for <paramref name="connection"/> (null: no connection, like plain `sshd -T`).</summary>
        public ServerResolution Resolve(ServerConnection? connection = null)
        {
            var walk = new Walk(connection ?? ServerConnection.None, Accounts, Version);
            foreach (ConfigDiagnostic diagnostic in loadDiagnostics)
            {
                walk.Report(diagnostic);
            }

            bool active = true;
            walk.File(File, ref active, IncludeFlags.None, perConnection: false);
            active = false;
            walk.File(File, ref active, IncludeFlags.MatchOnly, perConnection: true);

            var settings = ServerKeywords.Reported
                .Select(k => walk.PerConnection.TryGetValue(k.Name, out EffectiveSetting? s) ? s
                    : walk.Global.TryGetValue(k.Name, out s) ? s
                    : new EffectiveSetting(k.Name, k.DefaultValue, SettingOrigin.Default, Array.Empty<ConfigSource>(), null))
                .ToArray();
            return new ServerResolution(File.Document.Path, connection ?? ServerConnection.None, settings, walk.Diagnostics, walk.Unapplied);
        }

        [Flags]
        private enum IncludeFlags
        {
            None = 0,

            // Set on the second pass until the file's first Match line: Match lines of files included from
            // the global section are evaluated even though that section itself is inactive.
            MatchOnly = 1,

            // Set for files included under a Match that does not hold: none of their Match lines apply.
            NeverMatch = 2,
        }

        private sealed class Walk
        {
            private readonly ServerConnection connection;
            private readonly UnixAccounts accounts;
            private readonly OpenSshVersion? version;
            private readonly List<ConfigDiagnostic> diagnostics = new List<ConfigDiagnostic>();
            private readonly HashSet<ConfigSource> activeLines = new HashSet<ConfigSource>();
            private readonly Dictionary<ConfigSource, UnappliedSetting> unapplied = new Dictionary<ConfigSource, UnappliedSetting>();

            public Walk(ServerConnection connection, UnixAccounts accounts, OpenSshVersion? version)
            {
                this.connection = connection;
                this.accounts = accounts;
                this.version = version;
            }

            public Dictionary<string, EffectiveSetting> Global { get; } = new Dictionary<string, EffectiveSetting>();

            public Dictionary<string, EffectiveSetting> PerConnection { get; } = new Dictionary<string, EffectiveSetting>();

            public IReadOnlyList<ConfigDiagnostic> Diagnostics => diagnostics;

            /// <summary>Lines skipped on both passes (their Match block does not hold), or read after an earlier line had won.</summary>
            public IReadOnlyList<UnappliedSetting> Unapplied =>
                unapplied.Values.Where(u => u.Reason == UnappliedReason.EarlierValueWins || !activeLines.Contains(u.Source)).ToList();

            // Both passes see the same lines: a problem is reported once.
            public void Report(ConfigDiagnostic diagnostic)
            {
                if (!diagnostics.Any(d => d.Message == diagnostic.Message && Equals(d.Source, diagnostic.Source)))
                {
                    diagnostics.Add(diagnostic);
                }
            }

            public void File(LoadedConfig file, ref bool active, IncludeFlags flags, bool perConnection)
            {
                foreach (ConfigLine line in file.Document.Lines)
                {
                    ConfigSource source = file.Document.SourceOf(line);
                    if (line.Error != null)
                    {
                        Report(ConfigDiagnostic.Error(line.Error, source));
                        continue;
                    }

                    if (!line.IsDirective)
                    {
                        continue;
                    }

                    string keyword = line.Keyword!;
                    if (line.Arguments.Count == 0)
                    {
                        Report(ConfigDiagnostic.Error($"no argument after keyword \"{keyword}\"", source));
                        continue;
                    }

                    if (OpenSshReleases.SplitsLinesTheOldWay(version) && OpenSshReleases.LineSplittingRefusal(OpenSshProgram.Server, keyword, line.TextAfterSeparator, line.Arguments.Count, version) is string refusal)
                    {
                        Report(ConfigDiagnostic.Error(refusal, source));
                        continue;
                    }

                    if (!ServerKeywords.IsKnown(keyword, version))
                    {
                        // The sshd of a known release refuses the file, as we do; without a release, a newer sshd
                        // than any we know might accept it, so this is only a warning.
                        Report(version != null
                            ? ConfigDiagnostic.Error($"Bad configuration option: {keyword} ({OpenSshReleases.RefusalReason(OpenSshProgram.Server, keyword, version)})", source, ConfigProblem.UnknownKeyword)
                            : ConfigDiagnostic.Warning($"Bad configuration option: {keyword} (not a keyword of any sshd release this module knows; an sshd that does not know it refuses the file)", source, ConfigProblem.UnknownKeyword));
                        continue;
                    }

                    if (line.IsKeyword("Match"))
                    {
                        active = MatchLine(line, source, flags, perConnection);
                        flags &= ~IncludeFlags.MatchOnly;
                        continue;
                    }

                    if (!active && ServerKeywords.IsGlobalOnly(keyword))
                    {
                        // The second pass skips such lines: they were handled (or refused) by the first.
                        if (!perConnection)
                        {
                            Report(ConfigDiagnostic.Error($"Directive '{keyword}' is not allowed within a Match block", source));
                        }

                        continue;
                    }

                    if (line.IsKeyword("Include"))
                    {
                        Include(file, line, ref active, flags, perConnection);
                        continue;
                    }

                    Setting(line, source, active, perConnection);
                }
            }

            private bool MatchLine(ConfigLine line, ConfigSource source, IncludeFlags flags, bool perConnection)
            {
                bool neverMatch = (flags & IncludeFlags.NeverMatch) != 0;
                ServerMatchOutcome outcome = ServerMatchCriteria.Evaluate(
                    line.MatchCriteria(), perConnection && !neverMatch ? connection : null, accounts);
                if (outcome.Error != null)
                {
                    Report(ConfigDiagnostic.Error("Bad Match condition: " + outcome.Error, source));
                }

                if (outcome.Warning != null)
                {
                    Report(ConfigDiagnostic.Warning(outcome.Warning, source));
                }

                return !neverMatch && outcome.Matches;
            }

            private void Include(LoadedConfig file, ConfigLine line, ref bool active, IncludeFlags flags, bool perConnection)
            {
                IncludeExpansion? expansion = file.IncludesAt(line.LineNumber);
                if (expansion == null)
                {
                    return;
                }

                // Included files cannot change the including file's Match state.
                bool includingActive = active;
                IncludeFlags childFlags = (flags & IncludeFlags.MatchOnly) != 0 ? IncludeFlags.MatchOnly
                    : includingActive ? IncludeFlags.None
                    : IncludeFlags.NeverMatch;
                foreach (LoadedConfig included in expansion.Files)
                {
                    File(included, ref active, childFlags, perConnection);
                    active = includingActive;
                }
            }

            private void Setting(ConfigLine line, ConfigSource source, bool active, bool perConnection)
            {
                ServerKeyword? keyword = ServerKeywords.Find(line.Keyword!);
                if (keyword == null)
                {
                    return;
                }

                // Values are checked wherever they are written, as sshd refuses bad values even in blocks that never match.
                if (!keyword.Parse(line.Arguments, out object? value, out string? error))
                {
                    Report(ConfigDiagnostic.Error($"{keyword.Name}: {error}", source));
                    return;
                }

                if (keyword.Caveat(value) is string caveat)
                {
                    Report(ConfigDiagnostic.Warning($"{keyword.Name}: {caveat}", source));
                }

                // Only keywords allowed in Match blocks are carried over from the second pass.
                Dictionary<string, EffectiveSetting> target = perConnection ? PerConnection : Global;
                if (active && (!perConnection || keyword.AllowedInMatch))
                {
                    activeLines.Add(source);
                    if (!target.TryGetValue(keyword.Name, out EffectiveSetting? winner))
                    {
                        target.Add(keyword.Name, new EffectiveSetting(keyword.Name, value, SettingOrigin.ConfigFile, new[] { source }, line.ArgumentText));
                    }
                    else if (!source.Equals(winner.Source))
                    {
                        unapplied[source] = new UnappliedSetting(keyword.Name, value, line.ArgumentText, source, UnappliedReason.EarlierValueWins, winner.Source);
                    }
                }
                else if (!active && !unapplied.ContainsKey(source))
                {
                    unapplied[source] = new UnappliedSetting(keyword.Name, value, line.ArgumentText, source, UnappliedReason.BlockDoesNotMatch, null);
                }
            }
        }
    }
}
