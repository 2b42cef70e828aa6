using System;

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

        public override string ToString() =>
            (User == null ? string.Empty : User + "@") + Host + (Port == null ? string.Empty : ":" + Port);
    }
}
