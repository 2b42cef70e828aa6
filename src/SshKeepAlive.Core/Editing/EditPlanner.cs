using System;
using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Platform;

namespace SshKeepAlive.Core.Editing
{
    /// <summary>
    /// Decides where each setting goes so that it takes effect for the target and for no one else (OpenSSH keeps
    /// the first value it obtains): the line that wins today is changed in place when it is the target's own
    /// (every reading of it is under the target's own Host or Match line, or global for every host), otherwise new
    /// lines go where they are read first for the target alone. Then the resolver judges the result before
    /// anything is written: effective for the target, unchanged for the other hosts or connections it could touch.
    /// Refuses, naming file:line, what it cannot make so. Pure: the tree comes in as read, the plan goes out; no
    /// file is read or written here, so a remote host's files can be planned on the same way.
    /// </summary>
    public sealed class EditPlanner
    {
        private readonly IWinningDirectiveLookup lookup;
        private readonly UnixAccounts accounts;

        public EditPlanner(IWinningDirectiveLookup lookup, UnixAccounts? accounts = null)
        {
            this.lookup = lookup;
            this.accounts = accounts ?? new UnixAccounts();
        }

        /// <summary>
        /// Plans <paramref name="request"/> on <paramref name="tree"/> (the top file and its Includes as read);
        /// <paramref name="isWritable"/> says which files may be changed (a read-only file's lines are never edited).
        /// </summary>
        public EditPlan Plan(EditRequest request, LoadedConfig tree, Func<string, bool> isWritable)
        {
            ThrowIfRefused(tree);
            if (tree.Exists && !isWritable(tree.Document.Path))
            {
                throw new ConfigEditException(ErrorId.ConfigFileReadOnly, $"{request.Path} is read-only; make it writable first if it is meant to be edited.", request.Path);
            }

            var draft = new PlanDraft(request, tree, isWritable);
            var verification = new EditVerification(lookup, draft);
            if (request.Scope == EditScope.Client)
            {
                new ClientPlacement(draft, lookup).Place();
            }
            else
            {
                new ServerPlacement(draft, lookup, accounts).Place();
            }

            EditPlan plan = draft.ToPlan();
            if (plan.HasChanges)
            {
                verification.Check(request.Match?.ProbeConnection(accounts));
            }

            return plan;
        }

        // Problems found while loading (unreadable or non-regular files, Include errors) and lines that do not parse.
        private static void ThrowIfRefused(LoadedConfig tree)
        {
            ConfigDiagnostic? error = tree.Diagnostics.FirstOrDefault(d => d.IsError);
            if (error != null)
            {
                throw ConfigEditException.ConfigRefused(error, tree.Document.Path);
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

        private static bool IsHostStar(ConfigLine line) => line.IsKeyword("Host") && line.Arguments.Count == 1 && line.Arguments[0] == "*";

        /// <summary>The refusal of a setting something the editor may not change makes ineffective.</summary>
        internal static ConfigEditException NotEffective(SettingChange change, ConfigSource source, string why, ErrorId id = ErrorId.SettingOverriddenElsewhere) =>
            new ConfigEditException(
                id,
                $"Cannot make {change.Keyword} {change.Value} effective: {source} sets it first and {why}. Change or remove that line by hand; nothing was changed.",
                source.Path,
                source);

        /// <summary>
        /// Match exec is never run by our resolver: a line behind it that sets the keyword and is read before
        /// <paramref name="readBefore"/> may win at run time, so the edit cannot be shown to take effect.
        /// </summary>
        internal static void ThrowIfExecMayWin(PlanDraft draft, SettingChange change, Func<Placement, bool> readBefore)
        {
            Placement? exec = draft.Index.Placements.FirstOrDefault(p => change.Sets(p.Line) && p.ExecHeaderSource != null && readBefore(p));
            if (exec != null)
            {
                throw NotEffective(change, exec.Source, $"it sits behind 'Match exec' ({exec.ExecHeaderSource}), whose outcome only a run of the command decides");
            }
        }

        /// <summary>Why the line that wins is not the target's to change: read-only, or read for others too.</summary>
        internal static string WhyNotOwned(PlanDraft draft, Placement winner)
        {
            if (!draft.IsWritable(winner.File.Document.Path))
            {
                return $"{winner.File.Document.Path} is read-only";
            }

            Placement other = draft.Index.PlacementsOf(winner.Source).First(p => !TreeIndex.IsOwnChain(p.Chain, draft.Request));
            if (other.Chain.IsGlobal)
            {
                return "it is global and applies to every other host too";
            }

            return other.Anchor == other.Line
                ? $"it belongs to {other.Chain}, which is not only {draft.Request.TargetText}"
                : $"it is read under {other.Chain} (through the Include at {draft.Top.SourceOf(other.Anchor)}), which is not only {draft.Request.TargetText}";
        }

        /// <summary>Removes every line of the removed keywords that is the target's own; says which others stay and why.</summary>
        internal static void RemoveOwnLines(PlanDraft draft)
        {
            foreach (SettingChange change in draft.Request.Changes.Where(c => c.IsRemoval))
            {
                var removed = new List<ConfigSource>();
                foreach (IGrouping<ConfigSource, Placement> line in draft.Index.Placements.Where(p => change.Sets(p.Line)).GroupBy(p => p.Source))
                {
                    Placement first = line.First();
                    bool someOwn = line.Any(p => TreeIndex.IsOwnChain(p.Chain, draft.Request));
                    if (!someOwn)
                    {
                        continue;
                    }

                    if (line.All(p => TreeIndex.IsOwnChain(p.Chain, draft.Request)) && draft.IsWritable(first.File.Document.Path))
                    {
                        draft.Remove(first.File, first.Line.LineNumber);
                        removed.Add(line.Key);
                    }
                    else
                    {
                        draft.Warnings.Add($"{change.Keyword} at {line.Key} is not removed: {WhyNotOwned(draft, first)}.");
                    }
                }

                draft.Decisions.Add(removed.Count == 0
                    ? $"{change.Keyword}: no line of {draft.Request.TargetText}'s own sets it; nothing to remove."
                    : $"{change.Keyword}: removing {string.Join(", ", removed)}.");
            }

            RemoveEmptiedBlocks(draft);
        }

        // A block of the target's own that the removals left with nothing but blank lines goes too (with the blank
        // line before it when it ended the file), so that Set then Reset gives the file back as it was. A comment
        // left in it keeps it: the comment may say something.
        private static void RemoveEmptiedBlocks(PlanDraft draft)
        {
            foreach (LoadedConfig file in draft.Tree.AllFiles().Distinct())
            {
                ConfigDocument document = file.Document;
                var headers = draft.TouchedLines.Where(s => s.Path == document.Path && draft.IsRemoved(file, s.Line))
                    .Select(s => document.HeaderLineOf(s.Line)).Where(h => h != null).Select(h => h!.Value).Distinct().ToList();
                foreach (int header in headers)
                {
                    ConfigLine line = document.GetLine(header);
                    bool own = draft.Request.Scope == EditScope.Client ? TreeIndex.IsOwnClientHeader(line, draft.Request) : draft.Request.Match?.IsHeader(line) == true;
                    int end = DocumentLayout.EndOf(document, header);
                    if (!own || !Enumerable.Range(header + 1, end - header).All(n => document.GetLine(n).IsBlank || draft.IsRemoved(file, n)))
                    {
                        continue;
                    }

                    for (int n = header; n <= end; n++)
                    {
                        if (!draft.IsRemoved(file, n))
                        {
                            draft.Remove(file, n);
                        }
                    }

                    if (end == document.Lines.Count && header > 1 && document.GetLine(header - 1).IsBlank && !draft.IsRemoved(file, header - 1))
                    {
                        draft.Remove(file, header - 1);
                    }

                    // Set put a "Host *" after a block it inserted above global lines, to keep them global; after
                    // global lines (or at the top) that line means nothing more, so it goes with the block.
                    bool afterGlobalLines = header == 1 || document.HeaderLineOf(header - 1) == null;
                    if (draft.Request.Scope == EditScope.Client && afterGlobalLines && end < document.Lines.Count && IsHostStar(document.GetLine(end + 1)))
                    {
                        draft.Remove(file, end + 1);
                    }
                }
            }
        }
    }
}
