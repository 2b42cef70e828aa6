using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.OpenSsh;

namespace SshKeepAlive.Core.ClientConfig
{
    /// <summary>
    /// One resolution, following ssh: a first pass over the files with the destination as typed; then HostName
    /// (with %h) is applied and lowercased; when a "Match final" was seen or CanonicalizeHostname is on, a final
    /// pass re-reads the files with that host name, keeping every value already obtained (first value wins).
    /// Several destinations are resolved in one walk over the files (<see cref="RunAll"/>): each line is read once
    /// and handed to every run. Longer than most files because the passes, the %-tokens and the defaults all read
    /// and write the same per-keyword slots, as readconf.c's one options struct; splitting it would spread that state.
    /// </summary>
    internal sealed class ClientResolutionRun
    {
        private readonly ClientConfigResolver resolver;
        private readonly SshTarget target;
        private readonly ClientResolveOptions options;
        private readonly ClientMatchEvaluator matcher;
        private readonly Dictionary<ClientKeyword, Slot> slots = new Dictionary<ClientKeyword, Slot>();
        private readonly List<ConfigDiagnostic> diagnostics = new List<ConfigDiagnostic>();
        private readonly HashSet<string> reported = new HashSet<string>();
        private readonly List<ClientDirective> directives = new List<ClientDirective>();
        private readonly HashSet<(string File, int Line)> directiveLines = new HashSet<(string, int)>();
        private readonly HashSet<ConfigSource> activeLines = new HashSet<ConfigSource>();
        private readonly Dictionary<ConfigSource, UnappliedSetting> unapplied = new Dictionary<ConfigSource, UnappliedSetting>();
        private string? firstPassHost;
        private string finalHost = string.Empty;
        private string? ignoredUnknown;

        public ClientResolutionRun(ClientConfigResolver resolver, SshTarget target, ClientResolveOptions options, IEnumerable<ConfigDiagnostic> loadDiagnostics)
        {
            this.resolver = resolver;
            this.target = target;
            this.options = options;
            matcher = new ClientMatchEvaluator(this);
            foreach (ConfigDiagnostic diagnostic in loadDiagnostics)
            {
                Report(diagnostic);
            }
        }

        /// <summary>Host name that Host lines match: the destination as typed, then the final host name.</summary>
        internal string HostForHostLines { get; private set; } = string.Empty;

        internal bool FinalPass { get; private set; }

        internal bool WantFinalPass { get; set; }

        internal SshTarget Target => target;

        internal ClientEnvironment Environment => resolver.Environment;

        internal ClientResolveOptions Options => options;

        /// <summary>The remote user as known so far (destination, then config, then local user).</summary>
        internal string CurrentUser => target.User ?? (slots.TryGetValue(ClientKeyword.User, out Slot? user) ? (string)user.Value! : Environment.LocalUser);

        internal int CurrentPort => target.Port ?? (slots.TryGetValue(ClientKeyword.Port, out Slot? port) ? (int)port.Value! : 22);

        /// <summary>The host Match host tests: in the first pass HostName so far with %h expanded, in the final pass the final host name.</summary>
        internal string CurrentHost(ConfigSource source)
        {
            if (!slots.TryGetValue(ClientKeyword.HostName, out Slot? hostName))
            {
                return target.Host;
            }

            if (FinalPass)
            {
                return (string)hostName.Value!;
            }

            // HostName is set at most once in the first pass, so its expansion can be kept.
            return firstPassHost ??= ExpandHostName((string)hostName.Value!, source) ?? target.Host;
        }

        /// <summary>Resolves every target, each as <see cref="ClientConfigResolver.Resolve(SshTarget, ClientResolveOptions)"/> alone would.</summary>
        public static IReadOnlyList<ClientResolution> RunAll(ClientConfigResolver resolver, IReadOnlyList<SshTarget> targets, ClientResolveOptions options, IReadOnlyList<ConfigDiagnostic> loadDiagnostics)
        {
            var runs = targets.Select(t => new ClientResolutionRun(resolver, t, options, loadDiagnostics)).ToList();
            foreach (ClientResolutionRun run in runs)
            {
                run.HostForHostLines = run.target.Host;
            }

            ReadAllFiles(resolver, runs);
            var final = runs.Where(r => r.PrepareFinalPass()).ToList();
            if (final.Count > 0)
            {
                ReadAllFiles(resolver, final);
            }

            return runs.Select(r => new ClientResolution(r.target, ClientKeyword.All.Select(r.Effective).ToList(), r.diagnostics, r.NotApplied(), r.directives, r.FinalTokens(r.finalHost))).ToList();
        }

        // A line skipped in one pass but read in the other is not unapplied for that reason.
        private IReadOnlyList<UnappliedSetting> NotApplied() =>
            unapplied.Values.Where(u => u.Reason == UnappliedReason.EarlierValueWins || !activeLines.Contains(u.Source)).ToList();

        // After the first pass: the host name is final; true when the files are to be read again with it.
        private bool PrepareFinalPass()
        {
            string host = FinalHostName();
            // ssh fills in the canonicalisation defaults before the final pass, so that pass cannot set them.
            if (!slots.ContainsKey(ClientKeyword.CanonicalizeHostname))
            {
                slots[ClientKeyword.CanonicalizeHostname] = new Slot("false", null, null);
            }

            Slot canonical = slots[ClientKeyword.CanonicalizeHostname];
            bool canonicalize = (string)canonical.Value! != "false";
            if (canonicalize)
            {
                Report(ConfigDiagnostic.Warning("CanonicalizeHostname is on: DNS canonicalisation is not performed here; the host name is used as given", canonical.Source));
            }

            bool finalPass = WantFinalPass || canonicalize;
            SetHostName(host);
            finalHost = host;
            if (finalPass)
            {
                FinalPass = true;
                HostForHostLines = host;
            }

            return finalPass;
        }

        internal void Report(ConfigDiagnostic diagnostic)
        {
            if (reported.Add(diagnostic.ToString()))
            {
                diagnostics.Add(diagnostic);
            }
        }

        internal Dictionary<char, string> PercentTokens(string host, string user, int port)
        {
            string localHost = Environment.LocalHostName;
            string portText = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return new Dictionary<char, string>
            {
                ['C'] = ConnectionHash(localHost + host + portText + user),
                ['L'] = localHost.Split('.')[0],
                ['i'] = Environment.UserId,
                ['k'] = target.Host,
                ['l'] = localHost,
                ['n'] = target.Host,
                ['p'] = portText,
                ['d'] = Environment.HomeDirectory,
                ['h'] = host,
                ['r'] = user,
                ['u'] = Environment.LocalUser,
            };
        }

        // The tokens of the connection as ssh expands IdentityFile and most other keywords with them: %k is
        // HostKeyAlias when set, %r and %p the final user and port.
        private Dictionary<char, string> FinalTokens(string host)
        {
            Dictionary<char, string> tokens = PercentTokens(host, CurrentUser, CurrentPort);
            ClientDirective? alias = directives.FirstOrDefault(d => string.Equals(d.Keyword, "HostKeyAlias", System.StringComparison.OrdinalIgnoreCase));
            if (alias != null && alias.Arguments.Count > 0)
            {
                tokens['k'] = alias.Arguments[0].ToLowerInvariant();
            }

            return tokens;
        }

        private static void ReadAllFiles(ClientConfigResolver resolver, IReadOnlyList<ClientResolutionRun> runs)
        {
            foreach (ClientConfigFile file in resolver.CompiledFiles)
            {
                bool[] active = runs.Select(_ => true).ToArray();
                Read(resolver.Environment.OpenSshVersion, file, runs, active, new bool[runs.Count]);
            }
        }

        // Include in an inactive block still reads the file (its errors count) but nothing in it can match;
        // an included file's Host/Match lines do not change the including block's state. Each run has its own
        // block state (active) and its own "nothing can match" (neverMatch).
        private static void Read(OpenSshVersion? version, ClientConfigFile file, IReadOnlyList<ClientResolutionRun> runs, bool[] active, bool[] neverMatch)
        {
            ConfigDocument document = file.Document;
            foreach (ClientConfigFile.Segment segment in file.Segments)
            {
                ClientConfigLine[] lines = segment.Lines;
                for (int i = segment.Start; i < segment.End; i++)
                {
                    ref readonly ClientConfigLine line = ref lines[i];
                    int number = segment.NumberAt(i);
                    string? refusal = line.Error == null && line.Line.Keyword != null && OpenSshReleases.SplitsLinesTheOldWay(version)
                        ? OpenSshReleases.LineSplittingRefusal(OpenSshProgram.Client, line.Line.Keyword, line.Line.TextAfterSeparator, line.Line.Arguments.Count, version)
                        : null;
                    if (line.Error != null || refusal != null || line.Included == null)
                    {
                        for (int r = 0; r < runs.Count; r++)
                        {
                            runs[r].Read(line, refusal, document, number, ref active[r], neverMatch[r]);
                        }

                        continue;
                    }

                    bool[] outer = (bool[])active.Clone();
                    foreach (ClientConfigFile included in line.Included)
                    {
                        Read(version, included, runs, active, neverMatch.Select((never, r) => never || !outer[r]).ToArray());
                        Array.Copy(outer, active, outer.Length);
                    }
                }
            }
        }

        // Any line but an Include without problems (see the static Read).
        private void Read(in ClientConfigLine line, string? refusal, ConfigDocument document, int number, ref bool active, bool neverMatch)
        {
            if (line.Error != null)
            {
                Report(ConfigDiagnostic.Error(line.Error, document.SourceOf(number)));
            }
            else if (refusal != null)
            {
                Report(ConfigDiagnostic.Error(refusal, document.SourceOf(number)));
            }
            else if (line.IsHost)
            {
                bool matched = matcher.EvaluateHost(line, document, number);
                active = matched && !neverMatch;
            }
            else if (line.IsMatch)
            {
                bool? matched = matcher.EvaluateMatch(line.MatchCriteria, document.SourceOf(number));
                if (matched.HasValue)
                {
                    active = matched.Value && !neverMatch;
                }
            }
            else if (line.IgnoreUnknownPatterns != null)
            {
                ignoredUnknown ??= active ? line.IgnoreUnknownPatterns : null;
            }
            else if (line.IsUnknown || !OpenSshReleases.AcceptsKeyword(OpenSshProgram.Client, line.Line.Keyword!, Environment.OpenSshVersion))
            {
                if (ignoredUnknown == null || OpenSshPattern.MatchList(line.Line.Keyword!.ToLowerInvariant(), ignoredUnknown, lowercasePatterns: true) != 1)
                {
                    // The ssh of a known release refuses the file, as we do, and so do sessions (they connect with this
                    // machine's rules); otherwise a newer ssh than any we know might accept it, so this is only a warning.
                    Report(Environment.OpenSshVersion is OpenSshVersion version
                        ? ConfigDiagnostic.Error($"Bad configuration option: {ShownKeyword(line.Line.Keyword!)} ({OpenSshReleases.RefusalReason(OpenSshProgram.Client, line.Line.Keyword!, version)}); IgnoreUnknown can allow it", document.SourceOf(number), ConfigProblem.UnknownKeyword)
                        : options.UnknownKeywordsAreErrors
                        ? ConfigDiagnostic.Error($"Bad configuration option: {ShownKeyword(line.Line.Keyword!)} (ssh refuses the file; IgnoreUnknown can allow it)", document.SourceOf(number), ConfigProblem.UnknownKeyword)
                        : ConfigDiagnostic.Warning(UnknownKeywordMessage(line.Line.Keyword!), document.SourceOf(number), ConfigProblem.UnknownKeyword));
                }
            }
            else if (line.OtherKeyword != null)
            {
                // The final pass reads the same lines again: each is recorded once, where it was first active.
                if (active && directiveLines.Add((document.Path, number)))
                {
                    directives.Add(new ClientDirective(line.OtherKeyword, line.Line.Arguments, line.Line.TextAfterSeparator.TrimEnd(), document.SourceOf(number)));
                }
            }
            else if (line.Keyword != null && active && !line.IsNone)
            {
                Apply(line, document.SourceOf(number));
            }
            else if (line.Keyword != null && !line.IsNone && !line.Keyword.Accumulates && options.RecordUnapplied)
            {
                ConfigSource source = document.SourceOf(number);
                if (!unapplied.ContainsKey(source))
                {
                    unapplied[source] = new UnappliedSetting(line.Keyword.Name, line.Value, line.Line.ArgumentText, source, UnappliedReason.BlockDoesNotMatch, null);
                }
            }
        }

        // ssh's own words first (it prints the keyword lowercased); a byte order mark, which ssh reads as part of
        // the first keyword, is shown as ssh shows it and explained.
        private static string UnknownKeywordMessage(string keyword) =>
            $"Bad configuration option: {ShownKeyword(keyword)} " + (HasByteOrderMark(keyword)
                ? "(the file starts with a UTF-8 byte order mark, which ssh reads as part of the keyword: save it without one)"
                : $"(unknown keyword {keyword}: an ssh that does not know it refuses the file; IgnoreUnknown can allow it)");

        private static string ShownKeyword(string keyword) =>
            HasByteOrderMark(keyword) ? "\\357\\273\\277" + keyword.Substring(1).ToLowerInvariant() : keyword.ToLowerInvariant();

        private static bool HasByteOrderMark(string keyword) => keyword.Length > 0 && keyword[0] == '\uFEFF';

        private void Apply(in ClientConfigLine line, ConfigSource source)
        {
            ClientKeyword keyword = line.Keyword!;
            if (!keyword.Accumulates)
            {
                if (!slots.TryGetValue(keyword, out Slot? winner))
                {
                    slots[keyword] = new Slot(line.Value, source, line.Line.ArgumentText);
                }
                else if (options.RecordUnapplied && !source.Equals(winner.Source))
                {
                    unapplied[source] = new UnappliedSetting(keyword.Name, line.Value, line.Line.ArgumentText, source, UnappliedReason.EarlierValueWins, winner.Source);
                }

                if (options.RecordUnapplied)
                {
                    activeLines.Add(source);
                }

                return;
            }

            // IdentityFile: every active line adds its file once (ssh skips a file already listed).
            string path = (string)line.Value!;
            if (!slots.TryGetValue(keyword, out Slot? slot))
            {
                slots[keyword] = new Slot(new List<string> { path }, source, line.Line.ArgumentText);
            }
            else if (!((List<string>)slot.Value!).Contains(path))
            {
                ((List<string>)slot.Value!).Add(path);
                slot.Sources.Add(source);
            }
        }

        private string FinalHostName()
        {
            string host = target.Host;
            if (slots.TryGetValue(ClientKeyword.HostName, out Slot? hostName))
            {
                host = ExpandHostName((string)hostName.Value!, hostName.Source) ?? host;
            }

            return IsAddress(host) ? host : host.ToLowerInvariant();
        }

        private void SetHostName(string host)
        {
            if (slots.TryGetValue(ClientKeyword.HostName, out Slot? hostName))
            {
                slots[ClientKeyword.HostName] = new Slot(host, hostName.Source, hostName.RawText);
            }
            else
            {
                slots[ClientKeyword.HostName] = new Slot(host, null, null);
            }
        }

        private string? ExpandHostName(string hostName, ConfigSource? source)
        {
            string? expanded = PercentExpander.Expand(hostName, new Dictionary<char, string> { ['h'] = target.Host }, out string? error);
            if (error != null)
            {
                Report(ConfigDiagnostic.Error("HostName: " + error, source));
            }

            return expanded;
        }

        private EffectiveSetting Effective(ClientKeyword keyword)
        {
            if (keyword == ClientKeyword.User && target.User != null)
            {
                return new EffectiveSetting(keyword.Name, target.User, SettingOrigin.CommandLine, new ConfigSource[0], null);
            }

            if (keyword == ClientKeyword.Port && target.Port != null)
            {
                return new EffectiveSetting(keyword.Name, target.Port, SettingOrigin.CommandLine, new ConfigSource[0], null);
            }

            if (slots.TryGetValue(keyword, out Slot? slot) && slot.Source != null)
            {
                object? value = keyword == ClientKeyword.UserKnownHostsFile ? ExpandKnownHostsFiles((string[])slot.Value!, slot.Source) : slot.Value;
                if (keyword == ClientKeyword.ChannelTimeout && IsNone(value))
                {
                    value = null;
                }

                return new EffectiveSetting(keyword.Name, value is List<string> list ? list.ToArray() : value, SettingOrigin.ConfigFile, slot.Sources, slot.RawText);
            }

            return new EffectiveSetting(keyword.Name, DefaultValue(keyword), SettingOrigin.Default, new ConfigSource[0], null);
        }

        private object? DefaultValue(ClientKeyword keyword)
        {
            if (keyword == ClientKeyword.ServerAliveInterval) return 0;
            if (keyword == ClientKeyword.ServerAliveCountMax) return 3;
            if (keyword == ClientKeyword.TCPKeepAlive) return true;
            if (keyword == ClientKeyword.ConnectionAttempts) return 1;
            if (keyword == ClientKeyword.HostName) return slots[ClientKeyword.HostName].Value;
            if (keyword == ClientKeyword.Port) return 22;
            if (keyword == ClientKeyword.User) return Environment.LocalUser;
            if (keyword == ClientKeyword.StrictHostKeyChecking) return "ask";
            if (keyword == ClientKeyword.CanonicalizeHostname) return "false";
            if (keyword == ClientKeyword.IdentityFile)
            {
                return OpenSshReleases.DefaultIdentityFiles(Environment.OpenSshVersion).ToArray();
            }

            if (keyword == ClientKeyword.UserKnownHostsFile)
            {
                return ExpandKnownHostsFiles(new[] { "~/.ssh/known_hosts", "~/.ssh/known_hosts2" }, null);
            }

            return null; // ConnectTimeout, ChannelTimeout: none
        }

        // ssh expands '~' and %-tokens in UserKnownHostsFile before printing or using it.
        private string[] ExpandKnownHostsFiles(string[] files, ConfigSource? source)
        {
            if (IsNone(files))
            {
                return files;
            }

            Dictionary<char, string>? tokens = files.Any(f => f.IndexOf('%') >= 0)
                ? PercentTokens((string)slots[ClientKeyword.HostName].Value!, CurrentUser, CurrentPort)
                : null;
            return files.Select(f =>
            {
                string path = f == "~" || f.StartsWith("~/", System.StringComparison.Ordinal) ? Environment.HomeDirectory + f.Substring(1) : f;
                if (tokens == null)
                {
                    return path;
                }

                string? expanded = PercentExpander.Expand(path, tokens, out string? error);
                if (error != null)
                {
                    Report(ConfigDiagnostic.Error("UserKnownHostsFile: " + error, source));
                }

                return expanded ?? path;
            }).ToArray();
        }

        private static bool IsNone(object? value) => value is string[] list && list.Length == 1 && list[0].Equals("none", System.StringComparison.OrdinalIgnoreCase);

        private static bool IsAddress(string host) => host.IndexOfAny(new[] { ':', '.' }) >= 0 && IPAddress.TryParse(host, out _);

        private static string ConnectionHash(string text)
        {
            using var sha1 = SHA1.Create();
            return string.Concat(sha1.ComputeHash(Encoding.UTF8.GetBytes(text)).Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        }

        private sealed class Slot
        {
            public Slot(object? value, ConfigSource? source, string? rawText)
            {
                Value = value;
                RawText = rawText;
                if (source != null)
                {
                    Sources.Add(source);
                }
            }

            public object? Value { get; }

            public string? RawText { get; }

            public List<ConfigSource> Sources { get; } = new List<ConfigSource>();

            public ConfigSource? Source => Sources.Count > 0 ? Sources[0] : null;
        }
    }
}
