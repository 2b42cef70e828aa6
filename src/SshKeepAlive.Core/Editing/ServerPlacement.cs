using System;
using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.ServerConfig;
using SshKeepAlive.Core.Errors;

namespace SshKeepAlive.Core.Editing
{
    /// <summary>
    /// Where server settings go. Global settings: in place when a global line of our own wins, else a new global
    /// line before the first Match block; refused when a line that is not ours wins (read-only, or read under a
    /// Match block too), and refused when any Match block sets another value for the connections it matches,
    /// naming every such block (sshd's second pass would give them that value). A Match target: in place in
    /// its own block, else appended to its own block or to a new one at the end, refused when an earlier Match
    /// block sets the keyword for the same connections.
    /// </summary>
    internal sealed class ServerPlacement
    {
        private readonly PlanDraft draft;
        private readonly IWinningDirectiveLookup lookup;
        private readonly UnixAccounts accounts;

        public ServerPlacement(PlanDraft draft, IWinningDirectiveLookup lookup, UnixAccounts accounts)
        {
            this.draft = draft;
            this.lookup = lookup;
            this.accounts = accounts;
        }

        private EditRequest Request => draft.Request;

        private ConfigDocument Top => draft.Top;

        public void Place()
        {
            ServerConnection? connection = Request.Match?.ProbeConnection(accounts);
            Func<string, ConfigSource?> winners = lookup.ResolveServer(draft.Tree, connection);
            EditPlanner.RemoveOwnLines(draft);
            var pending = new List<KeyValuePair<string, IReadOnlyList<string>>>();
            foreach (SettingChange change in Request.Changes.Where(c => !c.IsRemoval))
            {
                ConfigSource? source = winners(change.Keyword);
                Placement? winner = source == null ? null : draft.Index.PlacementsOf(source).First();
                Placement? edited = null;
                if (winner != null && change.IsHeldBy(winner.Line))
                {
                    draft.Decisions.Add($"{change.Keyword}: {winner.Source} already gives {winner.Line.ArgumentText} for {Request.TargetText}; nothing to change.");
                    edited = winner;
                }
                else if (winner != null && draft.Index.IsOwned(winner.Source, Request) && draft.IsWritable(winner.File.Document.Path))
                {
                    draft.Replace(winner, change.ArgumentsOver(winner.Line));
                    draft.Decisions.Add($"{change.Keyword}: {winner.Source} wins for {Request.TargetText} and is its own; changed in place.");
                    edited = winner;
                }
                else if (winner != null && (Request.Match == null || winner.Chain.Headers.Count > 0))
                {
                    throw EditPlanner.NotEffective(change, winner.Source, EditPlanner.WhyNotOwned(draft, winner), Request.Match == null ? ErrorId.SettingOverriddenElsewhere : ErrorId.SettingOverriddenByMatch);
                }
                else
                {
                    draft.Decisions.Add(winner == null
                        ? $"{change.Keyword}: nothing sets it for {Request.TargetText} (OpenSSH's default applies); adding it."
                        : $"{change.Keyword}: the global {winner.Source} gives it for {Request.TargetText}; adding it to the Match block, which sshd reads for those connections.");
                    pending.Add(new KeyValuePair<string, IReadOnlyList<string>>(change.Keyword, change.ArgumentsOver(winner?.Line)));
                }

                if (Request.Match == null)
                {
                    ThrowIfAMatchBlockOverrides(change, edited);
                }
            }

            if (pending.Count > 0)
            {
                Insert(pending);
            }
        }

        private void Insert(IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> pending)
        {
            if (Request.Match == null)
            {
                int at = DocumentLayout.GlobalInsertionPoint(Top);
                draft.Insert(at, DocumentLayout.DirectiveTexts(Top, at, pending));
                draft.Decisions.Add($"New global lines go to {Request.Path} at line {at}, before any Match block.");
                return;
            }

            int? own = DocumentLayout.Headers(Top, Request.Match.IsHeader).Cast<int?>().FirstOrDefault();
            if (own != null)
            {
                int at = DocumentLayout.LastDirectiveOf(Top, own.Value) + 1;
                draft.Insert(at, DocumentLayout.DirectiveTexts(Top, at, pending));
                draft.Decisions.Add($"New lines go into '{Request.Match.Text}' at {Request.Path}:{at}.");
            }
            else
            {
                int at = Top.Lines.Count + 1;
                draft.Insert(at, Top.BlockTexts(at, "Match", Request.Match.HeaderArguments, pending));
                draft.Decisions.Add($"A new '{Request.Match.Text}' block goes at the end of {Request.Path}.");
            }
        }

        // sshd's second pass gives a connection the first value among the Match blocks it matches, over the
        // global one: a global edit holds for every connection only if no Match block sets another value. A line
        // under "Match all" read after the one edited is never reached.
        private void ThrowIfAMatchBlockOverrides(SettingChange change, Placement? edited)
        {
            if (!ServerConfigResolver.IsAllowedInMatch(change.Keyword))
            {
                return;
            }

            bool editedUnderMatchAll = edited != null && !edited.Chain.IsGlobal;
            var overriding = draft.Index.Placements
                .Where(p => change.Sets(p.Line) && !p.Chain.IsGlobal && (edited == null || !p.Source.Equals(edited.Source)))
                .Where(p => !(editedUnderMatchAll && p.Order > edited!.Order && p.Chain.Headers.All(h => TreeIndex.IsMatchAll(h.Key))))
                .Where(p => !change.IsHeldBy(p.Line))
                .ToList();
            if (overriding.Count == 0)
            {
                return;
            }

            Placement first = overriding[0];
            string blocks = string.Join("; ", overriding.Select(p => $"{p.Chain} sets {p.Line.Keyword} {p.Line.ArgumentText} at {p.Source}"));
            throw new ConfigEditException(ErrorId.SettingOverriddenByMatch, $"Cannot make {change.Keyword} {change.Value} effective for every connection: {blocks}, for the connections it matches. " +
                "Edit inside that block with -MatchUser, -MatchGroup, -MatchAddress, -MatchHost or -MatchLocalPort, or change or remove the line by hand; nothing was changed.",
                first.Source.Path,
                first.Chain.Source);
        }
    }
}
