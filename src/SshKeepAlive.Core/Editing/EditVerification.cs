using System;
using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.ServerConfig;
using SshKeepAlive.Core.Errors;

namespace SshKeepAlive.Core.Editing
{
    /// <summary>
    /// The resolver's verdict on a plan before anything is written, on the tree as it would read after the edit:
    /// every setting takes effect for the target (a removed one no longer comes from the target's own line), and
    /// the other hosts or connections the edit could reach keep their values. Those others are a bounded sample,
    /// so the check costs a fixed number of resolutions whatever the file's size: the hosts named around every
    /// line touched and every insertion, a host no block names, and for "*" the hosts with values of their own.
    /// </summary>
    internal sealed class EditVerification
    {
        private const int MaxProbes = 6;
        private const string OtherHost = "sshka-other-host";

        private readonly IWinningDirectiveLookup lookup;
        private readonly PlanDraft draft;

        public EditVerification(IWinningDirectiveLookup lookup, PlanDraft draft)
        {
            this.lookup = lookup;
            this.draft = draft;
        }

        private EditRequest Request => draft.Request;

        public void Check(ServerConnection? matchConnection)
        {
            // The other hosts' values before the edit first, so that what was prepared to resolve the tree as it
            // is can go before the edited tree is prepared: a large file is held prepared once, not twice.
            var others = new List<Outcome>();
            if (Request.Scope == EditScope.Client)
            {
                var before = new LineLookup(draft.Tree);
                foreach (string host in ProbeHosts())
                {
                    var destination = new SshTarget(host, Request.User, null);
                    others.Add(new Outcome(host, lookup.ResolveClient(draft.Tree, destination), before, destination));
                }
            }

            lookup.Release(draft.Tree);
            LoadedConfig edited = draft.Tree.WithDocuments(draft.EditedDocuments);
            var lines = new LineLookup(edited);
            Func<string, ConfigSource?> after = Request.Scope == EditScope.Client
                ? lookup.ResolveClient(edited, Request.ProbeTarget)
                : lookup.ResolveServer(edited, matchConnection);
            TreeIndex? editedIndex = Request.Changes.Any(c => c.IsRemoval) ? TreeIndex.Of(edited, Request.IsAbout) : null;
            foreach (SettingChange change in Request.Changes)
            {
                ConfigSource? winner = after(change.Keyword);
                ConfigLine? line = winner == null ? null : lines.At(winner);
                bool effective = change.IsRemoval
                    ? winner == null || !editedIndex!.IsOwned(winner, Request) || !draft.IsWritable(winner.Path)
                    : line != null && change.IsHeldBy(line);
                if (!effective)
                {
                    throw new ConfigEditException(ErrorId.EditNotEffective, $"{change.Keyword} would still not be {change.Value ?? "removed"} for {Request.TargetText} after the edit" + (winner == null ? "." : $": {winner} wins.") + " Nothing was changed.",
                        Request.Path,
                        winner);
                }
            }

            if (Request.Scope == EditScope.Client)
            {
                CheckOtherHosts(others, edited, lines);
            }
            else if (Request.Match != null)
            {
                CheckOtherConnection(edited, lines);
            }

            lookup.Release(edited);
        }

        private void CheckOtherHosts(IReadOnlyList<Outcome> others, LoadedConfig edited, LineLookup afterLines)
        {
            var changed = new List<string>();
            foreach (Outcome other in others)
            {
                Func<string, ConfigSource?> now = lookup.ResolveClient(edited, other.Destination);
                foreach (SettingChange change in Request.Changes)
                {
                    ConfigSource? oldSource = other.Winners(change.Keyword);
                    string? oldValue = oldSource == null ? null : other.Lines.At(oldSource)?.ArgumentText;
                    string? newValue = now(change.Keyword) is ConfigSource s ? afterLines.At(s)?.ArgumentText : null;
                    // For every host, only a host whose own line gave its value must keep it.
                    bool mustKeep = !Request.IsEveryHost || (oldSource != null && !draft.Index.IsOwned(oldSource, Request));
                    if (mustKeep && oldValue != newValue)
                    {
                        changed.Add($"{other.Host} ({change.Keyword} {oldValue ?? "unset"}{(oldSource == null ? string.Empty : " from " + oldSource)} would become {newValue ?? "unset"})");
                    }
                }
            }

            if (changed.Count > 0)
            {
                throw new ConfigEditException(ErrorId.EditChangesOtherHosts, $"The edit for {Request.TargetText} would also change other hosts: {string.Join("; ", changed)}. " +
                    "Nothing was changed; give a -HostName for those hosts, or change the shared line by hand.",
                    Request.Path);
            }
        }

        // Hosts named by the blocks around what the edit touches, and one that no block names; not the target's.
        private IEnumerable<string> ProbeHosts()
        {
            var names = new List<string>();
            IEnumerable<HeaderChain> chains = draft.TouchedLines.SelectMany(s => draft.Index.PlacementsOf(s)).Select(p => p.Chain);
            if (Request.IsEveryHost)
            {
                // The hosts with their own values, those read after the first insertion first: they are at risk.
                int first = draft.InsertionPoints.DefaultIfEmpty(int.MaxValue).Min();
                chains = chains.Concat(draft.Index.Placements
                    .Where(p => Request.Changes.Any(c => c.Sets(p.Line)) && !TreeIndex.IsOwnChain(p.Chain, Request))
                    .OrderBy(p => p.Anchor.LineNumber >= first ? 0 : 1)
                    .Select(p => p.Chain));
            }

            foreach (HeaderChain chain in chains)
            {
                names.AddRange(chain.Headers.SelectMany(h => TreeIndex.LiteralHostsOf(h.Key)));
            }

            foreach (int point in draft.InsertionPoints)
            {
                // Lines added inside the target's own block stay in it; a new block or a global line may reach the
                // hosts of the blocks around it.
                int? header = draft.Top.HeaderLineOf(point - 1);
                if (header != null && TreeIndex.IsOwnChain(HeaderChain.Global.Under(draft.Top.GetLine(header.Value), draft.Top.SourceOf(draft.Top.GetLine(header.Value))), Request))
                {
                    continue;
                }

                foreach (int? around in new[] { header, NextHeader(point) })
                {
                    if (around != null)
                    {
                        names.AddRange(TreeIndex.LiteralHostsOf(draft.Top.GetLine(around.Value)));
                    }
                }
            }

            names.Add(OtherHost);
            return names.Distinct(StringComparer.Ordinal)
                .Where(n => Request.IsEveryHost || !OpenSshPattern.Matches(n, Request.HostPattern))
                .Take(MaxProbes);
        }

        private int? NextHeader(int lineNumber)
        {
            for (int n = lineNumber; n <= draft.Top.Lines.Count; n++)
            {
                if (draft.Top.GetLine(n).StartsBlock)
                {
                    return n;
                }
            }

            return null;
        }

        // A Match block is read only for connections it matches: one it does not must keep its values.
        private void CheckOtherConnection(LoadedConfig edited, LineLookup afterLines)
        {
            var other = new ServerConnection(user: "sshka-other-user", host: "sshka-other.invalid", address: "198.18.255.254", localPort: 1);
            var before = new LineLookup(draft.Tree);
            Func<string, ConfigSource?> old = lookup.ResolveServer(draft.Tree, other);
            Func<string, ConfigSource?> now = lookup.ResolveServer(edited, other);
            foreach (SettingChange change in Request.Changes)
            {
                string? oldValue = old(change.Keyword) is ConfigSource o ? before.At(o)?.ArgumentText : null;
                string? newValue = now(change.Keyword) is ConfigSource n ? afterLines.At(n)?.ArgumentText : null;
                if (oldValue != newValue)
                {
                    throw new ConfigEditException(ErrorId.EditChangesOtherConnections, $"The edit for {Request.TargetText} would also change {change.Keyword} for connections it does not match ({oldValue ?? "unset"} would become {newValue ?? "unset"}); nothing was changed.",
                        Request.Path);
                }
            }
        }

        /// <summary>A host's winning lines before the edit.</summary>
        private sealed class Outcome
        {
            public Outcome(string host, Func<string, ConfigSource?> winners, LineLookup lines, SshTarget destination)
            {
                Host = host;
                Winners = winners;
                Lines = lines;
                Destination = destination;
            }

            public string Host { get; }

            public Func<string, ConfigSource?> Winners { get; }

            public LineLookup Lines { get; }

            public SshTarget Destination { get; }
        }

        /// <summary>The line at a file:line of a tree.</summary>
        private sealed class LineLookup
        {
            private readonly Dictionary<string, ConfigDocument> documents = new Dictionary<string, ConfigDocument>(StringComparer.Ordinal);

            public LineLookup(LoadedConfig tree)
            {
                foreach (LoadedConfig file in tree.AllFiles())
                {
                    documents[file.Document.Path] = file.Document;
                }
            }

            public ConfigLine? At(ConfigSource source) =>
                documents.TryGetValue(source.Path, out ConfigDocument? document) && source.Line <= document.Lines.Count ? document.GetLine(source.Line) : null;
        }
    }
}
