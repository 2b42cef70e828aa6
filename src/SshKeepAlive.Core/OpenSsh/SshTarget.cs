using System;
using System.Collections.Generic;

namespace SshKeepAlive.Core.OpenSsh
{
    /// <summary>A destination as ssh takes it: <c>[user@]host</c> or <c>ssh://[user@]host[:port]</c>.</summary>
    public sealed class SshTarget
    {
        public SshTarget(string host, string? user = null, int? port = null)
        {
            if (string.IsNullOrWhiteSpace(host))
            {
                throw new ArgumentException("A host name is required.", nameof(host));
            }

            Host = host;
            User = string.IsNullOrEmpty(user) ? null : user;
            Port = port;
        }

        public string Host { get; }

        public string? User { get; }

        public int? Port { get; }

        public static SshTarget Parse(string destination)
        {
            string rest = destination.Trim();
            int? port = null;
            if (rest.StartsWith("ssh://", StringComparison.OrdinalIgnoreCase))
            {
                rest = rest.Substring("ssh://".Length).TrimEnd('/');
                int colon = rest.LastIndexOf(':');
                if (colon > rest.LastIndexOf(']'))
                {
                    if (!int.TryParse(rest.Substring(colon + 1), out int parsed) || parsed < 1 || parsed > 65535)
                    {
                        throw new FormatException($"'{destination}' has an invalid port.");
                    }

                    port = parsed;
                    rest = rest.Substring(0, colon);
                }

                rest = rest.Trim('[', ']');
            }

            // The last '@' separates the user, as ssh does: user names may contain '@'.
            int at = rest.LastIndexOf('@');
            string host = at >= 0 ? rest.Substring(at + 1) : rest;
            string? user = at >= 0 ? rest.Substring(0, at) : null;
            if (host.Length == 0 || host.IndexOfAny(new[] { ' ', '\t', '\r', '\n', '/' }) >= 0)
            {
                throw new FormatException($"'{destination}' is not a valid SSH destination; expected [user@]host or ssh://[user@]host[:port].");
            }

            return new SshTarget(host, user, port);
        }

        /// <summary>
        /// The hops of a ProxyJump value (or -J): comma-separated <c>[user@]host[:port]</c> or <c>ssh://[user@]host[:port]</c>,
        /// first hop first; an empty list for <c>none</c>.
        /// </summary>
        /// <exception cref="FormatException">ssh would refuse the value ("Invalid ProxyJump").</exception>
        public static IReadOnlyList<SshTarget> ParseJumpHosts(string value)
        {
            string list = value.Trim();
            int comment = list.IndexOf('#');
            if (comment >= 0)
            {
                list = list.Substring(0, comment).TrimEnd();
            }

            if (string.Equals(list, "none", StringComparison.OrdinalIgnoreCase))
            {
                return new SshTarget[0];
            }

            var hops = new List<SshTarget>();
            foreach (string hop in list.Split(','))
            {
                hops.Add(hop.StartsWith("ssh://", StringComparison.OrdinalIgnoreCase) ? Parse(hop) : ParseUserHostPort(hop)
                    ?? throw new FormatException($"Invalid ProxyJump \"{value}\": '{hop}' is not [user@]host[:port]."));
            }

            return hops;
        }

        // parse_user_host_port: the last '@' ends the user; host:port, or [address]:port.
        private static SshTarget? ParseUserHostPort(string text)
        {
            int at = text.LastIndexOf('@');
            string? user = at >= 0 ? text.Substring(0, at) : null;
            string rest = at >= 0 ? text.Substring(at + 1) : text;
            string host = rest;
            int? port = null;
            if (rest.StartsWith("[", StringComparison.Ordinal))
            {
                int close = rest.IndexOf(']');
                if (close < 0 || (close + 1 < rest.Length && rest[close + 1] != ':'))
                {
                    return null;
                }

                host = rest.Substring(1, close - 1);
                rest = close + 1 < rest.Length ? rest.Substring(close + 1) : string.Empty;
            }
            else
            {
                int colon = rest.IndexOf(':');
                host = colon < 0 ? rest : rest.Substring(0, colon);
                rest = colon < 0 ? string.Empty : rest.Substring(colon);
            }

            if (rest.Length > 0)
            {
                if (!int.TryParse(rest.Substring(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int parsed) || parsed < 1 || parsed > 65535)
                {
                    return null;
                }

                port = parsed;
            }

            return host.Length == 0 || host.IndexOfAny(new[] { '/', ',' }) >= 0 || user?.Length == 0 ? null : new SshTarget(host, user, port);
        }

        public override string ToString() =>
            (User == null ? string.Empty : User + "@") + Host + (Port == null ? string.Empty : ":" + Port);
    }
}
