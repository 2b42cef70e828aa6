using System;
using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.OpenSsh;

namespace SshKeepAlive.Core.ClientConfig
{
    /// <summary>
    /// What ssh checks when it reads a line of the keywords the resolver does not report (readconf.c
    /// process_config_line): yes/no flags, fixed choices, times, numbers, forwards, jump hosts, environment names,
    /// algorithm lists, and one argument where one is taken. ssh refuses the whole file for a bad value, in an active
    /// block or not; a keyword without an entry here is taken as written.
    /// </summary>
    internal static class ClientKeywordSyntax
    {
        private static readonly string[] Flag = { "yes", "no", "true", "false" };

        private static readonly Dictionary<string, Func<ClientDirectiveText, string?>> Checks =
            new Dictionary<string, Func<ClientDirectiveText, string?>>(StringComparer.OrdinalIgnoreCase)
            {
                ["BatchMode"] = OneOf(Flag),
                ["CanonicalizeFallbackLocal"] = OneOf(Flag),
                ["CheckHostIP"] = OneOf(Flag),
                ["ClearAllForwardings"] = OneOf(Flag),
                ["EnableEscapeCommandline"] = OneOf(Flag),
                ["EnableSSHKeysign"] = OneOf(Flag),
                ["ExitOnForwardFailure"] = OneOf(Flag),
                ["ForkAfterAuthentication"] = OneOf(Flag),
                ["ForwardX11"] = OneOf(Flag),
                ["ForwardX11Trusted"] = OneOf(Flag),
                ["GatewayPorts"] = OneOf(Flag),
                ["GSSAPIAuthentication"] = OneOf(Flag),
                ["GSSAPIDelegateCredentials"] = OneOf(Flag),
                ["HashKnownHosts"] = OneOf(Flag),
                ["HostbasedAuthentication"] = OneOf(Flag),
                ["IdentitiesOnly"] = OneOf(Flag),
                ["KbdInteractiveAuthentication"] = OneOf(Flag),
                ["NoHostAuthenticationForLocalhost"] = OneOf(Flag),
                ["PasswordAuthentication"] = OneOf(Flag),
                ["PermitLocalCommand"] = OneOf(Flag),
                ["ProxyUseFdpass"] = OneOf(Flag),
                ["StdinNull"] = OneOf(Flag),
                ["StreamLocalBindUnlink"] = OneOf(Flag),
                ["VisualHostKey"] = OneOf(Flag),
                ["AddressFamily"] = OneOf("inet", "inet6", "any"),
                ["Compression"] = OneOf("yes", "no"),
                ["ControlMaster"] = OneOf("yes", "no", "true", "false", "auto", "ask", "autoask"),
                ["FingerprintHash"] = OneOf("md5", "sha256"),
                ["PubkeyAuthentication"] = OneOf("yes", "no", "true", "false", "unbound", "host-bound"),
                ["RequestTTY"] = OneOf("yes", "no", "true", "false", "force", "auto"),
                ["SessionType"] = OneOf("none", "subsystem", "default"),
                ["Tunnel"] = OneOf("yes", "no", "true", "false", "ethernet", "point-to-point"),
                ["UpdateHostKeys"] = OneOf("yes", "no", "true", "false", "ask"),
                ["VerifyHostKeyDNS"] = OneOf("yes", "no", "true", "false", "ask"),
                ["LogLevel"] = OneOf("QUIET", "FATAL", "ERROR", "INFO", "VERBOSE", "DEBUG", "DEBUG1", "DEBUG2", "DEBUG3"),
                ["ForwardX11Timeout"] = Time,
                ["CanonicalizeMaxDots"] = Integer,
                ["NumberOfPasswordPrompts"] = Integer,
                ["RequiredRSASize"] = Integer,
                ["ControlPersist"] = d => One(d) ?? (Flag.Contains(d.Arguments[0].ToLowerInvariant()) || OpenSshValues.TryParseTime(d.Arguments[0], out _) ? null : $"Bad ControlPersist argument '{d.Arguments[0]}'."),
                ["EscapeChar"] = d => One(d) ?? (d.Arguments[0] == "none" || d.Arguments[0].Length == 1 || (d.Arguments[0].Length == 2 && d.Arguments[0][0] == '^') ? null : $"Bad escape character '{d.Arguments[0]}'."),
                ["BindAddress"] = One,
                ["BindInterface"] = One,
                ["CertificateFile"] = One,
                ["ControlPath"] = One,
                ["HostKeyAlias"] = One,
                ["IdentityAgent"] = One,
                ["KbdInteractiveDevices"] = One,
                ["PKCS11Provider"] = One,
                ["PreferredAuthentications"] = One,
                ["RevokedHostKeys"] = One,
                ["SecurityKeyProvider"] = One,
                ["XAuthLocation"] = One,
                ["ForwardAgent"] = One,
                ["GlobalKnownHostsFile"] = d => d.Arguments.Count > 1 && d.Arguments.Any(a => a.Equals("none", StringComparison.OrdinalIgnoreCase)) ? "keyword GlobalKnownHostsFile \"none\" argument must appear alone." : null,
                ["LocalForward"] = d => Forward(ForwardKind.Local, d),
                ["RemoteForward"] = d => Forward(ForwardKind.Remote, d),
                ["DynamicForward"] = d => Forward(ForwardKind.Dynamic, d),
                ["ProxyJump"] = d => d.Arguments.Count == 0 || d.Arguments[0].Length == 0 ? "Missing argument." : JumpHosts(d.Arguments[0]),
                ["ProxyCommand"] = d => d.Rest.Trim().Length == 0 ? "Missing argument." : null,
                ["RemoteCommand"] = d => d.Rest.Trim().Length == 0 ? "Missing argument." : null,
                ["LocalCommand"] = d => d.Rest.Trim().Length == 0 ? "Missing argument." : null,
                ["KnownHostsCommand"] = d => d.Rest.Trim().Length == 0 ? "Missing argument." : null,
                ["SendEnv"] = d => d.Arguments.Any(a => a.Length == 0 || a.IndexOf('=') >= 0) ? "Invalid environment name." : null,
                ["SetEnv"] = d => d.Arguments.Any(a => a.IndexOf('=') < 0) ? "Invalid SetEnv." : null,
                ["Ciphers"] = d => Algorithms(AlgorithmKind.Ciphers, d),
                ["MACs"] = d => Algorithms(AlgorithmKind.MACs, d),
                ["KexAlgorithms"] = d => Algorithms(AlgorithmKind.KexAlgorithms, d),
                ["HostKeyAlgorithms"] = d => Algorithms(AlgorithmKind.HostKeyAlgorithms, d),
                ["PubkeyAcceptedAlgorithms"] = d => Algorithms(AlgorithmKind.PubkeyAcceptedAlgorithms, d),
                ["HostbasedAcceptedAlgorithms"] = d => Algorithms(AlgorithmKind.HostbasedAcceptedAlgorithms, d),
                ["CASignatureAlgorithms"] = d => Algorithms(AlgorithmKind.CASignatureAlgorithms, d),
            };

        /// <summary>The keywords whose lines this table checks (the oracle test walks them).</summary>
        public static IEnumerable<string> CheckedKeywords => Checks.Keys;

        /// <summary>ssh's complaint about the line, or null when ssh takes it.</summary>
        public static string? Check(string keyword, IReadOnlyList<string> arguments, string rest) =>
            Checks.TryGetValue(keyword, out Func<ClientDirectiveText, string?>? check) ? check(new ClientDirectiveText(keyword, arguments, rest)) : null;

        private static Func<ClientDirectiveText, string?> OneOf(params string[] choices) => d =>
            One(d) ?? (choices.Any(c => string.Equals(c, d.Arguments[0], StringComparison.OrdinalIgnoreCase)) ? null : $"unsupported option \"{d.Arguments[0]}\".");

        private static string? One(ClientDirectiveText d)
        {
            if (d.Arguments.Count == 0 || d.Arguments[0].Length == 0)
            {
                return "Missing argument.";
            }

            return d.Arguments.Count > 1 ? $"keyword {d.Keyword} extra arguments at end of line" : null;
        }

        private static string? Time(ClientDirectiveText d) =>
            One(d) ?? (d.Arguments[0] == "none" || OpenSshValues.TryParseTime(d.Arguments[0], out _) ? null : "invalid time value.");

        private static string? Integer(ClientDirectiveText d) =>
            One(d) ?? (OpenSshValues.TryParseInteger(d.Arguments[0], out _) ? null : $"integer value \"{d.Arguments[0]}\" is invalid.");

        private static string? Forward(ForwardKind kind, ClientDirectiveText d)
        {
            ForwardSpec.Parse(kind, d.Arguments, out string? error);
            return error;
        }

        private static string? JumpHosts(string value)
        {
            try
            {
                SshTarget.ParseJumpHosts(value);
                return null;
            }
            catch (FormatException ex)
            {
                return ex.Message;
            }
        }

        private static string? Algorithms(AlgorithmKind kind, ClientDirectiveText d) =>
            One(d) ?? AlgorithmLists.Validate(kind, d.Arguments[0]);
    }

    /// <summary>A line's keyword, its arguments, and the text after its keyword as ssh's commands take it.</summary>
    internal sealed class ClientDirectiveText
    {
        public ClientDirectiveText(string keyword, IReadOnlyList<string> arguments, string rest)
        {
            Keyword = keyword;
            Arguments = arguments;
            Rest = rest;
        }

        public string Keyword { get; }

        public IReadOnlyList<string> Arguments { get; }

        public string Rest { get; }
    }
}
