using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace SshKeepAlive.Core.OpenSsh
{
    public enum ForwardKind
    {
        /// <summary>-L / LocalForward: a listener here, connections carried to a host the server reaches.</summary>
        Local,

        /// <summary>-R / RemoteForward: a listener on the server, connections carried to a host this side reaches.</summary>
        Remote,

        /// <summary>-D / DynamicForward: a SOCKS listener here; each client names its destination.</summary>
        Dynamic,
    }

    /// <summary>
    /// One port forward as ssh reads it (readconf.c parse_forward): <c>[bind:]port:host:hostport</c> for local and
    /// remote forwards, <c>[bind:]port</c> for dynamic ones; a field in square brackets is taken literally (IPv6), a
    /// field with '/' is a Unix socket path.
    /// </summary>
    public sealed class ForwardSpec : IEquatable<ForwardSpec>
    {
        private ForwardSpec(ForwardKind kind, string? listenHost, int listenPort, string? listenPath, string? connectHost, int connectPort, string? connectPath)
        {
            Kind = kind;
            ListenHost = listenHost;
            ListenPort = listenPort;
            ListenPath = listenPath;
            ConnectHost = connectHost;
            ConnectPort = connectPort;
            ConnectPath = connectPath;
        }

        public ForwardKind Kind { get; }

        /// <summary>The bind address as given; null: the default (loopback unless GatewayPorts).</summary>
        public string? ListenHost { get; }

        /// <summary>0 for a remote forward whose port the server picks.</summary>
        public int ListenPort { get; }

        /// <summary>A Unix socket to listen on instead of a port.</summary>
        public string? ListenPath { get; }

        /// <summary>Null for dynamic forwards.</summary>
        public string? ConnectHost { get; }

        public int ConnectPort { get; }

        /// <summary>A Unix socket to connect to instead of a host and port.</summary>
        public string? ConnectPath { get; }

        /// <summary>A SOCKS forward: -D, or a RemoteForward without a destination (the client names it).</summary>
        public bool IsDynamic => ConnectHost == null && ConnectPath == null;

        /// <summary>True when one side is a Unix socket path.</summary>
        public bool UsesUnixSocket => ListenPath != null || ConnectPath != null;

        /// <summary>
        /// Reads a forward as ssh_config writes it (<c>LocalForward 8080 web:80</c>, two arguments; a RemoteForward of
        /// one argument is a remote dynamic forward); null with <paramref name="error"/> when ssh would refuse it.
        /// </summary>
        public static ForwardSpec? Parse(ForwardKind kind, IReadOnlyList<string> arguments, out string? error) =>
            Parse(kind, arguments, commandLine: false, out error);

        /// <summary>A forward as ssh's -L, -R and -D take it: one argument, <c>[bind:]port:host:hostport</c>.</summary>
        public static ForwardSpec? ParseCommandLine(ForwardKind kind, string argument, out string? error) =>
            Parse(kind, new[] { argument }, commandLine: true, out error);

        private static ForwardSpec? Parse(ForwardKind kind, IReadOnlyList<string> arguments, bool commandLine, out string? error)
        {
            error = null;
            if (arguments.Count == 0 || arguments[0].Length == 0)
            {
                error = "Missing argument.";
                return null;
            }

            bool dynamic = kind == ForwardKind.Dynamic;
            string spec = arguments[0];
            if (!dynamic && !commandLine && kind == ForwardKind.Local && arguments.Count == 1)
            {
                error = "Missing target argument.";
                return null;
            }

            if (!dynamic && arguments.Count > 1)
            {
                if (arguments[1].Length == 0)
                {
                    error = "Missing target argument.";
                    return null;
                }

                spec += ":" + arguments[1];
            }

            int extra = dynamic || arguments.Count == 1 ? 1 : 2;
            if (arguments.Count > extra)
            {
                error = "extra arguments at end of line";
                return null;
            }

            // A RemoteForward of one argument is a remote dynamic forward; ssh -R tries a plain forward first.
            bool remoteDynamic = kind == ForwardKind.Remote && arguments.Count == 1;
            ForwardSpec? forward = commandLine && remoteDynamic
                ? ParseFields(kind, SplitFields(spec), dynamic: false) ?? ParseFields(kind, SplitFields(spec), dynamic: true)
                : ParseFields(kind, SplitFields(spec), dynamic || remoteDynamic);
            if (forward == null)
            {
                error = "Bad forwarding specification.";
            }

            return forward;
        }

        public override string ToString()
        {
            string listen = ListenPath ?? (ListenHost == null ? string.Empty : Bracket(ListenHost) + ":") + ListenPort.ToString(CultureInfo.InvariantCulture);
            if (ConnectHost == null && ConnectPath == null)
            {
                return listen;
            }

            return listen + " " + (ConnectPath ?? Bracket(ConnectHost!) + ":" + ConnectPort.ToString(CultureInfo.InvariantCulture));
        }

        public bool Equals(ForwardSpec? other) => other != null && ToString() == other.ToString() && Kind == other.Kind;

        public override bool Equals(object? obj) => Equals(obj as ForwardSpec);

        public override int GetHashCode() => ToString().GetHashCode();

        private static string Bracket(string host) => host.IndexOf(':') >= 0 ? "[" + host + "]" : host;

        private static ForwardSpec? ParseFields(ForwardKind kind, List<(string Text, bool IsPath)>? fields, bool dynamic)
        {
            if (fields == null)
            {
                return null;
            }

            string? listenHost = null, listenPath = null, connectHost = null, connectPath = null;
            int listenPort, connectPort = 0;
            switch (fields.Count)
            {
                case 1 when dynamic && fields[0].IsPath:
                    (listenPath, listenPort) = (fields[0].Text, -2);
                    break;
                case 1 when dynamic:
                    listenPort = Port(fields[0].Text);
                    break;
                case 2 when dynamic:
                    (listenHost, listenPort) = (fields[0].Text, Port(fields[1].Text));
                    break;
                case 2 when fields[0].IsPath && fields[1].IsPath:
                    (listenPath, listenPort, connectPath) = (fields[0].Text, -2, fields[1].Text);
                    break;
                case 2 when fields[1].IsPath:
                    (listenPort, connectPath) = (Port(fields[0].Text), fields[1].Text);
                    break;
                case 3 when !dynamic && fields[0].IsPath:
                    (listenPath, listenPort, connectHost, connectPort) = (fields[0].Text, -2, fields[1].Text, Port(fields[2].Text));
                    break;
                case 3 when !dynamic && fields[2].IsPath:
                    (listenHost, listenPort, connectPath) = (fields[0].Text, Port(fields[1].Text), fields[2].Text);
                    break;
                case 3 when !dynamic:
                    (listenPort, connectHost, connectPort) = (Port(fields[0].Text), fields[1].Text, Port(fields[2].Text));
                    break;
                case 4 when !dynamic:
                    (listenHost, listenPort, connectHost, connectPort) = (fields[0].Text, Port(fields[1].Text), fields[2].Text, Port(fields[3].Text));
                    break;
                default:
                    return null;
            }

            if (!dynamic && connectPath == null && (connectPort <= 0 || connectHost == null))
            {
                return null;
            }

            if ((listenPort < 0 && listenPath == null) || (kind != ForwardKind.Remote && listenPort == 0))
            {
                return null;
            }

            return new ForwardSpec(kind, listenHost, Math.Max(listenPort, 0), listenPath, connectHost, connectPort, connectPath);
        }

        // a2port: a number 0-65535 or a tcp service name; -1 when neither.
        private static int Port(string text) =>
            OpenSshValues.TryParseInteger(text, out int port) ? (port <= 65535 ? port : -1)
            : ServiceNames.TryGetTcpPort(text, out port) ? port : -1;

        // parse_fwd_field: ':' separates fields; "[...]" is literal; '\' escapes; a '/' makes a field a path.
        private static List<(string Text, bool IsPath)>? SplitFields(string spec)
        {
            var fields = new List<(string, bool)>();
            int i = 0;
            while (i < spec.Length && char.IsWhiteSpace(spec[i]))
            {
                i++;
            }

            while (i < spec.Length && fields.Count < 4)
            {
                if (spec[i] == '[')
                {
                    int close = spec.IndexOf(']', i + 1);
                    if (close < 0 || (close + 1 < spec.Length && spec[close + 1] != ':'))
                    {
                        return null;
                    }

                    string literal = spec.Substring(i + 1, close - i - 1);
                    fields.Add((literal, literal.IndexOf('/') >= 0));
                    i = close + 2;
                    continue;
                }

                var field = new StringBuilder();
                bool isPath = false;
                for (; i < spec.Length && spec[i] != ':'; i++)
                {
                    if (spec[i] == '\\')
                    {
                        if (++i >= spec.Length)
                        {
                            return null;
                        }
                    }
                    else if (spec[i] == '/')
                    {
                        isPath = true;
                    }

                    field.Append(spec[i]);
                }

                i++;
                fields.Add((field.ToString(), isPath));
            }

            return i < spec.Length ? null : fields;
        }
    }
}
