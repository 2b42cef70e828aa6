using System;
using System.Collections.Generic;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Platform;

namespace SshKeepAlive.Core.ServerConfig
{
    /// <summary>What one sshd Match line says about a connection.</summary>
    public sealed class ServerMatchOutcome
    {
        private ServerMatchOutcome(bool matches, string? error, string? warning)
        {
            Matches = matches;
            Error = error;
            Warning = warning;
        }

        /// <summary>True when every criterion on the line holds (criteria are ANDed).</summary>
        public bool Matches { get; }

        /// <summary>Why sshd would refuse the line ("Bad Match condition"); null when it is valid.</summary>
        public string? Error { get; }

        /// <summary>A criterion that could not be evaluated here (e.g. groups without an account database).</summary>
        public string? Warning { get; }

        internal static ServerMatchOutcome Of(bool matches, string? warning) => new ServerMatchOutcome(matches, null, warning);

        internal static ServerMatchOutcome Failed(string error) => new ServerMatchOutcome(false, error, null);
    }

    /// <summary>
    /// Evaluates the criteria of an sshd_config Match line as `sshd -T -C` does: User, Group, Host, Address,
    /// LocalAddress, LocalPort, RDomain (each taking a pattern list) or "all" alone. A criterion whose field the
    /// connection does not supply does not match, except LocalPort, which is an error as in sshd.
    /// </summary>
    public static class ServerMatchCriteria
    {
        /// <summary>
        /// Judges <paramref name="criteria"/> (the words after "Match") against <paramref name="connection"/>;
        /// a null connection only checks the syntax and matches nothing but "all", as sshd's first pass does.
        /// </summary>
        public static ServerMatchOutcome Evaluate(IReadOnlyList<string> criteria, ServerConnection? connection, UnixAccounts accounts)
        {
            bool matches = true;
            int attributes = 0;
            string? warning = null;
            for (int i = 0; i < criteria.Count; i++)
            {
                string attribute = criteria[i];
                if (attribute.StartsWith("#", StringComparison.Ordinal))
                {
                    break;
                }

                attributes++;
                if (Is(attribute, "all"))
                {
                    bool alone = attributes == 1 && (i + 1 == criteria.Count || criteria[i + 1].StartsWith("#", StringComparison.Ordinal));
                    return alone ? ServerMatchOutcome.Of(true, null) : ServerMatchOutcome.Failed("'all' cannot be combined with other Match attributes");
                }

                if (i + 1 == criteria.Count || criteria[i + 1].Length == 0 || criteria[i + 1].StartsWith("#", StringComparison.Ordinal))
                {
                    return ServerMatchOutcome.Failed("Missing Match criteria for " + attribute);
                }

                string argument = criteria[++i];
                bool? holds;
                if (Is(attribute, "user"))
                {
                    holds = connection?.User == null ? (bool?)null : OpenSshPattern.MatchList(connection.User, argument, lowercasePatterns: false) == 1;
                }
                else if (Is(attribute, "group"))
                {
                    holds = connection?.User == null ? (bool?)null : InGroups(connection.User, argument, accounts, ref warning);
                }
                else if (Is(attribute, "host"))
                {
                    holds = connection?.Host == null ? (bool?)null : OpenSshPattern.MatchHostName(connection.Host, argument);
                }
                else if (Is(attribute, "address") || Is(attribute, "localaddress"))
                {
                    string? address = Is(attribute, "address") ? connection?.Address : connection?.LocalAddress;
                    if (!AddressPatternList.TryMatch(address, argument, out int result, out string? error))
                    {
                        return ServerMatchOutcome.Failed(error!);
                    }

                    holds = address == null ? (bool?)null : result == 1;
                }
                else if (Is(attribute, "localport"))
                {
                    if (!OpenSshValues.TryParsePort(argument, out int port))
                    {
                        return ServerMatchOutcome.Failed($"Invalid LocalPort '{argument}' on Match line");
                    }

                    if (connection != null && connection.LocalPort == null)
                    {
                        return ServerMatchOutcome.Failed("'Match LocalPort' in configuration but 'lport' not in connection test specification");
                    }

                    holds = connection?.LocalPort == null ? (bool?)null : connection.LocalPort == port;
                }
                else if (Is(attribute, "rdomain"))
                {
                    holds = connection?.RoutingDomain == null ? (bool?)null : OpenSshPattern.MatchList(connection.RoutingDomain, argument, lowercasePatterns: false) == 1;
                }
                else
                {
                    return ServerMatchOutcome.Failed("Unsupported Match attribute " + attribute);
                }

                // Unsupplied fields (null) do not match; every criterion is still checked for errors.
                matches &= holds == true;
            }

            return attributes == 0
                ? ServerMatchOutcome.Failed("One or more attributes required for Match")
                : ServerMatchOutcome.Of(matches, warning);
        }

        private static bool InGroups(string user, string groupList, UnixAccounts accounts, ref string? warning)
        {
            if (!accounts.IsAvailable)
            {
                warning = $"Match Group {groupList} not evaluated: no user account database to look up '{user}'";
                return false;
            }

            IReadOnlyList<string>? groups = accounts.GroupsOf(user);
            if (groups == null)
            {
                return false;
            }

            bool found = false;
            foreach (string group in groups)
            {
                switch (OpenSshPattern.MatchList(group, groupList, lowercasePatterns: false))
                {
                    case -1:
                        return false;
                    case 1:
                        found = true;
                        break;
                }
            }

            return found;
        }

        private static bool Is(string attribute, string name) => string.Equals(attribute, name, StringComparison.OrdinalIgnoreCase);
    }
}
