using System;
using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.Config;

namespace SshKeepAlive.Core.Editing
{
    /// <summary>
    /// Finds the winning directive: on the server, the global value's source as <see cref="ServerConfigResolver"/>
    /// resolves it (no connection: Match blocks do not apply to global settings); on the client, by OpenSSH's
    /// first-value-wins rule, the first line whose Host/Match lines all match a host the pattern stands for (the
    /// pattern itself, '*' and '?' filled in). The client side is interim until ClientConfigResolver is merged:
    /// Match criteria other than all, host, originalhost, canonical, final and exec are refused rather than guessed.
    /// </summary>
    public sealed class PlacementLookup : IWinningDirectiveLookup
    {
        public ConfigDirective? Find(LoadedConfig config, EditRequest request, string keyword)
        {
            if (request.Scope == EditScope.Server)
            {
                ConfigSource? source = ServerConfigResolver.Resolve(config)[keyword].Source;
                return source == null ? null : DirectivePlacement.Of(config).First(p => p.Source.Equals(source)).Directive;
            }

            string host = ProbeHost(request.HostPattern);
            foreach (DirectivePlacement placement in DirectivePlacement.Of(config).Where(p => p.Line.IsKeyword(keyword)))
            {
                if (placement.Headers.Select((h, i) => HeaderMatches(h, placement.HeaderSources[i], host)).All(m => m))
                {
                    return placement.Directive;
                }
            }

            return null;
        }

        /// <summary>A host name the pattern matches: itself when literal, wildcards filled in otherwise.</summary>
        public static string ProbeHost(string pattern) =>
            pattern == "*" ? "sshka-probe" : pattern.Replace("*", "sshka-probe").Replace('?', 'x');

        private static bool HeaderMatches(ConfigLine header, ConfigSource source, string host)
        {
            if (header.IsKeyword("Host"))
            {
                bool any = false;
                foreach (string pattern in header.Arguments)
                {
                    bool negated = pattern.StartsWith("!", StringComparison.Ordinal);
                    if (OpenSshPattern.Matches(host, negated ? pattern.Substring(1) : pattern, ignoreCase: true))
                    {
                        if (negated)
                        {
                            return false;
                        }

                        any = true;
                    }
                }

                return any;
            }

            IReadOnlyList<string> criteria = header.MatchCriteria();
            for (int i = 0; i < criteria.Count; i++)
            {
                bool negated = criteria[i].StartsWith("!", StringComparison.Ordinal);
                string name = criteria[i].TrimStart('!').ToLowerInvariant();
                bool hasArgument = i + 1 < criteria.Count;
                bool result;
                if (name == "all")
                {
                    result = true;
                }
                else if (name == "canonical" || name == "final" || (name == "exec" && hasArgument))
                {
                    // The editor never runs commands and does not canonicalize: these do not match here
                    // (the planner refuses lines behind Match exec).
                    i += name == "exec" ? 1 : 0;
                    result = false;
                }
                else if ((name == "host" || name == "originalhost") && hasArgument)
                {
                    result = OpenSshPattern.MatchList(host, criteria[++i], ignoreCase: true) == PatternListResult.Match;
                }
                else
                {
                    throw new ConfigEditException(
                        ConfigEditErrorKind.NotEffective,
                        "MatchNotEvaluated",
                        $"{source}: the editor cannot tell whether 'Match {criteria[i]}' applies, so it cannot tell which line wins; edit this file by hand.",
                        source.Path,
                        source);
                }

                if (result == negated)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
