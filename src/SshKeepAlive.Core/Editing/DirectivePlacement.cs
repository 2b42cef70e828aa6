using System;
using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.ConfigDocuments;

namespace SshKeepAlive.Core.Editing
{
    /// <summary>
    /// A directive of a config tree in reading order, with the line of the top file it is read at and the
    /// Host/Match lines it sits under (the Include's block, then the included file's own block).
    /// </summary>
    internal sealed class DirectivePlacement
    {
        private DirectivePlacement(int order, LoadedConfig file, ConfigLine line, ConfigLine anchor, IReadOnlyList<ConfigSource> headerSources, IReadOnlyList<ConfigLine> headers)
        {
            Order = order;
            File = file;
            Line = line;
            Anchor = anchor;
            HeaderSources = headerSources;
            Headers = headers;
        }

        public int Order { get; }

        public LoadedConfig File { get; }

        public ConfigLine Line { get; }

        /// <summary>The line of the top file this directive is read at: itself, or the Include that leads to it.</summary>
        public ConfigLine Anchor { get; }

        /// <summary>Every Host/Match line the directive is under, outermost first (all must match for it to apply).</summary>
        public IReadOnlyList<ConfigLine> Headers { get; }

        public IReadOnlyList<ConfigSource> HeaderSources { get; }

        /// <summary>The innermost Host/Match line; null when the directive is global.</summary>
        public ConfigLine? Header => Headers.Count == 0 ? null : Headers[Headers.Count - 1];

        /// <summary>The Match line with an exec criterion the directive is under, if any.</summary>
        public ConfigSource? ExecHeaderSource
        {
            get
            {
                int index = Headers.ToList().FindIndex(IsMatchExec);
                return index < 0 ? null : HeaderSources[index];
            }
        }

        public ConfigSource Source => File.Document.SourceOf(Line);

        public ConfigDirective Directive => new ConfigDirective(File, Line);

        public bool Is(ConfigDirective directive) =>
            directive.File.Document.Path == File.Document.Path && directive.Line.LineNumber == Line.LineNumber;

        /// <summary>True when the directive belongs to the edit's target alone, so changing it in place is the edit.</summary>
        public bool IsOwnedBy(EditRequest request) =>
            request.Scope == EditScope.Server ? Header == null
            : Header == null ? request.IsEveryHost
            : Headers.All(h => EditPlanner.IsOwnHostHeader(h, request));

        public static IReadOnlyList<DirectivePlacement> Of(LoadedConfig tree)
        {
            var result = new List<DirectivePlacement>();
            Walk(tree, null, new ConfigLine[0], new ConfigSource[0], result);
            return result;
        }

        public static bool IsMatchExec(ConfigLine header) =>
            header.IsKeyword("Match") && header.Arguments.Any(a => a.TrimStart('!').StartsWith("exec", StringComparison.OrdinalIgnoreCase));

        private static void Walk(LoadedConfig file, ConfigLine? anchor, IReadOnlyList<ConfigLine> outer, IReadOnlyList<ConfigSource> outerSources, List<DirectivePlacement> result)
        {
            foreach (ConfigLine line in file.Document.Lines.Where(l => l.IsDirective))
            {
                ConfigLine? own = file.Document.BlockOf(line.LineNumber).Header;
                IReadOnlyList<ConfigLine> headers = own == null ? outer : outer.Concat(new[] { own }).ToList();
                IReadOnlyList<ConfigSource> sources = own == null ? outerSources : outerSources.Concat(new[] { file.Document.SourceOf(own) }).ToList();
                result.Add(new DirectivePlacement(result.Count, file, line, anchor ?? line, sources, headers));
                foreach (LoadedConfig included in file.IncludesAt(line.LineNumber)?.Files ?? (IReadOnlyList<LoadedConfig>)new LoadedConfig[0])
                {
                    Walk(included, anchor ?? line, headers, sources, result);
                }
            }
        }
    }
}
