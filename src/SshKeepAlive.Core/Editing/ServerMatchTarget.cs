using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.ServerConfig;
using SshKeepAlive.Core.Errors;

namespace SshKeepAlive.Core.Editing
{
    /// <summary>
    /// The sshd Match block a server edit is made in on purpose, e.g. "Match User alice Address 10.0.0.0/8" (every
    /// criterion must hold). A block of the file is this target's own when its Match line has the same criteria,
    /// in any order and attribute case.
    /// </summary>
    public sealed class ServerMatchTarget
    {
        private readonly List<KeyValuePair<string, string>> criteria = new List<KeyValuePair<string, string>>();

        public ServerMatchTarget(string? user = null, string? group = null, string? host = null, string? address = null, int? localPort = null)
        {
            Add("User", user);
            Add("Group", group);
            Add("Host", host);
            if (address != null)
            {
                if (!AddressPatternList.TryMatch(null, address, out _, out string? error))
                {
                    throw Invalid($"-MatchAddress {address}: {error}.");
                }

                Add("Address", address);
            }

            if (localPort != null)
            {
                if (localPort < 1 || localPort > 65535)
                {
                    throw Invalid($"-MatchLocalPort {localPort} is not a port (1 to 65535).");
                }

                Add("LocalPort", localPort.Value.ToString(CultureInfo.InvariantCulture));
            }

            if (criteria.Count == 0)
            {
                throw Invalid("A Match block needs at least one criterion (User, Group, Host, Address or LocalPort).");
            }
        }

        /// <summary>Attribute and pattern list of each criterion, e.g. ("User", "alice").</summary>
        public IReadOnlyList<KeyValuePair<string, string>> Criteria => criteria;

        /// <summary>The arguments of the Match line, e.g. User alice Address 10.0.0.0/8.</summary>
        public IReadOnlyList<string> HeaderArguments => criteria.SelectMany(c => new[] { c.Key, c.Value }).ToList();

        /// <summary>"Match User alice Address 10.0.0.0/8".</summary>
        public string Text => "Match " + string.Join(" ", HeaderArguments);

        /// <summary>True when <paramref name="header"/> is a Match line with exactly these criteria.</summary>
        public bool IsHeader(ConfigLine header)
        {
            if (!header.IsKeyword("Match"))
            {
                return false;
            }

            IReadOnlyList<string> words = header.MatchCriteria();
            var found = new List<KeyValuePair<string, string>>();
            for (int i = 0; i + 1 < words.Count && !words[i].StartsWith("#", StringComparison.Ordinal); i += 2)
            {
                found.Add(new KeyValuePair<string, string>(words[i], words[i + 1]));
            }

            return found.Count == criteria.Count &&
                criteria.All(c => found.Any(f => string.Equals(f.Key, c.Key, StringComparison.OrdinalIgnoreCase) && f.Value == c.Value));
        }

        /// <summary>
        /// A connection every criterion holds for, as `sshd -T -C` takes it, to check the edit with: the user (a
        /// member of the group for Group), the host and address with wildcards filled in; what the criteria do not
        /// name is not supplied (so other blocks' criteria on it do not match), except the local port, which sshd
        /// requires once any block matches on it (22 unless given). Throws when no such connection can be made.
        /// </summary>
        public ServerConnection ProbeConnection(UnixAccounts accounts)
        {
            string? user = Value("User");
            string? group = Value("Group");
            if (group != null)
            {
                string? member = accounts.MemberOf(Probe(group, "x"));
                if (member == null || (user != null && OpenSsh.OpenSshPattern.MatchList(member, user, lowercasePatterns: false) != 1))
                {
                    throw Invalid($"Cannot check an edit for Match Group {group}: no account in the passwd and group files belongs to that group{(user == null ? string.Empty : " and matches User " + user)}, and sshd matches groups through a user.");
                }

                user = member;
            }
            else if (user != null)
            {
                user = Probe(user, "sshka-probe");
            }

            string? host = Value("Host");
            string? address = Value("Address");
            string? port = Value("LocalPort");
            return new ServerConnection(
                user: user,
                host: host == null ? null : Probe(host, "sshka-probe"),
                address: address == null ? null : Probe(address, "1"),
                localPort: port == null ? 22 : int.Parse(port, CultureInfo.InvariantCulture));
        }

        public override string ToString() => Text;

        // The first entry of a pattern list, wildcards filled in; a CIDR network gives its first address.
        private static string Probe(string patternList, string fill)
        {
            string first = patternList.Split(',')[0];
            if (first.StartsWith("!", StringComparison.Ordinal))
            {
                throw Invalid($"Cannot check an edit for a Match criterion that starts with a negation ('{patternList}').");
            }

            int slash = first.IndexOf('/');
            if (slash > 0 && System.Net.IPAddress.TryParse(first.Substring(0, slash), out System.Net.IPAddress? network))
            {
                byte[] bytes = network.GetAddressBytes();
                bytes[bytes.Length - 1] |= 1;
                return new System.Net.IPAddress(bytes).ToString();
            }

            return first.Replace("*", fill).Replace('?', fill[0]);
        }

        private string? Value(string attribute) => criteria.Where(c => c.Key == attribute).Select(c => (string?)c.Value).FirstOrDefault();

        private void Add(string attribute, string? patterns)
        {
            if (patterns == null)
            {
                return;
            }

            char bad = patterns.FirstOrDefault(c => char.IsWhiteSpace(c) || char.IsControl(c) || "#\"'=".IndexOf(c) >= 0);
            if (patterns.Length == 0 || bad != '\0')
            {
                throw Invalid($"-Match{attribute} '{patterns}' must be one pattern list without whitespace, quotes, '=' or '#'.");
            }

            criteria.Add(new KeyValuePair<string, string>(attribute, patterns));
        }

        private static ConfigEditException Invalid(string message) => new ConfigEditException(ErrorId.MatchCriteriaInvalid, message);
    }
}
