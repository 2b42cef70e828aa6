using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Platform;

namespace SshKeepAlive.Core.ConfigDocuments
{
    /// <summary>What one Include line pulled in: the files its patterns matched, in order, each loaded.</summary>
    public sealed class IncludeExpansion
    {
        internal IncludeExpansion(ConfigLine line, IReadOnlyList<LoadedConfig> files, IReadOnlyList<string> patterns)
        {
            Line = line;
            Files = files;
            Patterns = patterns;
        }

        public ConfigLine Line { get; }

        public IReadOnlyList<LoadedConfig> Files { get; }

        /// <summary>The line's arguments as the glob patterns OpenSSH expands ('~' and relative paths anchored).</summary>
        public IReadOnlyList<string> Patterns { get; }
    }

    /// <summary>One directive in effective reading order, with the loaded file it is written in.</summary>
    public sealed class ConfigDirective
    {
        internal ConfigDirective(LoadedConfig file, ConfigLine line)
        {
            File = file;
            Line = line;
        }

        /// <summary>The loaded file the line belongs to.</summary>
        public LoadedConfig File { get; }

        public ConfigLine Line { get; }

        public ConfigSource Source => File.Document.SourceOf(Line);
    }

    /// <summary>
    /// A configuration file with its Include lines expanded into loaded files (a tree, loaded once and reusable
    /// for any number of resolutions). Missing files behave as OpenSSH: a missing include matches nothing; a
    /// missing top file is <see cref="Exists"/> false. Problems (unreadable file, Include loop or nesting beyond
    /// <see cref="IncludeRules.MaxDepth"/>, bad include path) are in <see cref="Diagnostics"/> with file:line.
    /// </summary>
    public sealed class LoadedConfig
    {
        private readonly Dictionary<int, IncludeExpansion> includes = new Dictionary<int, IncludeExpansion>();
        private readonly List<ConfigDiagnostic> diagnostics = new List<ConfigDiagnostic>();

        private LoadedConfig(ConfigDocument document, int depth, bool exists)
        {
            Document = document;
            Depth = depth;
            Exists = exists;
        }

        public ConfigDocument Document { get; }

        /// <summary>Include nesting depth: 0 for the file loaded directly.</summary>
        public int Depth { get; }

        /// <summary>False when the file did not exist (then the document is empty).</summary>
        public bool Exists { get; }

        /// <summary>Problems found while loading this file and everything it includes.</summary>
        public IReadOnlyList<ConfigDiagnostic> Diagnostics => diagnostics;

        /// <summary>Loads a file and, recursively, what its Include lines name, from <paramref name="files"/> (default: this machine's).</summary>
        public static LoadedConfig Load(string path, IncludeRules rules, IReadOnlyFileSystem? files = null) =>
            Load(path, rules, files ?? LocalFileSystem.Instance, 0, new List<string>(), includedFrom: null);

        /// <summary>Expands the Include lines of an already-parsed document (e.g. one being edited).</summary>
        public static LoadedConfig FromDocument(ConfigDocument document, IncludeRules rules, IReadOnlyFileSystem? files = null)
        {
            var loaded = new LoadedConfig(document, 0, exists: true);
            loaded.ExpandIncludes(rules, files ?? LocalFileSystem.Instance, new List<string> { FullPath(document.Path) });
            return loaded;
        }

        /// <summary>
        /// The same tree with some documents replaced by edited versions of themselves (keyed by path): what
        /// OpenSSH would read once the edit is written. The edits must keep every Include line, whose expansions
        /// are taken over without touching the disk again.
        /// </summary>
        public LoadedConfig WithDocuments(IReadOnlyDictionary<string, ConfigDocument> edited)
        {
            ConfigDocument document = edited.TryGetValue(Document.Path, out ConfigDocument? replacement) ? replacement : Document;
            var copy = new LoadedConfig(document, Depth, Exists);
            copy.diagnostics.AddRange(diagnostics);
            var oldIncludes = includes.OrderBy(i => i.Key).Select(i => i.Value).ToList();
            var newIncludeLines = ReferenceEquals(document, Document)
                ? oldIncludes.Select(i => i.Line).ToList()
                : document.Lines.Where(l => l.IsInclude && l.Error == null).ToList();
            if (newIncludeLines.Count != oldIncludes.Count)
            {
                throw new InvalidOperationException($"An edit of {Document.Path} added or removed an Include line.");
            }

            for (int i = 0; i < oldIncludes.Count; i++)
            {
                copy.includes[newIncludeLines[i].LineNumber] = new IncludeExpansion(newIncludeLines[i], oldIncludes[i].Files.Select(f => f.WithDocuments(edited)).ToList(), oldIncludes[i].Patterns);
            }

            return copy;
        }

        /// <summary>Every Include pattern of this file and the files it includes, with the line it is written on.</summary>
        public IEnumerable<KeyValuePair<ConfigSource, string>> IncludePatterns() =>
            AllFiles().SelectMany(f => f.includes.Values.SelectMany(e => e.Patterns.Select(p => new KeyValuePair<ConfigSource, string>(f.Document.SourceOf(e.Line), p))));

        /// <summary>What an Include line expanded to; null when the line is not an Include of this file.</summary>
        public IncludeExpansion? IncludesAt(int lineNumber) => includes.TryGetValue(lineNumber, out IncludeExpansion? e) ? e : null;

        /// <summary>
        /// Every directive in the order OpenSSH reads them: each Include line is followed by the directives of
        /// the files it includes. Host/Match activity is not applied here: resolvers decide that.
        /// </summary>
        public IEnumerable<ConfigDirective> Directives()
        {
            foreach (ConfigLine line in Document.Lines)
            {
                if (!line.IsDirective)
                {
                    continue;
                }

                yield return new ConfigDirective(this, line);
                IncludeExpansion? expansion = IncludesAt(line.LineNumber);
                if (expansion == null)
                {
                    continue;
                }

                foreach (ConfigDirective nested in expansion.Files.SelectMany(f => f.Directives()))
                {
                    yield return nested;
                }
            }
        }

        /// <summary>This file and every file included under it, depth first.</summary>
        public IEnumerable<LoadedConfig> AllFiles() =>
            new[] { this }.Concat(Document.Lines.Select(l => IncludesAt(l.LineNumber)).Where(e => e != null).SelectMany(e => e!.Files).SelectMany(f => f.AllFiles()));

        // includedFrom: the Include line that named this file (null for a top file, whose permissions ssh checks elsewhere).
        private static LoadedConfig Load(string path, IncludeRules rules, IReadOnlyFileSystem files, int depth, List<string> chain, ConfigSource? includedFrom)
        {
            ConfigDocument document;
            try
            {
                FileKind kind = files.KindOf(path);
                if (kind == FileKind.Fifo || kind == FileKind.Socket)
                {
                    // Opening a FIFO waits for a writer; nothing a config should be.
                    var skipped = new LoadedConfig(ConfigDocument.Parse(Array.Empty<byte>(), path), depth, exists: true);
                    skipped.diagnostics.Add(ConfigDiagnostic.Error($"{path} is a {UnixFileSystem.Describe(kind)}, not a regular file; not read", includedFrom, ConfigProblem.NotRegularFile));
                    return skipped;
                }

                document = ConfigDocument.Parse(kind == FileKind.Directory ? Array.Empty<byte>() : files.ReadAllBytes(path), path);
            }
            catch (Exception e) when (e is FileNotFoundException || e is DirectoryNotFoundException)
            {
                return new LoadedConfig(ConfigDocument.Parse(Array.Empty<byte>(), path), depth, exists: false);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is System.ComponentModel.Win32Exception)
            {
                var unreadable = new LoadedConfig(ConfigDocument.Parse(Array.Empty<byte>(), path), depth, exists: true);
                unreadable.diagnostics.Add(ConfigDiagnostic.Error($"cannot read {path}: {e.Message}", includedFrom, ConfigProblem.Unreadable));
                return unreadable;
            }

            var loaded = new LoadedConfig(document, depth, exists: true);
            if (includedFrom != null && rules.ChecksPermissions)
            {
                loaded.CheckPermissions(includedFrom, files, rules);
            }

            chain.Add(FullPath(path));
            loaded.ExpandIncludes(rules, files, chain);
            chain.RemoveAt(chain.Count - 1);
            return loaded;
        }

        private void ExpandIncludes(IncludeRules rules, IReadOnlyFileSystem fileSystem, List<string> chain)
        {
            foreach (ConfigLine line in Document.Lines.Where(l => l.IsInclude && l.Error == null))
            {
                ConfigSource source = Document.SourceOf(line);
                var files = new List<LoadedConfig>();
                var patterns = new List<string>();
                foreach (string argument in line.Arguments)
                {
                    string? error = "Include has an empty argument";
                    string? pattern = argument.Length == 0 ? null : rules.Anchor(argument, out error);
                    if (pattern == null)
                    {
                        diagnostics.Add(ConfigDiagnostic.Error(error!, source));
                        continue;
                    }

                    patterns.Add(pattern);
                    foreach (string path in IncludeGlob.Expand(pattern, fileSystem))
                    {
                        if (chain.Contains(FullPath(path), StringComparer.Ordinal))
                        {
                            diagnostics.Add(ConfigDiagnostic.Error($"Include loop: {string.Join(" -> ", chain.Concat(new[] { FullPath(path) }))}", source));
                            continue;
                        }

                        if (Depth + 1 > IncludeRules.MaxDepth)
                        {
                            diagnostics.Add(ConfigDiagnostic.Error($"too many nested Includes (more than {IncludeRules.MaxDepth}) at {path}", source));
                            continue;
                        }

                        LoadedConfig included = Load(path, rules, fileSystem, Depth + 1, chain, source);
                        files.Add(included);
                        diagnostics.AddRange(included.Diagnostics);
                    }
                }

                includes[line.LineNumber] = new IncludeExpansion(line, files, patterns);
            }
        }

        private void CheckPermissions(ConfigSource includedFrom, IReadOnlyFileSystem files, IncludeRules rules)
        {
            if (HasUnsafePermissions(files.Stat(Document.Path), rules.UserId ?? (UnixFileSystem.IsUnix ? UnixFileSystem.EffectiveUserId : 0)))
            {
                diagnostics.Add(ConfigDiagnostic.Error($"bad owner or permissions on {Document.Path}", includedFrom));
            }
        }

        /// <summary>
        /// True where ssh, running as <paramref name="userId"/>, refuses a file it checks (~/.ssh/config and included
        /// files): owned by another non-root user, or writable by group or others. False without owner and mode (Windows).
        /// </summary>
        internal static bool HasUnsafePermissions(UnixFileInfo? info, uint userId) =>
            info != null && info.Kind == FileKind.Regular && ((info.UserId != 0 && info.UserId != userId) || (info.Mode & 0x12) != 0);

        private static string FullPath(string path) => System.IO.Path.GetFullPath(path);
    }
}
