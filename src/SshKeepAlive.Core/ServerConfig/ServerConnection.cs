using System;
using System.Collections.Generic;
using SshKeepAlive.Core.OpenSsh;

namespace SshKeepAlive.Core.ServerConfig
{
    /// <summary>
    /// The connection sshd matches its Match blocks against — what `sshd -T -C spec` takes. A null field is
    /// "not supplied": criteria that need it do not match, except LocalPort, which sshd refuses to guess.
    /// </summary>
    public sealed class ServerConnection
    {
        public ServerConnection(
            string? user = null,
            string? host = null,
            string? address = null,
            string? localAddress = null,
            int? localPort = null,
            string? routingDomain = null)
        {
            if (localPort.HasValue && (localPort < 1 || localPort > 65535))
            {
                throw new ArgumentOutOfRangeException(nameof(localPort), localPort, "A port is 1 to 65535.");
            }

            User = user;
            Host = host;
            Address = address;
            LocalAddress = localAddress;
            LocalPort = localPort;
            RoutingDomain = routingDomain;
        }

        /// <summary>No connection: what plain `sshd -T` evaluates Match blocks against.</summary>
        public static ServerConnection None { get; } = new ServerConnection();

        /// <summary>The user logging in (Match User, Match Group).</summary>
        public string? User { get; }

        /// <summary>The client's host name (Match Host).</summary>
        public string? Host { get; }

        /// <summary>The client's address (Match Address).</summary>
        public string? Address { get; }

        /// <summary>The server address the client connected to (Match LocalAddress).</summary>
        public string? LocalAddress { get; }

        /// <summary>The server port the client connected to (Match LocalPort).</summary>
        public int? LocalPort { get; }

        /// <summary>The routing domain the connection arrived on (Match RDomain).</summary>
        public string? RoutingDomain { get; }

        /// <summary>Reads sshd's -C syntax: "user=alice,host=h,addr=10.0.0.1,laddr=10.0.0.2,lport=22,rdomain=r".</summary>
        public static ServerConnection Parse(string spec)
        {
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string part in spec.Split(','))
            {
                // As in sshd, an empty entry ends the spec.
                if (part.Length == 0)
                {
                    break;
                }

                int equals = part.IndexOf('=');
                string name = equals < 0 ? part : part.Substring(0, equals);
                if (equals < 0 || Array.IndexOf(FieldNames, name) < 0)
                {
                    throw new FormatException($"'{part}' in connection spec '{spec}' is not one of {string.Join("=, ", FieldNames)}=.");
                }

                fields[name] = part.Substring(equals + 1);
            }

            int? port = null;
            if (fields.TryGetValue("lport", out string? portText))
            {
                if (!OpenSshValues.TryParsePort(portText, out int parsed))
                {
                    throw new FormatException($"Invalid port '{portText}' in connection spec '{spec}'.");
                }

                port = parsed;
            }

            return new ServerConnection(
                Field(fields, "user"), Field(fields, "host"), Field(fields, "addr"), Field(fields, "laddr"), port, Field(fields, "rdomain"));
        }

        /// <summary>This connection in sshd's -C syntax (only the supplied fields).</summary>
        public string ToSpec()
        {
            var parts = new List<string>();
            Add(parts, "user", User);
            Add(parts, "host", Host);
            Add(parts, "addr", Address);
            Add(parts, "laddr", LocalAddress);
            Add(parts, "lport", LocalPort?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Add(parts, "rdomain", RoutingDomain);
            return string.Join(",", parts);
        }

        public override string ToString() => ToSpec();

        private static readonly string[] FieldNames = { "user", "host", "addr", "laddr", "lport", "rdomain" };

        private static string? Field(Dictionary<string, string> fields, string name) =>
            fields.TryGetValue(name, out string? value) ? value : null;

        private static void Add(List<string> parts, string name, string? value)
        {
            if (value != null)
            {
                parts.Add(name + "=" + value);
            }
        }
    }
}
