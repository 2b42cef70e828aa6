using System;
using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.OpenSsh;

namespace SshKeepAlive.Core.Editing
{
    /// <summary>
    /// The Host/Match lines a directive is read under, outermost first: the block of the Include that led to its
    /// file (and so on up), then its own file's block. Every line of a block shares one chain.
    /// </summary>
    internal sealed class HeaderChain
    {
        public static readonly HeaderChain Global = new HeaderChain(null, null, null, 0);

        // Where the innermost header is: its file:line is made when asked for.
        private readonly ConfigDocument? document;
        private readonly int lineNumber;

        private HeaderChain(HeaderChain? outer, ConfigLine? header, ConfigDocument? document, int lineNumber)
        {
            Outer = outer;
            Header = header;
            this.document = document;
            this.lineNumber = lineNumber;
        }

        public HeaderChain? Outer { get; }

        /// <summary>The innermost Host/Match line; null for global lines.</summary>
        public ConfigLine? Header { get; }

        public ConfigSource? Source => document?.SourceOf(lineNumber);

        public bool IsGlobal => Header == null;

        /// <summary>Every header with its file:line, outermost first.</summary>
        public IReadOnlyList<KeyValuePair<ConfigLine, ConfigSource>> Headers
        {
            get
            {
                var headers = new List<KeyValuePair<ConfigLine, ConfigSource>>();
                for (HeaderChain? chain = this; chain != null && chain.Header != null; chain = chain.Outer)
                {
                    headers.Add(new KeyValuePair<ConfigLine, ConfigSource>(chain.Header, chain.Source!));
                }

                headers.Reverse();
                return headers;
            }
        }

        /// <summary>The chain of lines read under <paramref name="header"/>, line <paramref name="lineNumber"/> of <paramref name="document"/>, within this one.</summary>
        public HeaderChain Under(ConfigLine header, ConfigDocument document, int lineNumber) => new HeaderChain(this, header, document, lineNumber);

        /// <summary>True when every header of the chain passes <paramref name="test"/> (true for global lines).</summary>
        public bool All(Func<ConfigLine, bool> test)
        {
            for (HeaderChain? chain = this; chain != null && chain.Header != null; chain = chain.Outer)
            {
                if (!test(chain.Header))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>"Host db01 (config:4) / Match user x (common.conf:1)", for messages.</summary>
        public override string ToString() =>
            IsGlobal ? "global" : string.Join(" / ", Headers.Select(h => $"{h.Key.Text.Trim()} ({h.Value})"));
    }

    /// <summary>One reading of a directive: the same line is read once per Include that reaches its file.</summary>
    internal sealed class Placement
    {
        public Placement(int order, LoadedConfig file, ConfigLine line, int lineNumber, int anchor, HeaderChain chain)
        {
            Order = order;
            File = file;
            Line = line;
            LineNumber = lineNumber;
            Anchor = anchor;
            Chain = chain;
        }

        /// <summary>Position in reading order among the placements indexed.</summary>
        public int Order { get; }

        public LoadedConfig File { get; }

        public ConfigLine Line { get; }

        /// <summary>The line's number in its file.</summary>
        public int LineNumber { get; }

        /// <summary>The number of the line of the top file this directive is read at: itself, or the Include that leads to it.</summary>
        public int Anchor { get; }

        /// <summary>True when the directive is read through an Include of the top file (at <see cref="Anchor"/>).</summary>
        public bool IsIncluded => File.Depth > 0;

        public HeaderChain Chain { get; }

        /// <summary>The next placement of the same line (read through another Include), if any.</summary>
        public Placement? NextReading { get; set; }

        public ConfigSource Source => File.Document.SourceOf(LineNumber);

        /// <summary>The outermost Match line with an exec criterion the directive is under, if any.</summary>
        public ConfigSource? ExecHeaderSource
        {
            get
            {
                ConfigSource? found = null;
                for (HeaderChain? chain = Chain; chain != null && chain.Header != null; chain = chain.Outer)
                {
                    found = IsMatchExec(chain.Header) ? chain.Source : found;
                }

                return found;
            }
        }

        public static bool IsMatchExec(ConfigLine header) =>
            header.IsKeyword("Match") && header.Arguments.Any(a => a.TrimStart('!').StartsWith("exec", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Every placement of the directives an edit is about (one walk over the tree, linear in its size), looked
    /// up by file:line; and which of them belong to the edit's target alone.
    /// </summary>
    internal sealed class TreeIndex
    {
        // Per file, by line number, the first placement of the line (a line read through several Includes has several).
        private readonly Dictionary<string, Dictionary<int, Placement>> byFile = new Dictionary<string, Dictionary<int, Placement>>(StringComparer.Ordinal);
        private readonly List<Placement> placements = new List<Placement>();

        private TreeIndex(LoadedConfig tree) => Tree = tree;

        public LoadedConfig Tree { get; }

        /// <summary>The indexed placements in reading order.</summary>
        public IReadOnlyList<Placement> Placements => placements;

        /// <summary>Indexes every directive of <paramref name="tree"/> that <paramref name="wanted"/> picks.</summary>
        public static TreeIndex Of(LoadedConfig tree, Func<ConfigLine, bool> wanted)
        {
            var index = new TreeIndex(tree);
            index.Walk(tree, 0, HeaderChain.Global, wanted);
            return index;
        }

        /// <summary>Every placement of the line at <paramref name="source"/> (empty when it was not indexed).</summary>
        public IReadOnlyList<Placement> PlacementsOf(ConfigSource source)
        {
            var found = new List<Placement>(1);
            if (byFile.TryGetValue(source.Path, out Dictionary<int, Placement>? lines) && lines.TryGetValue(source.Line, out Placement? first))
            {
                for (Placement? placement = first; placement != null; placement = placement.NextReading)
                {
                    found.Add(placement);
                }
            }

            return found;
        }

        /// <summary>True when every placement of the line at <paramref name="source"/> is the target's own (see <see cref="IsOwnChain"/>).</summary>
        public bool IsOwned(ConfigSource source, EditRequest request)
        {
            IReadOnlyList<Placement> found = PlacementsOf(source);
            return found.Count > 0 && found.All(p => IsOwnChain(p.Chain, request));
        }

        /// <summary>
        /// True when a chain belongs to the target alone. Client: every header is "Host &lt;pattern&gt;" with that one
        /// pattern, compared case-sensitively as ssh matches host names (for every host: global lines, "Host *" and
        /// "Match all"). Server: global lines and "Match all" for the global settings; exactly the target's Match
        /// line for a Match target.
        /// </summary>
        public static bool IsOwnChain(HeaderChain chain, EditRequest request)
        {
            if (request.Scope == EditScope.Server)
            {
                if (request.Match != null)
                {
                    return chain.Header != null && chain.Outer!.IsGlobal && request.Match.IsHeader(chain.Header);
                }

                return chain.All(IsMatchAll);
            }

            return chain.IsGlobal ? request.IsEveryHost : chain.All(h => IsOwnClientHeader(h, request));
        }

        public static bool IsOwnClientHeader(ConfigLine header, EditRequest request) =>
            (header.IsKeyword("Host") && header.Arguments.Count == 1 && header.Arguments[0] == request.HostPattern) ||
            (request.IsEveryHost && IsMatchAll(header));

        public static bool IsMatchAll(ConfigLine header) =>
            header.IsKeyword("Match") && header.Arguments.Count == 1 && string.Equals(header.Arguments[0], "all", StringComparison.OrdinalIgnoreCase);

        /// <summary>The literal host names a Host or Match host line names (no wildcards, no negation), for checks.</summary>
        public static IEnumerable<string> LiteralHostsOf(ConfigLine header)
        {
            IEnumerable<string> patterns = Enumerable.Empty<string>();
            if (header.IsKeyword("Host"))
            {
                patterns = header.Arguments;
            }
            else if (header.IsKeyword("Match"))
            {
                IReadOnlyList<string> words = header.MatchCriteria();
                patterns = words.Select((w, i) => (w, i))
                    .Where(x => x.i + 1 < words.Count && (string.Equals(x.w, "host", StringComparison.OrdinalIgnoreCase) || string.Equals(x.w, "originalhost", StringComparison.OrdinalIgnoreCase)))
                    .SelectMany(x => words[x.i + 1].Split(','));
            }

            return patterns.Where(p => p.Length > 0 && p[0] != '!' && OpenSshPattern.IsLiteral(p));
        }

        // anchor: the top file's Include line that led to this file (0 in the top file itself).
        private void Walk(LoadedConfig file, int anchor, HeaderChain outer, Func<ConfigLine, bool> wanted)
        {
            // The chain of a block is made once a line of it is indexed or includes a file, not for every block.
            ConfigLine? header = null;
            int headerNumber = 0;
            HeaderChain? chain = outer;
            ConfigDocument document = file.Document;
            IReadOnlyList<ConfigLine> lines = document.Lines;
            Dictionary<int, Placement>? byLine = null;
            for (int i = 0; i < lines.Count; i++)
            {
                ConfigLine line = lines[i];
                if (!line.IsDirective)
                {
                    continue;
                }

                int number = i + 1;
                if (line.StartsBlock)
                {
                    header = line;
                    headerNumber = number;
                    chain = null;
                    continue;
                }

                bool isWanted = wanted(line);
                if (!isWanted && !line.IsInclude)
                {
                    continue;
                }

                chain ??= outer.Under(header!, document, headerNumber);
                if (isWanted)
                {
                    var placement = new Placement(placements.Count, file, line, number, anchor == 0 ? number : anchor, chain);
                    placements.Add(placement);
                    if (byLine == null && !byFile.TryGetValue(document.Path, out byLine))
                    {
                        byFile[document.Path] = byLine = new Dictionary<int, Placement>();
                    }

                    if (byLine.TryGetValue(number, out Placement? first))
                    {
                        while (first.NextReading != null)
                        {
                            first = first.NextReading;
                        }

                        first.NextReading = placement;
                    }
                    else
                    {
                        byLine[number] = placement;
                    }
                }

                IncludeExpansion? expansion = line.IsInclude ? file.IncludesAt(number) : null;
                foreach (LoadedConfig included in expansion?.Files ?? (IReadOnlyList<LoadedConfig>)Array.Empty<LoadedConfig>())
                {
                    Walk(included, anchor == 0 ? number : anchor, chain, wanted);
                }
            }
        }
    }
}
