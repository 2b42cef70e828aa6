using System;
using System.Net;
using System.Net.Sockets;
using SshKeepAlive.Core.OpenSsh;

namespace SshKeepAlive.Core.ServerConfig
{
    /// <summary>
    /// The address lists of sshd's "Match Address" and "Match LocalAddress": comma-separated entries, each a
    /// CIDR network ("10.0.0.0/8", "2001:db8::/32"), a plain address, or failing those a wildcard pattern
    /// ("192.168.1.*"); "!" negates an entry and a negated hit rejects the address outright.
    /// </summary>
    public static class AddressPatternList
    {
        /// <summary>
        /// Judges <paramref name="address"/> (null: only check the list) against <paramref name="list"/>:
        /// <paramref name="result"/> is 1 for a match, -1 for a negated match, 0 otherwise, as in <see cref="OpenSshPattern.MatchList"/>.
        /// Returns false with <paramref name="error"/> set when sshd would refuse the list: a network whose mask
        /// is too long for its family or that has host bits set ("10.0.0.1/8").
        /// </summary>
        public static bool TryMatch(string? address, string list, out int result, out string? error)
        {
            result = 0;
            error = null;
            IPAddress? candidate = null;
            bool candidateParsed = address != null && TryParseAddress(address, out candidate);
            foreach (string rawEntry in list.Split(','))
            {
                bool negated = rawEntry.StartsWith("!", StringComparison.Ordinal);
                string entry = negated ? rawEntry.Substring(1) : rawEntry;
                bool hit;
                switch (TryParseNetwork(entry, out IPAddress? network, out int prefixLength))
                {
                    case NetworkParse.Invalid:
                        error = $"Invalid Match address argument '{list}': '{entry}' is not a valid network";
                        result = 0;
                        return false;
                    case NetworkParse.Network:
                        hit = candidateParsed && InNetwork(candidate!, network!, prefixLength);
                        break;
                    default:
                        hit = candidateParsed && OpenSshPattern.Matches(address!, entry);
                        break;
                }

                if (!hit || result == -1)
                {
                    continue;
                }

                // Keep checking the remaining entries: a later malformed one still makes sshd refuse the line.
                result = negated ? -1 : 1;
            }

            return true;
        }

        private enum NetworkParse
        {
            NotAnAddress,
            Network,
            Invalid,
        }

        private static NetworkParse TryParseNetwork(string entry, out IPAddress? network, out int prefixLength)
        {
            network = null;
            prefixLength = 0;
            string addressText = entry;
            int? mask = null;
            int slash = entry.IndexOf('/');
            if (slash >= 0)
            {
                addressText = entry.Substring(0, slash);
                string maskText = entry.Substring(slash + 1);
                if (maskText.Length == 0 || maskText.Length > 3 || !IsDigits(maskText) || int.Parse(maskText) > 128)
                {
                    return NetworkParse.NotAnAddress;
                }

                mask = int.Parse(maskText);
            }

            if (!TryParseAddress(addressText, out network))
            {
                return NetworkParse.NotAnAddress;
            }

            int fullLength = network!.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
            prefixLength = mask ?? fullLength;
            if (prefixLength > fullLength || HasHostBits(network, prefixLength))
            {
                return NetworkParse.Invalid;
            }

            return NetworkParse.Network;
        }

        private static bool TryParseAddress(string text, out IPAddress? address)
        {
            // IPAddress.TryParse also takes "[::1]" and bare integers that sshd does not read as addresses.
            address = null;
            if (text.Length == 0 || text.IndexOfAny(new[] { '[', ']', ' ' }) >= 0 || (text.IndexOf('.') < 0 && text.IndexOf(':') < 0))
            {
                return false;
            }

            return IPAddress.TryParse(text, out address);
        }

        private static bool InNetwork(IPAddress candidate, IPAddress network, int prefixLength)
        {
            if (candidate.AddressFamily != network.AddressFamily)
            {
                return false;
            }

            byte[] a = candidate.GetAddressBytes();
            byte[] n = network.GetAddressBytes();
            for (int bit = 0; bit < prefixLength; bit++)
            {
                int mask = 0x80 >> (bit % 8);
                if ((a[bit / 8] & mask) != (n[bit / 8] & mask))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool HasHostBits(IPAddress network, int prefixLength)
        {
            byte[] bytes = network.GetAddressBytes();
            for (int bit = prefixLength; bit < bytes.Length * 8; bit++)
            {
                if ((bytes[bit / 8] & (0x80 >> (bit % 8))) != 0)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsDigits(string text)
        {
            foreach (char c in text)
            {
                if (c < '0' || c > '9')
                {
                    return false;
                }
            }

            return true;
        }
    }
}
