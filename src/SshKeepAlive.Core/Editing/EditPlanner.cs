using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Platform;

namespace SshKeepAlive.Core.Editing
{
    /// <summary>
    /// Decides where each setting goes so that it takes effect (OpenSSH keeps the first value it obtains): the
    /// line that wins today is changed in place when it is the edit's own (in the target's <c>Host</c> block, or
    /// global), otherwise new lines go where they are read first: a <c>Host</c> block above the block that wins,
    /// global keys above the first Host/Match block. Refuses, naming file:line, what it cannot make effective.
    /// Reads files; writes nothing.
    /// </summary>
    public sealed class EditPlanner
    {
        private readonly IWinningDirectiveLookup lookup;

        public EditPlanner(IWinningDirectiveLookup lookup) => this.lookup = lookup;

        public EditPlan Plan(EditRequest request)
        {
            bool exists = File.Exists(request.Path);
            if (!exists && !request.CreateIfMissing)
            {
                throw new ConfigEditException(ErrorId.ConfigFileNotFound, $"{request.Path} does not exist.", request.Path);
            }

            LoadedConfig tree = exists
                ? LoadedConfig.Load(request.Path, request.IncludeRules)
                : LoadedConfig.FromDocument(ConfigDocument.Parse(new byte[0], request.Path), request.IncludeRules);
            ThrowIfBroken(tree, request.Path);
            if (exists && IsReadOnly(request.Path))
            {
                throw new ConfigEditException(ErrorId.ConfigFileReadOnly, $"{request.Path} is read-only; make it writable first if it is meant to be edited.", request.Path);
            }

            var placed = DirectivePlacement.Of(tree);
            var edits = new Dictionary<string, EditedDocument>(StringComparer.Ordinal);
            EditedDocument EditOf(LoadedConfig file) =>
                edits.TryGetValue(file.Document.Path, out EditedDocument? e) ? e : edits[file.Document.Path] = new EditedDocument(file.Document);
            EditedDocument main = EditOf(tree);

            var decisions = new List<string>();
            var toInsert = new List<SettingChange>();
            DirectivePlacement? earliestBeaten = null;
            // Removed bottom-up, so the line numbers of the lines still to remove stay valid.
            var removals = request.Changes.Where(c => c.IsRemoval).SelectMany(c => Removals(request, c, placed, decisions)).ToList();
            foreach (DirectivePlacement removed in removals.OrderByDescending(p => p.Line.LineNumber))
            {
                EditOf(removed.File).Remove(removed.Line.LineNumber);
            }

            Func<string, ConfigDirective?>? winners = null;
            foreach (SettingChange change in request.Changes.Where(c => !c.IsRemoval))
            {
                winners ??= lookup.Resolve(tree, request);
                ConfigDirective? winner = winners(change.Keyword);
                DirectivePlacement? where = winner == null ? null : placed.First(p => p.Is(winner));
                if (winner != null && change.IsHeldBy(winner.Line))
                {
                    decisions.Add($"{change.Keyword}: {winner.Source} already gives {winner.Line.ArgumentText} for {TargetText(request)}; nothing to change.");
                    continue;
                }

                if (where != null && where.IsOwnedBy(request) && !IsReadOnly(where.File.Document.Path))
                {
                    ThrowIfExecMayWin(change, placed, where.Order);
                    EditOf(where.File).Replace(where.Line.LineNumber, change.Arguments!);
                    decisions.Add($"{change.Keyword}: {winner!.Source} wins for {TargetText(request)} and is {OwnerText(request)}; changed in place.");
                    continue;
                }

                if (where != null && request.Scope == EditScope.Server)
                {
                    throw NotEffective(change, winner!.Source, where.Header == null
                        ? $"{where.File.Document.Path} is read-only"
                        : $"it sits under '{where.Header.Text.Trim()}', which overrides global settings for the connections it matches");
                }

                if (where != null)
                {
                    earliestBeaten = earliestBeaten == null || where.Anchor.LineNumber < earliestBeaten.Anchor.LineNumber ? where : earliestBeaten;
                    decisions.Add($"{change.Keyword}: {winner!.Source} wins for {TargetText(request)} but {WhyNotOwned(request, where)}; a new line above it will be read first.");
                }
                else
                {
                    decisions.Add($"{change.Keyword}: nothing sets it for {TargetText(request)} (OpenSSH's default applies); adding it.");
                }

                toInsert.Add(change);
            }

            if (toInsert.Count > 0)
            {
                int insertedAt = Insert(request, main, toInsert, earliestBeaten);
                foreach (SettingChange change in toInsert)
                {
                    ThrowIfExecMayWin(change, placed.Where(p => p.File == tree ? p.Line.LineNumber < insertedAt : p.Anchor.LineNumber < insertedAt), int.MaxValue);
                }

                decisions.Add($"New lines go to {request.Path} at line {insertedAt}.");
            }

            var files = edits.Values.Select(e => e.ToChange(exists || e.Original != tree.Document)).Where(c => c != null).Select(c => c!).ToList();
            var plan = new EditPlan(request, files, decisions);
            CheckEffective(plan, tree, main);
            return plan;
        }

        /// <summary>True when the file exists and its mode forbids writing (respected even for root).</summary>
        public static bool IsReadOnly(string path)
        {
            if (!File.Exists(path))
            {
                return false;
            }

            return UnixFileSystem.IsUnix
                ? (UnixFileSystem.Stat(path).Mode & 0x92 /* 0222 */) == 0
                : (File.GetAttributes(path) & FileAttributes.ReadOnly) != 0;
        }

        private static IEnumerable<DirectivePlacement> Removals(EditRequest request, SettingChange change, IReadOnlyList<DirectivePlacement> placed, List<string> decisions)
        {
            var owned = placed.Where(p => p.Line.IsKeyword(change.Keyword) && p.IsOwnedBy(request)).ToList();
            decisions.Add(owned.Count == 0
                ? $"{change.Keyword}: no line of {TargetText(request)}'s own sets it; nothing to remove."
                : $"{change.Keyword}: removing {string.Join(", ", owned.Select(p => p.Source))}.");
            return owned;
        }

        // Where the new lines go, in the top file; returns the first new line's number.
        private static int Insert(EditRequest request, EditedDocument main, IReadOnlyList<SettingChange> changes, DirectivePlacement? beaten)
        {
            ConfigDocument doc = main.Document;
            if (beaten == null && request.Scope == EditScope.Client)
            {
                // Nothing sets these yet: beside the target's own settings when it has a block.
                ConfigBlock? own = doc.Blocks.FirstOrDefault(b => IsOwnHostHeader(b.Header, request));
                if (own != null)
                {
                    int after = own.Lines.Last(l => l.IsDirective).LineNumber + 1;
                    InsertDirectives(main, after, changes);
                    return after;
                }

                if (!request.IsEveryHost)
                {
                    return main.AppendHostBlock(request.HostPattern, changes);
                }
            }

            if (request.IsEveryHost || request.Scope == EditScope.Server)
            {
                int globalPoint = GlobalInsertionPoint(doc);
                int position = beaten != null && doc.BlockOf(beaten.Anchor.LineNumber).IsGlobal ? Math.Min(beaten.Anchor.LineNumber, globalPoint) : globalPoint;
                InsertDirectives(main, position, changes);
                return position;
            }

            ConfigBlock block = doc.BlockOf(beaten!.Anchor.LineNumber);
            if (!block.IsGlobal)
            {
                main.InsertHostBlock(block.FirstLineNumber, request.HostPattern, changes, reopenGlobal: false);
                return block.FirstLineNumber;
            }

            // Above a global line: the lines after ours must stay global, so a "Host *" block takes them.
            main.InsertHostBlock(beaten.Anchor.LineNumber, request.HostPattern, changes, reopenGlobal: true);
            return beaten.Anchor.LineNumber;
        }

        private static void InsertDirectives(EditedDocument document, int position, IReadOnlyList<SettingChange> changes)
        {
            for (int i = 0; i < changes.Count; i++)
            {
                document.InsertDirective(position + i, changes[i].Keyword, changes[i].Arguments!);
            }
        }

        private static int GlobalInsertionPoint(ConfigDocument doc)
        {
            ConfigBlock first = doc.Blocks[0];
            ConfigLine? last = first.IsGlobal ? first.Lines.LastOrDefault(l => l.IsDirective) : null;
            if (last != null)
            {
                return last.LineNumber + 1;
            }

            return doc.Blocks.Count > 1 ? doc.Blocks[1].FirstLineNumber : doc.Lines.Count + 1;
        }

        // After the edit, the top file as planned must give every setting its value. Edits inside included
        // files change the winning line itself, so only a plan confined to the top file is re-resolved.
        private void CheckEffective(EditPlan plan, LoadedConfig tree, EditedDocument main)
        {
            if (plan.Files.Any(f => f.Path != tree.Document.Path) || !plan.HasChanges)
            {
                return;
            }

            LoadedConfig edited = LoadedConfig.FromDocument(main.Document, plan.Request.IncludeRules);
            Func<string, ConfigDirective?> winners = lookup.Resolve(edited, plan.Request);
            var placed = DirectivePlacement.Of(edited);
            foreach (SettingChange change in plan.Request.Changes)
            {
                ConfigDirective? winner = winners(change.Keyword);
                bool effective = change.IsRemoval ? winner == null || !placed.First(p => p.Is(winner)).IsOwnedBy(plan.Request) : winner != null && change.IsHeldBy(winner.Line);
                if (!effective)
                {
                    throw new ConfigEditException(
                        ErrorId.EditNotEffective,
                        $"{change.Keyword} would still not be {change.Value ?? "removed"} for {TargetText(plan.Request)} after the edit" + (winner == null ? "." : $": {winner.Source} wins."),
                        plan.Request.Path,
                        winner?.Source);
                }
            }
        }

        // Match exec is never run by our resolver: a block behind it that sets the keyword may win at run time.
        private static void ThrowIfExecMayWin(SettingChange change, IEnumerable<DirectivePlacement> before, int order)
        {
            DirectivePlacement? exec = before.FirstOrDefault(p => p.Order < order && p.Line.IsKeyword(change.Keyword) && p.ExecHeaderSource != null);
            if (exec != null)
            {
                throw NotEffective(change, exec.Source, $"it sits behind 'Match exec' ({exec.ExecHeaderSource}), whose outcome only a run of the command decides");
            }
        }

        private static ConfigEditException NotEffective(SettingChange change, ConfigSource source, string why) =>
            new ConfigEditException(
                ErrorId.SettingOverriddenElsewhere,
                $"Cannot make {change.Keyword} {change.Value} effective: {source} sets it first and {why}. Change or remove that line by hand.",
                source.Path,
                source);

        private static void ThrowIfBroken(LoadedConfig tree, string path)
        {
            ConfigDiagnostic? error = tree.Diagnostics.FirstOrDefault(d => d.IsError);
            if (error != null)
            {
                throw ConfigEditException.ConfigBroken(error, path);
            }

            foreach (LoadedConfig file in tree.AllFiles())
            {
                ConfigLine? bad = file.Document.Lines.FirstOrDefault(l => l.Error != null);
                if (bad != null)
                {
                    ConfigSource source = file.Document.SourceOf(bad);
                    throw new ConfigEditException(ErrorId.ConfigInvalid, $"{source}: {bad.Error}; fix that line before editing.", source.Path, source);
                }
            }
        }

        internal static bool IsOwnHostHeader(ConfigLine? header, EditRequest request) =>
            header != null && header.IsKeyword("Host") && header.Arguments.Count == 1 &&
            string.Equals(header.Arguments[0], request.HostPattern, StringComparison.OrdinalIgnoreCase);

        private static string TargetText(EditRequest request) =>
            request.Scope == EditScope.Server ? "the server's global settings" : $"Host {request.HostPattern}";

        private static string OwnerText(EditRequest request) =>
            request.Scope == EditScope.Server ? "a global setting" : request.IsEveryHost ? "global (every host)" : $"in a 'Host {request.HostPattern}' block";

        private static string WhyNotOwned(EditRequest request, DirectivePlacement where) =>
            where.Header == null ? "it is global and applies to other hosts too"
            : IsReadOnly(where.File.Document.Path) ? $"{where.File.Document.Path} is read-only"
            : $"it belongs to '{where.Header.Text.Trim()}', which is not only {request.HostPattern}";
    }
}
