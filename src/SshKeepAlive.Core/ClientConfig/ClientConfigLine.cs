using System;
using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.ConfigDocuments;

namespace SshKeepAlive.Core.ClientConfig
{
    /// <summary>
    /// What a client config line means, worked out once per load so each resolution only evaluates. A value,
    /// not an object: a file of millions of lines is compiled into one array, not millions of objects.
    /// </summary>
    internal readonly struct ClientConfigLine
    {
        private static readonly IReadOnlyList<string> NoCriteria = new string[0];

        private readonly Role role;

        // Match: the criteria; Include: the files; IgnoreUnknown: the patterns; a reported keyword: its value;
        // another known keyword: its canonical spelling.
        private readonly object? payload;

        private ClientConfigLine(ConfigLine line, int number, Role role, object? payload, string? error, ClientKeyword? keyword = null, bool isNone = false)
        {
            Line = line;
            Number = number;
            this.role = role;
            this.payload = payload;
            Error = error;
            Keyword = keyword;
            IsNone = isNone;
        }

        public ConfigLine Line { get; }

        /// <summary>The line's number in the document it was compiled from (see <see cref="ClientConfigFile.Segment.Shift"/>).</summary>
        public int Number { get; }

        /// <summary>A syntax or value error OpenSSH would refuse the file for; reported whether or not the line is active.</summary>
        public string? Error { get; }

        public bool IsHost => role == Role.Host;

        public bool IsMatch => role == Role.Match;

        /// <summary>Match criteria as OpenSSH splits them.</summary>
        public IReadOnlyList<string> MatchCriteria => role == Role.Match ? (IReadOnlyList<string>)payload! : NoCriteria;

        /// <summary>For Include lines: the files included, each compiled; null for other lines.</summary>
        public IReadOnlyList<ClientConfigFile>? Included => role == Role.Include ? (IReadOnlyList<ClientConfigFile>)payload! : null;

        /// <summary>A keyword ssh_config does not know (ssh refuses it unless IgnoreUnknown covers it).</summary>
        public bool IsUnknown => role == Role.Unknown;

        /// <summary>For IgnoreUnknown lines: the pattern list.</summary>
        public string? IgnoreUnknownPatterns => role == Role.IgnoreUnknown ? (string?)payload : null;

        /// <summary>A known keyword the resolver does not report (canonical spelling): the line becomes a <see cref="ClientDirective"/>.</summary>
        public string? OtherKeyword => role == Role.Other ? (string?)payload : null;

        /// <summary>The reported keyword this line sets, if any.</summary>
        public ClientKeyword? Keyword { get; }

        public object? Value => role == Role.Reported ? payload : null;

        /// <summary>A time "none": accepted, but sets nothing.</summary>
        public bool IsNone { get; }

        /// <summary>What a keyword is to the resolver, worked out once per distinct keyword string of a file.</summary>
        internal enum Role : byte
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

        /// <summary>Compiles line <paramref name="number"/>, other than an Include (see <see cref="Include"/>).</summary>
        public static ClientConfigLine Compile(ConfigLine line, int number, Role role, ClientKeyword? reported = null)
        {
            if (line.Error != null)
            {
                return new ClientConfigLine(line, number, Role.Ignored, null, line.Error);
            }

            switch (role)
            {
                case Role.Match:
                    return new ClientConfigLine(line, number, role, line.MatchCriteria(), null);
                case Role.IgnoreUnknown:
                    return new ClientConfigLine(line, number, role, line.Value, null);
                case Role.Reported:
                    ClientKeyword keyword = reported!;
                    object? value = keyword.Parse(line.Arguments, out bool isNone, out string? error);
                    return new ClientConfigLine(line, number, role, value, error, keyword, isNone);
                case Role.Other:
                    string other = ClientKeywordNames.Canonical(line.Keyword!)!;
                    string? problem = ClientKeywordSyntax.Check(other, line.Arguments, line.TextAfterSeparator.TrimEnd());
                    return new ClientConfigLine(line, number, role, other, problem == null || problem.IndexOf(other, StringComparison.OrdinalIgnoreCase) >= 0 ? problem : other + ": " + problem);
                default:
                    return new ClientConfigLine(line, number, role, null, null);
            }
        }

        /// <summary>An Include line with the files it includes, compiled.</summary>
        public static ClientConfigLine Include(ConfigLine line, int number, IReadOnlyList<ClientConfigFile> included) => new ClientConfigLine(line, number, Role.Include, included, null);
    }

    /// <summary>
    /// A loaded client config file with its directive lines compiled (see <see cref="ClientConfigLine"/>), in order,
    /// as segments of arrays. A file compiled afresh is one segment; a file edited from one already compiled is
    /// made of segments of the original's array (the lines the edit kept, renumbered) and of the lines it wrote,
    /// so an edit of a large file costs the size of the edit, not of the file.
    /// </summary>
    internal sealed class ClientConfigFile
    {
        private ClientConfigFile(ConfigDocument document, IReadOnlyList<Segment> segments)
        {
            Document = document;
            Segments = segments;
        }

        /// <summary>The document compiled.</summary>
        public ConfigDocument Document { get; }

        public IReadOnlyList<Segment> Segments { get; }

        /// <summary>
        /// Compiles every directive and error line: Host, Match, Include, IgnoreUnknown, unknown keywords, the keywords
        /// the resolver reports, and the others ssh knows (their values are checked as ssh checks them, and sessions
        /// read them as directives).
        /// </summary>
        public static ClientConfigFile Compile(LoadedConfig file) => Compile(file, null);

        /// <summary>
        /// Compiles <paramref name="file"/>, an edit of the file <paramref name="original"/> was compiled from
        /// (<see cref="LoadedConfig.EditedFrom"/>): the lines the edit kept keep their compiled form, only the lines
        /// it wrote are compiled, and a file the edit left alone (with everything it includes) is
        /// <paramref name="original"/> itself.
        /// </summary>
        public static ClientConfigFile Compile(LoadedConfig file, ClientConfigFile? original)
        {
            if (original != null && IsUnchanged(file, original))
            {
                return original;
            }

            ConfigDocument document = file.Document;
            IReadOnlyList<LineRun> runs = original == null ? new[] { new LineRun(1, 0, document.Lines.Count) }
                : ReferenceEquals(document, original.Document) ? new[] { new LineRun(1, 1, document.Lines.Count) }
                : document.Origin != null && ReferenceEquals(document.Origin.Document, original.Document) ? document.Origin.Runs
                : new[] { new LineRun(1, 0, document.Lines.Count) };
            var builder = new Builder(file);
            foreach (LineRun run in runs)
            {
                if (run.IsKept)
                {
                    builder.Keep(original!, run);
                }
                else
                {
                    builder.CompileLines(run.First, run.First + run.Count);
                }
            }

            return new ClientConfigFile(document, builder.Segments);
        }

        // The same document, and (recursively) the same files included: nothing to compile again.
        private static bool IsUnchanged(LoadedConfig file, ClientConfigFile original)
        {
            if (!ReferenceEquals(file.Document, original.Document))
            {
                return false;
            }

            foreach (Segment segment in original.Segments)
            {
                for (int i = segment.Start; i < segment.End; i++)
                {
                    IReadOnlyList<ClientConfigFile>? included = segment.Lines[i].Included;
                    if (included == null)
                    {
                        continue;
                    }

                    IReadOnlyList<LoadedConfig> files = file.IncludesAt(segment.NumberAt(i))?.Files ?? new LoadedConfig[0];
                    if (files.Count != included.Count || files.Where((f, j) => !IsUnchanged(f, included[j])).Any())
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        /// <summary>Consecutive compiled lines: <see cref="Lines"/> from <see cref="Start"/> up to <see cref="End"/>.</summary>
        internal readonly struct Segment
        {
            public Segment(ClientConfigLine[] lines, int start, int end, int shift)
            {
                Lines = lines;
                Start = start;
                End = end;
                Shift = shift;
            }

            public ClientConfigLine[] Lines { get; }

            public int Start { get; }

            public int End { get; }

            /// <summary>What to add to a line's <see cref="ClientConfigLine.Number"/> for its number in this file (an edit moved it).</summary>
            public int Shift { get; }

            public int NumberAt(int index) => Lines[index].Number + Shift;
        }

        /// <summary>The segments of a file, in order, put together from lines kept and lines compiled.</summary>
        private sealed class Builder
        {
            private readonly LoadedConfig file;

            // Lines of a file share their keyword strings, so each distinct one is classified once.
            private readonly Dictionary<string, KeyValuePair<ClientConfigLine.Role, ClientKeyword?>> roles = new Dictionary<string, KeyValuePair<ClientConfigLine.Role, ClientKeyword?>>(StringComparer.Ordinal);

            public Builder(LoadedConfig file) => this.file = file;

            public List<Segment> Segments { get; } = new List<Segment>();

            /// <summary>Takes over the original's compiled lines of a run the edit kept, renumbered.</summary>
            public void Keep(ClientConfigFile original, LineRun run)
            {
                int shift = run.First - run.OriginalFirst;
                int end = run.OriginalFirst + run.Count;
                foreach (Segment segment in original.Segments)
                {
                    int from = Math.Max(segment.Start, FirstAtOrAfter(segment, run.OriginalFirst));
                    int to = from;
                    while (to < segment.End && segment.NumberAt(to) < end)
                    {
                        if (segment.Lines[to].Included is IReadOnlyList<ClientConfigFile> included)
                        {
                            // The included files may have been edited: compiled again from theirs.
                            AddSegment(segment.Lines, from, to, segment.Shift + shift);
                            ConfigLine line = segment.Lines[to].Line;
                            int number = segment.NumberAt(to) + shift;
                            IReadOnlyList<LoadedConfig> files = file.IncludesAt(number)?.Files ?? new LoadedConfig[0];
                            AddSegment(new[] { ClientConfigLine.Include(line, number, files.Select((f, j) => Compile(f, j < included.Count ? included[j] : null)).ToList()) }, 0, 1, 0);
                            from = to + 1;
                        }

                        to++;
                    }

                    AddSegment(segment.Lines, from, to, segment.Shift + shift);
                }
            }

            /// <summary>Compiles the lines numbered from <paramref name="first"/> up to (not including) <paramref name="end"/>.</summary>
            public void CompileLines(int first, int end)
            {
                IReadOnlyList<ConfigLine> all = file.Document.Lines;

                // At most one compiled line per directive: one array, never grown.
                int directives = 0;
                for (int number = first; number < end; number++)
                {
                    directives += all[number - 1].Keyword != null || all[number - 1].Error != null ? 1 : 0;
                }

                var compiled = new ClientConfigLine[directives];
                int count = 0;
                for (int number = first; number < end; number++)
                {
                    ConfigLine line = all[number - 1];
                    if (line.Error != null)
                    {
                        compiled[count++] = ClientConfigLine.Compile(line, number, ClientConfigLine.Role.Ignored);
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

                    if (role.Key == ClientConfigLine.Role.Include)
                    {
                        IReadOnlyList<LoadedConfig> files = file.IncludesAt(number)?.Files ?? new LoadedConfig[0];
                        compiled[count++] = ClientConfigLine.Include(line, number, files.Select(f => Compile(f, null)).ToList());
                    }
                    else if (role.Key != ClientConfigLine.Role.Ignored)
                    {
                        compiled[count++] = ClientConfigLine.Compile(line, number, role.Key, role.Value);
                    }
                }

                AddSegment(compiled, 0, count, 0);
            }

            private void AddSegment(ClientConfigLine[] lines, int start, int end, int shift)
            {
                if (end > start)
                {
                    Segments.Add(new Segment(lines, start, end, shift));
                }
            }

            // The first index of the segment whose line number is at least number (lines are in order).
            private static int FirstAtOrAfter(Segment segment, int number)
            {
                int low = segment.Start, high = segment.End;
                while (low < high)
                {
                    int middle = low + ((high - low) / 2);
                    if (segment.NumberAt(middle) < number)
                    {
                        low = middle + 1;
                    }
                    else
                    {
                        high = middle;
                    }
                }

                return low;
            }
        }
    }
}
