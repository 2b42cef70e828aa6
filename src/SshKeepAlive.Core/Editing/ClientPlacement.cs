using System;
using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.ConfigDocuments;

namespace SshKeepAlive.Core.Editing
{
    /// <summary>
    /// Where client settings go. For one host pattern: in place when the winning line is the host's own; else
    /// into the host's own block when that is read first (the block holding the winning line's Include, or one
    /// above it); else a new Host block just above the block whose line wins, or at the end. For every host
    /// ("*", the default for hosts without a value of their own): in place when a global or "Host *" line wins;
    /// else above the line that wins; with nothing winning, into the first "Host *" block (or as a global line)
    /// when no host sets the keyword, and at the end (into a last "Host *" block) when some do, so that those
    /// keep their own values.
    /// </summary>
    internal sealed class ClientPlacement
    {
        private readonly PlanDraft draft;
        private readonly IWinningDirectiveLookup lookup;

        public ClientPlacement(PlanDraft draft, IWinningDirectiveLookup lookup)
        {
            this.draft = draft;
            this.lookup = lookup;
        }

        private EditRequest Request => draft.Request;

        private ConfigDocument Top => draft.Top;

        public void Place()
        {
            Func<string, ConfigSource?> winners = lookup.ResolveClient(draft.Tree, Request.ProbeTarget);
            EditPlanner.RemoveOwnLines(draft);
            var pending = new List<Pending>();
            foreach (SettingChange change in Request.Changes.Where(c => !c.IsRemoval))
            {
                ConfigSource? source = winners(change.Keyword);
                Placement? winner = source == null ? null : draft.Index.PlacementsOf(source).First();
                if (winner != null && change.IsHeldBy(winner.Line))
                {
                    draft.Decisions.Add($"{change.Keyword}: {winner.Source} already gives {winner.Line.ArgumentText} for {Request.TargetText}; nothing to change.");
                    continue;
                }

                IReadOnlyList<string> arguments = change.ArgumentsOver(winner?.Line);
                if (winner != null && draft.Index.IsOwned(winner.Source, Request) && draft.IsWritable(winner.File.Document.Path))
                {
                    EditPlanner.ThrowIfExecMayWin(draft, change, p => p.Order < winner.Order);
                    draft.Replace(winner, arguments);
                    draft.Decisions.Add($"{change.Keyword}: {winner.Source} wins for {Request.TargetText} and is its own; changed in place.");
                    WarnOfOwnValues(change, p => p.Order < winner.Order);
                    continue;
                }

                draft.Decisions.Add(winner == null
                    ? $"{change.Keyword}: nothing sets it for {Request.TargetText} (OpenSSH's default applies); adding it."
                    : $"{change.Keyword}: {winner.Source} wins for {Request.TargetText} but {EditPlanner.WhyNotOwned(draft, winner)}; a new line read before it goes in.");
                pending.Add(new Pending(change, arguments, winner));
            }

            if (Request.IsEveryHost)
            {
                PlaceForEveryHost(pending.Where(p => p.Winner != null).ToList(), beaten: true);
                PlaceForEveryHost(pending.Where(p => p.Winner == null).ToList(), beaten: false);
            }
            else
            {
                PlaceForHost(pending);
            }
        }

        private void PlaceForHost(IReadOnlyList<Pending> pending)
        {
            if (pending.Count == 0)
            {
                return;
            }

            Placement? beaten = pending.Where(p => p.Winner != null).Select(p => p.Winner!).OrderBy(p => p.Anchor.LineNumber).ThenBy(p => p.Order).FirstOrDefault();
            int? anchor = beaten?.Anchor.LineNumber;
            int? anchorHeader = anchor == null ? null : Top.HeaderLineOf(anchor.Value);
            int? ownBlock = DocumentLayout.Headers(Top, IsOwnHeader).Where(h => anchor == null || DocumentLayout.LastDirectiveOf(Top, h) < anchor).Cast<int?>().FirstOrDefault();
            int at;
            if (anchorHeader != null && IsOwnHeader(Top.GetLine(anchorHeader.Value)))
            {
                // The winning line comes through an Include inside the host's own block: read ours first, in that block.
                at = anchor!.Value;
                InsertDirectives(at, pending);
            }
            else if (ownBlock != null)
            {
                at = DocumentLayout.LastDirectiveOf(Top, ownBlock.Value) + 1;
                InsertDirectives(at, pending);
            }
            else if (anchor == null)
            {
                at = Top.Lines.Count + 1;
                InsertBlock(at, "Host", new[] { Request.HostPattern }, pending, reopenGlobal: false);
            }
            else if (anchorHeader != null)
            {
                at = anchorHeader.Value;
                InsertBlock(at, "Host", new[] { Request.HostPattern }, pending, reopenGlobal: false);
            }
            else
            {
                // Above a global line: the lines after ours must stay global, so a "Host *" line takes them.
                at = anchor.Value;
                InsertBlock(at, "Host", new[] { Request.HostPattern }, pending, reopenGlobal: true);
            }

            foreach (Pending p in pending)
            {
                EditPlanner.ThrowIfExecMayWin(draft, p.Change, placement => placement.Anchor.LineNumber < at);
            }
        }

        // beaten: the changes whose winning line is not ours go above the earliest of those lines; the others
        // (nothing wins) go where they are the default for hosts without their own value.
        private void PlaceForEveryHost(IReadOnlyList<Pending> pending, bool beaten)
        {
            if (pending.Count == 0)
            {
                return;
            }

            int at;
            if (beaten)
            {
                Placement first = pending.Select(p => p.Winner!).OrderBy(p => p.Anchor.LineNumber).ThenBy(p => p.Order).First();
                at = first.Anchor.LineNumber;
                int? header = Top.HeaderLineOf(at);
                if (header == null)
                {
                    InsertDirectives(at, pending);
                }
                else
                {
                    at = header.Value;
                    InsertBlock(at, "Host", new[] { "*" }, pending, reopenGlobal: false);
                }
            }
            else if (!pending.Any(p => draft.Index.Placements.Any(x => p.Change.Sets(x.Line) && !TreeIndex.IsOwnChain(x.Chain, Request))))
            {
                // No host has a value of its own: beside the other settings for every host, or a global line.
                int? own = DocumentLayout.Headers(Top, IsOwnHeader).Cast<int?>().FirstOrDefault();
                at = own == null ? DocumentLayout.GlobalInsertionPoint(Top) : DocumentLayout.LastDirectiveOf(Top, own.Value) + 1;
                InsertDirectives(at, pending);
            }
            else
            {
                // Some hosts have their own values: read after every one of them, at the end.
                int? last = DocumentLayout.LastHeader(Top);
                at = Top.Lines.Count + 1;
                if (last == null)
                {
                    InsertDirectives(at, pending);
                }
                else if (IsOwnHeader(Top.GetLine(last.Value)))
                {
                    at = DocumentLayout.LastDirectiveOf(Top, last.Value) + 1;
                    InsertDirectives(at, pending);
                }
                else
                {
                    InsertBlock(at, "Host", new[] { "*" }, pending, reopenGlobal: false);
                }
            }

            foreach (Pending p in pending)
            {
                EditPlanner.ThrowIfExecMayWin(draft, p.Change, placement => placement.Anchor.LineNumber < at);
                WarnOfOwnValues(p.Change, placement => placement.Anchor.LineNumber < at);
            }
        }

        // For every host: the hosts whose own line is read before the edit keep their value; say which.
        private void WarnOfOwnValues(SettingChange change, Func<Placement, bool> readBefore)
        {
            if (!Request.IsEveryHost)
            {
                return;
            }

            var own = draft.Index.Placements.Where(p => change.Sets(p.Line) && !TreeIndex.IsOwnChain(p.Chain, Request) && readBefore(p)).ToList();
            if (own.Count > 0)
            {
                IEnumerable<string> named = own.Take(10).Select(p => $"{p.Chain.Header?.Text.Trim() ?? "global"} ({p.Source}: {p.Line.ArgumentText})");
                draft.Warnings.Add(
                    $"{change.Keyword} {change.Value} becomes the default for hosts without a value of their own; {own.Count} {(own.Count == 1 ? "block keeps its own" : "blocks keep theirs")}: " +
                    string.Join(", ", named) + (own.Count > 10 ? $" and {own.Count - 10} more" : string.Empty) + ". Give -HostName to change one of them.");
            }
        }

        private bool IsOwnHeader(ConfigLine header) => TreeIndex.IsOwnClientHeader(header, Request);

        private void InsertDirectives(int at, IReadOnlyList<Pending> pending)
        {
            draft.Insert(at, DocumentLayout.DirectiveTexts(Top, at, pending.Select(p => p.Directive)));
            draft.Decisions.Add($"New lines go to {Request.Path} at line {at}.");
        }

        private void InsertBlock(int at, string keyword, IReadOnlyList<string> arguments, IReadOnlyList<Pending> pending, bool reopenGlobal)
        {
            var texts = Top.BlockTexts(at, keyword, arguments, pending.Select(p => p.Directive)).ToList();
            if (reopenGlobal)
            {
                texts.Add("Host *");
            }

            draft.Insert(at, texts);
            draft.Decisions.Add($"A new '{keyword} {string.Join(" ", arguments)}' block goes to {Request.Path} at line {at}.");
        }

        /// <summary>A setting still to be written, with the arguments it gets and the line that wins today.</summary>
        private sealed class Pending
        {
            public Pending(SettingChange change, IReadOnlyList<string> arguments, Placement? winner)
            {
                Change = change;
                Arguments = arguments;
                Winner = winner;
            }

            public SettingChange Change { get; }

            public IReadOnlyList<string> Arguments { get; }

            public Placement? Winner { get; }

            public KeyValuePair<string, IReadOnlyList<string>> Directive => new KeyValuePair<string, IReadOnlyList<string>>(Change.Keyword, Arguments);
        }
    }
}
