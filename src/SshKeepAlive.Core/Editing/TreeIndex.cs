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
        public static readonly HeaderChain Global = new HeaderChain(null, null, null);

        private HeaderChain(HeaderChain? outer, ConfigLine? header, ConfigSource? source)
        {
            Outer = outer;
            Header = header;
            Source = source;
        }

        public HeaderChain? Outer { get; }

        /// <summary>The innermost Host/Match line; null for global lines.</summary>
        public ConfigLine? Header { get; }

        public ConfigSource? Source { get; }

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

        public HeaderChain Under(ConfigLine header, ConfigSource source) => new HeaderChain(this, header, source);

        /// <summary>"Host db01 (config:4) / Match user x (common.conf:1)", for messages.</summary>
        public override string ToString() =>
            IsGlobal ? "global" : string.Join(" / ", Headers.Select(h => $"{h.Key.Text.Trim()} ({h.Value})"));
    }

    /// <summary>One reading of a directive: the same line is read once per Include that reaches its file.</summary>
    internal sealed class Placement
    {
        public Placement(int order, LoadedConfig file, ConfigLine line, ConfigLine anchor, HeaderChain chain)
        {
            Order = order;
            File = file;
            Line = line;
            Anchor = anchor;
            Chain = chain;
        }

        /// <summary>Position in reading order among the placements indexed.</summary>
        public int Order { get; }

        public LoadedConfig File { get; }

        public ConfigLine Line { get; }

        /// <summary>The line of the top file this directive is read at: itself, or the Include that leads to it.</summary>
        public ConfigLine Anchor { get; }

        public HeaderChain Chain { get; }

        public ConfigSource Source => File.Document.SourceOf(Line);

        /// <summary>The Match line with an exec criterion the directive is under, if any.</summary>
        public ConfigSource? ExecHeaderSource => Chain.Headers.Where(h => IsMatchExec(h.Key)).Select(h => (ConfigSource?)h.Value).FirstOrDefault();

        public static bool IsMatchExec(ConfigLine header) =>
            header.IsKeyword("Match") && header.Arguments.Any(a => a.TrimStart('!').StartsWith("exec", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Every placement of the directives an edit is about (one walk over the tree, linear in its size), looked
    /// up by file:line; and which of them belong to the edit's target alone.
    /// </summary>
    internal sealed class TreeIndex
    {
        private readonly Dictionary<ConfigSource, List<Placement>> bySource = new Dictionary<ConfigSource, List<Placement>>();
        private readonly List<Placement> placements = new List<Placement>();

        private TreeIndex(LoadedConfig tree) => Tree = tree;

        public LoadedConfig Tree { get; }

        /// <summary>The indexed placements in reading order.</summary>
        public IReadOnlyList<Placement> Placements => placements;

        /// <summary>Indexes every directive of <paramref name="tree"/> that <paramref name="wanted"/> picks.</summary>
        public static TreeIndex Of(LoadedConfig tree, Func<ConfigLine, bool> wanted)
        {
            var index = new TreeIndex(tree);
            index.Walk(tree, null, HeaderChain.Global, wanted);
            return index;
        }

        /// <summary>Every placement of the line at <paramref name="source"/> (empty when it was not indexed).</summary>
        public IReadOnlyList<Placement> PlacementsOf(ConfigSource source) =>
            bySource.TryGetValue(source, out List<Placement>? found) ? found : (IReadOnlyList<Placement>)Array.Empty<Placement>();

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
                    var headers = chain.Headers;
                    return headers.Count == 1 && request.Match.IsHeader(headers[0].Key);
                }

                return chain.Headers.All(h => IsMatchAll(h.Key));
            }

            return chain.IsGlobal ? request.IsEveryHost : chain.Headers.All(h => IsOwnClientHeader(h.Key, request));
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

        private void Walk(LoadedConfig file, ConfigLine? anchor, HeaderChain outer, Func<ConfigLine, bool> wanted)
        {
            HeaderChain chain = outer;
            foreach (ConfigLine line in file.Document.Lines)
            {
                if (!line.IsDirective)
                {
                    continue;
                }

                if (line.StartsBlock)
                {
                    chain = outer.Under(line, file.Document.SourceOf(line));
                    continue;
                }

                if (wanted(line))
                {
                    var placement = new Placement(placements.Count, file, line, anchor ?? line, chain);
                    placements.Add(placement);
                    ConfigSource source = placement.Source;
                    if (!bySource.TryGetValue(source, out List<Placement>? list))
                    {
                        bySource[source] = list = new List<Placement>(1);
                    }

                    list.Add(placement);
                }

                IncludeExpansion? expansion = line.IsInclude ? file.IncludesAt(line.LineNumber) : null;
                foreach (LoadedConfig included in expansion?.Files ?? (IReadOnlyList<LoadedConfig>)Array.Empty<LoadedConfig>())
                {
                    Walk(included, anchor ?? line, chain, wanted);
                }
            }
        }
    }
}
