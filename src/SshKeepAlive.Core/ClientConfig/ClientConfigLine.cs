using System;
using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.ConfigDocuments;

namespace SshKeepAlive.Core.ClientConfig
{
    /// <summary>
    /// What a client config line means, worked out once per load so each resolution only evaluates. It holds
    /// nothing of where the line is (its file's <see cref="ClientConfigFile"/> does), so an edited file keeps
    /// the compiled lines of every line the edit did not change.
    /// </summary>
    internal sealed class ClientConfigLine
    {
        private static readonly IReadOnlyList<string> NoCriteria = new string[0];

        private readonly Role role;

        // Match: the criteria; Include: the files; IgnoreUnknown: the patterns; a reported keyword: its value.
        private readonly object? payload;

        private ClientConfigLine(ConfigLine line, Role role, object? payload, string? error, ClientKeyword? keyword = null, bool isNone = false)
        {
            Line = line;
            this.role = role;
            this.payload = payload;
            Error = error;
            Keyword = keyword;
            IsNone = isNone;
        }

        public ConfigLine Line { get; }

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

            /// <summary>Known to ssh but not reported here: nothing to evaluate.</summary>
            Ignored,
        }

        internal static Role RoleOf(string keyword) =>
            string.Equals(keyword, "Host", StringComparison.OrdinalIgnoreCase) ? Role.Host
            : string.Equals(keyword, "Match", StringComparison.OrdinalIgnoreCase) ? Role.Match
            : string.Equals(keyword, "Include", StringComparison.OrdinalIgnoreCase) ? Role.Include
            : string.Equals(keyword, "IgnoreUnknown", StringComparison.OrdinalIgnoreCase) ? Role.IgnoreUnknown
            : !ClientKeywordNames.IsKnown(keyword) ? Role.Unknown
            : ClientKeyword.Find(keyword) != null ? Role.Reported
            : Role.Ignored;

        /// <summary>Compiles a line other than an Include (see <see cref="Include"/>).</summary>
        public static ClientConfigLine Compile(ConfigLine line, Role role, ClientKeyword? reported = null)
        {
            if (line.Error != null)
            {
                return new ClientConfigLine(line, Role.Ignored, null, line.Error);
            }

            switch (role)
            {
                case Role.Match:
                    return new ClientConfigLine(line, role, line.MatchCriteria(), null);
                case Role.IgnoreUnknown:
                    return new ClientConfigLine(line, role, line.Value, null);
                case Role.Reported:
                    ClientKeyword keyword = reported!;
                    object? value = keyword.Parse(line.Arguments, out bool isNone, out string? error);
                    return new ClientConfigLine(line, role, value, error, keyword, isNone);
                default:
                    return new ClientConfigLine(line, role, null, null);
            }
        }

        /// <summary>An Include line with the files it includes, compiled.</summary>
        public static ClientConfigLine Include(ConfigLine line, IReadOnlyList<ClientConfigFile> included) => new ClientConfigLine(line, Role.Include, included, null);
    }

    /// <summary>
    /// A loaded client config file with its directive lines compiled (see <see cref="ClientConfigLine"/>), each
    /// with its line number. A file edited from one already compiled takes over the compiled lines the edit kept.
    /// </summary>
    internal sealed class ClientConfigFile
    {
        private readonly ClientConfigLine[] lines;
        private readonly int[] numbers;

        private ClientConfigFile(ConfigDocument document, ClientConfigLine[] lines, int[] numbers)
        {
            Document = document;
            this.lines = lines;
            this.numbers = numbers;
        }

        /// <summary>The document compiled.</summary>
        public ConfigDocument Document { get; }

        /// <summary>The number of compiled lines.</summary>
        public int Count => lines.Length;

        public ClientConfigLine this[int index] => lines[index];

        /// <summary>The file:line of the compiled line at <paramref name="index"/>.</summary>
        public ConfigSource SourceAt(int index) => Document.SourceOf(numbers[index]);

        /// <summary>
        /// Compiles the lines the resolver evaluates: errors, Host, Match, Include, IgnoreUnknown, unknown keywords
        /// and the keywords it reports (a known keyword it does not report changes nothing a resolution sees).
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
            var builder = new Builder(file, original);
            foreach (LineRun run in runs)
            {
                if (run.IsKept)
                {
                    builder.Keep(run);
                }
                else
                {
                    builder.CompileLines(run.First, run.First + run.Count);
                }
            }

            return builder.ToFile();
        }

        // The same document, and (recursively) the same files included: nothing to compile again.
        private static bool IsUnchanged(LoadedConfig file, ClientConfigFile original)
        {
            if (!ReferenceEquals(file.Document, original.Document))
            {
                return false;
            }

            for (int i = 0; i < original.lines.Length; i++)
            {
                IReadOnlyList<ClientConfigFile>? included = original.lines[i].Included;
                if (included == null)
                {
                    continue;
                }

                IReadOnlyList<LoadedConfig> files = file.IncludesAt(original.numbers[i])?.Files ?? new LoadedConfig[0];
                if (files.Count != included.Count || files.Where((f, j) => !IsUnchanged(f, included[j])).Any())
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The compiled lines of a file, in order, put together from lines kept and lines compiled.</summary>
        private sealed class Builder
        {
            private readonly LoadedConfig file;
            private readonly ClientConfigFile? original;
            private readonly List<ClientConfigLine> lines;
            private readonly List<int> numbers;

            // Lines of a file share their keyword strings, so each distinct one is classified once.
            private readonly Dictionary<string, KeyValuePair<ClientConfigLine.Role, ClientKeyword?>> roles = new Dictionary<string, KeyValuePair<ClientConfigLine.Role, ClientKeyword?>>(StringComparer.Ordinal);

            public Builder(LoadedConfig file, ClientConfigFile? original)
            {
                this.file = file;
                this.original = original;
                int expected = original?.Count ?? file.Document.Lines.Count;
                lines = new List<ClientConfigLine>(expected + 16);
                numbers = new List<int>(expected + 16);
            }

            public ClientConfigFile ToFile() => new ClientConfigFile(file.Document, lines.ToArray(), numbers.ToArray());

            /// <summary>Takes over the original's compiled lines of a run the edit kept, renumbered.</summary>
            public void Keep(LineRun run)
            {
                ClientConfigFile from = original!;
                int shift = run.First - run.OriginalFirst;
                int end = run.OriginalFirst + run.Count;
                for (int i = FirstAtOrAfter(from.numbers, run.OriginalFirst); i < from.numbers.Length && from.numbers[i] < end; i++)
                {
                    ClientConfigLine line = from.lines[i];
                    int number = from.numbers[i] + shift;
                    if (line.Included != null)
                    {
                        // The included files may have been edited: compiled again from theirs.
                        IReadOnlyList<LoadedConfig> files = file.IncludesAt(number)?.Files ?? new LoadedConfig[0];
                        line = ClientConfigLine.Include(line.Line, files.Select((f, j) => Compile(f, j < line.Included.Count ? line.Included[j] : null)).ToList());
                    }

                    Add(line, number);
                }
            }

            /// <summary>Compiles the lines numbered from <paramref name="first"/> up to (not including) <paramref name="end"/>.</summary>
            public void CompileLines(int first, int end)
            {
                IReadOnlyList<ConfigLine> all = file.Document.Lines;
                for (int number = first; number < end; number++)
                {
                    ConfigLine line = all[number - 1];
                    if (line.Error != null)
                    {
                        Add(ClientConfigLine.Compile(line, ClientConfigLine.Role.Ignored), number);
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
                        Add(ClientConfigLine.Include(line, files.Select(f => Compile(f, null)).ToList()), number);
                    }
                    else if (role.Key != ClientConfigLine.Role.Ignored)
                    {
                        Add(ClientConfigLine.Compile(line, role.Key, role.Value), number);
                    }
                }
            }

            private void Add(ClientConfigLine line, int number)
            {
                lines.Add(line);
                numbers.Add(number);
            }

            private static int FirstAtOrAfter(int[] sorted, int number)
            {
                int index = Array.BinarySearch(sorted, number);
                return index >= 0 ? index : ~index;
            }
        }
    }
}
