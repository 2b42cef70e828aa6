using System;
using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.ConfigDocuments;

namespace SshKeepAlive.Core.ClientConfig
{
    /// <summary>What a client config line means, worked out once per load so each resolution only evaluates.</summary>
    internal sealed class ClientConfigLine
    {
        // The file's path: the line's file:line is made when asked for (a report, a winning value), not per line.
        private readonly string path;

        private ClientConfigLine(ConfigLine line, string path)
        {
            Line = line;
            this.path = path;
        }

        public ConfigLine Line { get; }

        public ConfigSource Source => new ConfigSource(path, Line.LineNumber);

        /// <summary>A syntax or value error OpenSSH would refuse the file for; reported whether or not the line is active.</summary>
        public string? Error { get; private set; }

        public bool IsHost { get; private set; }

        public bool IsMatch { get; private set; }

        /// <summary>Match criteria as OpenSSH splits them.</summary>
        public IReadOnlyList<string> MatchCriteria { get; private set; } = new string[0];

        /// <summary>For Include lines: the files included, each compiled; null for other lines.</summary>
        public IReadOnlyList<ClientConfigFile>? Included { get; private set; }

        /// <summary>A keyword ssh_config does not know (ssh refuses it unless IgnoreUnknown covers it).</summary>
        public bool IsUnknown { get; private set; }

        /// <summary>For IgnoreUnknown lines: the pattern list.</summary>
        public string? IgnoreUnknownPatterns { get; private set; }

        /// <summary>A known keyword the resolver does not report (canonical spelling): the line becomes a <see cref="ClientDirective"/>.</summary>
        public string? OtherKeyword { get; private set; }

        /// <summary>The reported keyword this line sets, if any.</summary>
        public ClientKeyword? Keyword { get; private set; }

        public object? Value { get; private set; }

        /// <summary>A time "none": accepted, but sets nothing.</summary>
        public bool IsNone { get; private set; }

        /// <summary>What a keyword is to the resolver, worked out once per distinct keyword string of a file.</summary>
        internal enum Role
        {
            Host,
            Match,
            Include,
            IgnoreUnknown,
            Unknown,
            Reported,

            /// <summary>Known to ssh, not reported here: its value is checked and, when active, kept as a <see cref="ClientDirective"/>.</summary>
            Other,

            /// <summary>A line whose error is all there is to it.</summary>
            Ignored,
        }

        internal static Role RoleOf(string keyword) =>
            string.Equals(keyword, "Host", StringComparison.OrdinalIgnoreCase) ? Role.Host
            : string.Equals(keyword, "Match", StringComparison.OrdinalIgnoreCase) ? Role.Match
            : string.Equals(keyword, "Include", StringComparison.OrdinalIgnoreCase) ? Role.Include
            : string.Equals(keyword, "IgnoreUnknown", StringComparison.OrdinalIgnoreCase) ? Role.IgnoreUnknown
            : !ClientKeywordNames.IsKnown(keyword) ? Role.Unknown
            : ClientKeyword.Find(keyword) != null ? Role.Reported
            : Role.Other;

        public static ClientConfigLine Compile(LoadedConfig file, ConfigLine line, Role role, ClientKeyword? reported = null)
        {
            var compiled = new ClientConfigLine(line, file.Document.Path) { Error = line.Error };
            if (line.Error != null)
            {
                return compiled;
            }

            switch (role)
            {
                case Role.Host:
                    compiled.IsHost = true;
                    break;
                case Role.Match:
                    compiled.IsMatch = true;
                    compiled.MatchCriteria = line.MatchCriteria();
                    break;
                case Role.Include:
                    compiled.Included = (file.IncludesAt(line.LineNumber)?.Files ?? new LoadedConfig[0]).Select(ClientConfigFile.Compile).ToList();
                    break;
                case Role.IgnoreUnknown:
                    compiled.IgnoreUnknownPatterns = line.Value;
                    break;
                case Role.Unknown:
                    compiled.IsUnknown = true;
                    break;
                case Role.Reported:
                    ClientKeyword keyword = reported!;
                    compiled.Keyword = keyword;
                    compiled.Value = keyword.Parse(line.Arguments, out bool isNone, out string? error);
                    compiled.IsNone = isNone;
                    compiled.Error = error;
                    break;
                case Role.Other:
                    compiled.OtherKeyword = ClientKeywordNames.Canonical(line.Keyword!);
                    string? problem = ClientKeywordSyntax.Check(compiled.OtherKeyword!, line.Arguments, line.TextAfterSeparator.TrimEnd());
                    compiled.Error = problem == null || problem.IndexOf(compiled.OtherKeyword!, StringComparison.OrdinalIgnoreCase) >= 0 ? problem : compiled.OtherKeyword + ": " + problem;
                    break;
            }

            return compiled;
        }
    }

    /// <summary>A loaded client config file with its directive lines compiled (see <see cref="ClientConfigLine"/>).</summary>
    internal sealed class ClientConfigFile
    {
        private ClientConfigFile(IReadOnlyList<ClientConfigLine> lines)
        {
            Lines = lines;
        }

        public IReadOnlyList<ClientConfigLine> Lines { get; }

        /// <summary>
        /// Compiles every directive and error line: Host, Match, Include, IgnoreUnknown, unknown keywords, the keywords
        /// the resolver reports, and the others ssh knows (their values are checked as ssh checks them, and sessions
        /// read them as directives).
        /// </summary>
        public static ClientConfigFile Compile(LoadedConfig file) => new ClientConfigFile(CompileRange(file, 0, file.Document.Lines.Count));

        private static List<ClientConfigLine> CompileRange(LoadedConfig file, int from, int to)
        {
            IReadOnlyList<ConfigLine> all = file.Document.Lines;

            // Lines of a file share their keyword strings, so each distinct one is classified once.
            var roles = new Dictionary<string, KeyValuePair<ClientConfigLine.Role, ClientKeyword?>>(StringComparer.Ordinal);
            var lines = new List<ClientConfigLine>();
            for (int i = from; i < to; i++)
            {
                ConfigLine line = all[i];
                if (line.Error != null)
                {
                    lines.Add(ClientConfigLine.Compile(file, line, ClientConfigLine.Role.Ignored));
                    continue;
                }

                if (line.Keyword == null)
                {
                    continue;
                }

                if (!roles.TryGetValue(line.Keyword, out KeyValuePair<ClientConfigLine.Role, ClientKeyword?> role))
                {
                    ClientConfigLine.Role found = ClientConfigLine.RoleOf(line.Keyword);
                    roles[line.Keyword] = role = new KeyValuePair<ClientConfigLine.Role, ClientKeyword?>(found, found == ClientConfigLine.Role.Reported ? ClientKeyword.Find(line.Keyword) : null);
                }

                if (role.Key != ClientConfigLine.Role.Ignored)
                {
                    lines.Add(ClientConfigLine.Compile(file, line, role.Key, role.Value));
                }
            }

            return lines;
        }
    }
}
