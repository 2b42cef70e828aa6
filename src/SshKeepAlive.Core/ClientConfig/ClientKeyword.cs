using System;
using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.OpenSsh;

namespace SshKeepAlive.Core.ClientConfig
{
    /// <summary>How a client keyword's arguments are read and how repeated lines combine.</summary>
    public enum ClientValueKind
    {
        /// <summary>Seconds in OpenSSH time syntax, or "none" (which leaves the setting open for later lines).</summary>
        Time,

        /// <summary>A non-negative integer.</summary>
        Integer,

        /// <summary>yes/no.</summary>
        Flag,

        /// <summary>One of a fixed set of words (e.g. StrictHostKeyChecking).</summary>
        Choice,

        /// <summary>Free text (HostName, User).</summary>
        Text,

        /// <summary>A port number.</summary>
        Port,

        /// <summary>One path per line; every active line adds one (IdentityFile).</summary>
        AccumulatedPath,

        /// <summary>Several paths on one line, "none" alone; the first active line wins (UserKnownHostsFile).</summary>
        PathList,

        /// <summary>"type=interval" items, "none" alone; the first active line wins (ChannelTimeout).</summary>
        ChannelTimeouts,
    }

    /// <summary>A client (ssh_config) keyword we resolve: its OpenSSH spelling, syntax and default.</summary>
    public sealed class ClientKeyword
    {
        private readonly IReadOnlyDictionary<string, string>? choices;

        private ClientKeyword(string name, ClientValueKind kind, string[]? aliases = null, IReadOnlyDictionary<string, string>? choices = null)
        {
            Name = name;
            Kind = kind;
            Aliases = aliases ?? Array.Empty<string>();
            this.choices = choices;
        }

        /// <summary>OpenSSH's spelling, e.g. "ServerAliveInterval" (ssh -G prints it lowercased).</summary>
        public string Name { get; }

        public ClientValueKind Kind { get; }

        /// <summary>Other keywords OpenSSH accepts for this setting (e.g. "KeepAlive" for TCPKeepAlive).</summary>
        public IReadOnlyList<string> Aliases { get; }

        public static ClientKeyword ServerAliveInterval { get; } = new ClientKeyword("ServerAliveInterval", ClientValueKind.Time);

        public static ClientKeyword ServerAliveCountMax { get; } = new ClientKeyword("ServerAliveCountMax", ClientValueKind.Integer);

        public static ClientKeyword TCPKeepAlive { get; } = new ClientKeyword("TCPKeepAlive", ClientValueKind.Flag, new[] { "KeepAlive" });

        public static ClientKeyword ConnectTimeout { get; } = new ClientKeyword("ConnectTimeout", ClientValueKind.Time);

        public static ClientKeyword ConnectionAttempts { get; } = new ClientKeyword("ConnectionAttempts", ClientValueKind.Integer);

        public static ClientKeyword ChannelTimeout { get; } = new ClientKeyword("ChannelTimeout", ClientValueKind.ChannelTimeouts);

        public static ClientKeyword HostName { get; } = new ClientKeyword("HostName", ClientValueKind.Text);

        public static ClientKeyword Port { get; } = new ClientKeyword("Port", ClientValueKind.Port);

        public static ClientKeyword User { get; } = new ClientKeyword("User", ClientValueKind.Text);

        public static ClientKeyword IdentityFile { get; } = new ClientKeyword("IdentityFile", ClientValueKind.AccumulatedPath);

        public static ClientKeyword StrictHostKeyChecking { get; } = new ClientKeyword("StrictHostKeyChecking", ClientValueKind.Choice, choices: new Dictionary<string, string>
        {
            ["yes"] = "true", ["true"] = "true", ["no"] = "false", ["false"] = "false", ["off"] = "false", ["ask"] = "ask", ["accept-new"] = "accept-new",
        });

        public static ClientKeyword UserKnownHostsFile { get; } = new ClientKeyword("UserKnownHostsFile", ClientValueKind.PathList);

        /// <summary>Resolved because it decides whether OpenSSH re-reads the configuration (final pass).</summary>
        public static ClientKeyword CanonicalizeHostname { get; } = new ClientKeyword("CanonicalizeHostname", ClientValueKind.Choice, choices: new Dictionary<string, string>
        {
            ["yes"] = "true", ["true"] = "true", ["no"] = "false", ["false"] = "false", ["always"] = "always",
        });

        /// <summary>Every keyword the resolver reports, in report order.</summary>
        public static IReadOnlyList<ClientKeyword> All { get; } = new[]
        {
            ServerAliveInterval, ServerAliveCountMax, TCPKeepAlive, ConnectTimeout, ConnectionAttempts, ChannelTimeout,
            HostName, Port, User, IdentityFile, StrictHostKeyChecking, UserKnownHostsFile, CanonicalizeHostname,
        };

        private static readonly Dictionary<string, ClientKeyword> ByName =
            All.SelectMany(k => new[] { k.Name }.Concat(k.Aliases).Select(n => new KeyValuePair<string, ClientKeyword>(n, k)))
               .ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);

        /// <summary>The keyword for a name or alias, case-insensitively; null when not one we resolve.</summary>
        public static ClientKeyword? Find(string keyword) => ByName.TryGetValue(keyword, out ClientKeyword? found) ? found : null;

        /// <summary>True for keywords whose every active line contributes (rather than the first one winning).</summary>
        public bool Accumulates => Kind == ClientValueKind.AccumulatedPath;

        /// <summary>
        /// Reads a directive's arguments: the typed value (int seconds, int, bool, string, or string list), or
        /// null with <paramref name="error"/> set. <paramref name="isNone"/> is set for a time "none", which
        /// OpenSSH treats as "not set here".
        /// </summary>
        internal object? Parse(IReadOnlyList<string> arguments, out bool isNone, out string? error)
        {
            isNone = false;
            error = null;
            if (arguments.Count == 0 || HasEmpty(arguments))
            {
                error = $"{Name}: missing or empty argument";
                return null;
            }

            if (Kind == ClientValueKind.PathList || Kind == ClientValueKind.ChannelTimeouts)
            {
                return ParseList(arguments, out error);
            }

            if (arguments.Count > 1)
            {
                error = $"keyword {Name} extra arguments at end of line";
                return null;
            }

            string text = arguments[0];
            switch (Kind)
            {
                case ClientValueKind.Time:
                    if (text == "none")
                    {
                        isNone = true;
                        return null;
                    }

                    return OpenSshValues.TryParseTime(text, out int seconds) ? Boxed(seconds) : Fail($"invalid time value '{text}' for {Name}", out error);
                case ClientValueKind.Integer:
                    return OpenSshValues.TryParseInteger(text, out int count) ? Boxed(count) : Fail($"integer value '{text}' for {Name} is invalid", out error);
                case ClientValueKind.Flag:
                    return OpenSshValues.TryParseFlag(text, out bool flag) ? (flag ? True : False) : Fail($"unsupported option '{text}' for {Name}: expected yes or no", out error);
                case ClientValueKind.Port:
                    return OpenSshValues.TryParsePort(text, out int port) || ServiceNames.TryGetTcpPort(text, out port) ? Boxed(port) : Fail($"bad port '{text}'", out error);
                case ClientValueKind.Choice:
                    return choices!.TryGetValue(text.ToLowerInvariant(), out string? choice)
                        ? choice
                        : Fail($"unsupported option '{text}' for {Name}: expected one of {string.Join(", ", choices.Keys)}", out error);
                default:
                    return text;
            }
        }

        public override string ToString() => Name;

        private object? ParseList(IReadOnlyList<string> arguments, out string? error)
        {
            error = null;
            if (arguments.Any(a => a.Equals("none", StringComparison.OrdinalIgnoreCase)) && arguments.Count > 1)
            {
                return Fail($"keyword {Name} \"none\" argument must appear alone", out error);
            }

            if (Kind == ClientValueKind.ChannelTimeouts)
            {
                string? bad = arguments.FirstOrDefault(a => !a.Equals("none", StringComparison.OrdinalIgnoreCase) && !OpenSshValues.IsChannelTimeout(a));
                if (bad != null)
                {
                    return Fail($"invalid channel timeout {bad}", out error);
                }
            }

            return arguments.ToArray();
        }

        // A large config repeats a few values: their boxes are shared rather than made per line.
        private static readonly object True = true;
        private static readonly object False = false;
        private static readonly object[] SmallNumbers = Enumerable.Range(0, 4096).Select(n => (object)n).ToArray();

        private static object Boxed(int value) => value >= 0 && value < SmallNumbers.Length ? SmallNumbers[value] : value;

        private static bool HasEmpty(IReadOnlyList<string> arguments)
        {
            for (int i = 0; i < arguments.Count; i++)
            {
                if (arguments[i].Length == 0)
                {
                    return true;
                }
            }

            return false;
        }

        private static object? Fail(string message, out string? error)
        {
            error = message;
            return null;
        }
    }
}
