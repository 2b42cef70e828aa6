using System;
using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.Ssh;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>
    /// Applies the ssh_config keywords beyond the resolver's own to session settings, each with ssh's rule (the first
    /// value wins; IdentityFile, CertificateFile and the forwards add up) and its %-tokens and ${VAR}s expanded as ssh
    /// expands them. Every keyword is either honoured, or harmless where it stands (a display option, a value equal to
    /// what sessions do anyway), or recorded in <see cref="SshSessionSettings.Unsupported"/> for the connect's one warning.
    /// </summary>
    internal static class SessionConfigReader
    {
        // Keywords sessions do what they say for, whatever the value: read below, or structural.
        private static readonly HashSet<string> Honoured = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "IdentitiesOnly", "IdentityAgent", "CertificateFile", "HashKnownHosts", "GlobalKnownHostsFile", "HostKeyAlias",
            "Ciphers", "MACs", "KexAlgorithms", "HostKeyAlgorithms", "BatchMode", "RemoteCommand", "RequestTTY",
            "PasswordAuthentication", "KbdInteractiveAuthentication", "PubkeyAuthentication", "NumberOfPasswordPrompts",
            "ProxyJump", "ProxyCommand", "LocalForward", "RemoteForward", "DynamicForward", "ExitOnForwardFailure",
            "ClearAllForwardings", "GatewayPorts", "Compression",

            // Only meaningful with a feature sessions refuse or do not have, which is named on its own line if used.
            "CanonicalDomains", "CanonicalizeFallbackLocal", "CanonicalizeMaxDots", "CanonicalizePermittedCNAMEs",
            "ForwardX11Trusted", "ForwardX11Timeout", "XAuthLocation", "HostbasedAcceptedAlgorithms", "StreamLocalBindMask",
            "StreamLocalBindUnlink", "GSSAPIClientIdentity", "GSSAPIDelegateCredentials", "GSSAPIKeyExchange",
            "GSSAPIRenewalForcesRekey", "GSSAPIServerIdentity", "GSSAPITrustDns", "GSSAPIKexAlgorithms", "LocalCommand",
            "TunnelDevice", "ControlPersist", "Tag",

            // How ssh reports, not what it does to the connection: sessions report through -Verbose and their events.
            "LogLevel", "LogVerbose", "SyslogFacility", "VisualHostKey", "FingerprintHash", "WarnWeakCrypto",
        };

        // Keywords that are fine at these values (what sessions do anyway), and named in the warning otherwise.
        private static readonly Dictionary<string, string[]> HarmlessAt = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)
        {
            ["AddKeysToAgent"] = new[] { "no", "false" },
            ["AddressFamily"] = new[] { "any" },
            ["CheckHostIP"] = new[] { "no", "false" },
            ["ControlMaster"] = new[] { "no", "false" },
            ["ControlPath"] = new[] { "none" },
            ["EnableEscapeCommandline"] = new[] { "no", "false" },
            ["EnableSSHKeysign"] = new[] { "no", "false" },
            ["EscapeChar"] = new[] { "~" },
            ["ForkAfterAuthentication"] = new[] { "no", "false" },
            ["ForwardAgent"] = new[] { "no", "false" },
            ["ForwardX11"] = new[] { "no", "false" },
            ["HostbasedAuthentication"] = new[] { "no", "false" },
            ["KbdInteractiveDevices"] = new string[0],
            ["NoHostAuthenticationForLocalhost"] = new[] { "no", "false" },
            ["ObscureKeystrokeTiming"] = new[] { "no", "false" },
            ["PermitLocalCommand"] = new[] { "no", "false" },
            ["PKCS11Provider"] = new[] { "none" },
            ["ProxyUseFdpass"] = new[] { "no", "false" },
            ["SecurityKeyProvider"] = new[] { "internal" },
            ["SessionType"] = new[] { "default" },
            ["StdinNull"] = new[] { "no", "false" },
            ["Tunnel"] = new[] { "no", "false" },
            ["UpdateHostKeys"] = new[] { "no", "false" },
            ["VerifyHostKeyDNS"] = new[] { "no", "false" },
            ["RefuseConnection"] = new[] { "no", "false" },
        };

        // Why a keyword is not honoured, where a user would otherwise expect it to work. ForwardAgent: SSH.NET parses
        // every incoming SSH_MSG_CHANNEL_OPEN itself and throws on a type it does not know (auth-agent@openssh.com among
        // them), which ends its message loop and so the connection; nothing outside SSH.NET can accept such a channel.
        private static readonly Dictionary<string, string> WhyUnsupported = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["ForwardAgent"] = "SSH.NET cannot forward the agent: it drops the connection when the server opens an agent channel; " +
                "ProxyJump reaches hosts beyond this one with the local keys",

            // Named only when honouring them is not possible here (IsHonouredHere).
            ["GSSAPIAuthentication"] = "a Kerberos ticket may be there, but SSH.NET has no gssapi-with-mic: sessions authenticate without it",
            ["SendEnv"] = "the SSH.NET loaded has no way to send env requests",
            ["SetEnv"] = "the SSH.NET loaded has no way to send env requests",
        };

        /// <summary>
        /// What a terminal session (Enter-PersistentSsh) cannot do as ssh would: run RemoteCommand instead of the shell,
        /// or go without a terminal; and what a command session (New-PersistentSshSession, whose commands run without a
        /// terminal) cannot: RequestTTY yes or force. Those lines join the connect's one warning.
        /// </summary>
        public static void MarkUnsupportedFor(SshSessionSettings settings, bool interactive)
        {
            void Unsupported(string keyword)
            {
                if (settings.ConfiguredAt.TryGetValue(keyword, out ConfigSource? source))
                {
                    settings.Unsupported.Add(new UnsupportedSetting(keyword, source));
                }
            }

            if (interactive && settings.RemoteCommand != null)
            {
                Unsupported("RemoteCommand");
            }

            if (interactive ? settings.RequestTty == "no" || settings.RequestTty == "false" : settings.RequestTty == "yes" || settings.RequestTty == "true" || settings.RequestTty == "force")
            {
                Unsupported("RequestTTY");
            }
        }

        public static void Apply(ClientResolution resolution, string homeDirectory, SshSessionSettings settings, OpenSshVersion? openSshVersion)
        {
            var context = new Context(resolution, homeDirectory, openSshVersion);
            settings.DefaultKeyFiles.Clear();
            var identityFiles = (string[])resolution[ClientKeyword.IdentityFile].Value!;
            ConfigSource? identitySource = resolution[ClientKeyword.IdentityFile].Sources.FirstOrDefault();
            settings.DefaultKeyFiles.AddRange(identityFiles.Select(f => context.Path("IdentityFile", f, identitySource)).Distinct());

            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            bool clearForwards = context.Flag("ClearAllForwardings") == true;
            foreach (ClientDirective directive in resolution.Directives)
            {
                bool first = seen.Add(directive.Keyword);
                ApplyAccumulating(directive, context, settings, clearForwards);
                if (first)
                {
                    settings.ConfiguredAt[directive.Keyword] = directive.Source;
                    ApplyFirst(directive, context, settings);
                }

                if (first && !Honoured.Contains(directive.Keyword) && !IsHarmless(directive) && !IsHonouredHere(directive))
                {
                    WhyUnsupported.TryGetValue(directive.Keyword, out string? why);
                    settings.Unsupported.Add(new UnsupportedSetting(directive.Keyword, directive.Source, why));
                }
            }

            ApplyProxy(resolution, context, settings);
        }

        // Keywords honoured as far as this SSH.NET and this machine allow.
        private static bool IsHonouredHere(ClientDirective directive) => directive.Keyword switch
        {
            "SendEnv" or "SetEnv" => SshNetEnvironment.Current.IsBound,

            // ssh's gssapi-with-mic needs a Kerberos ticket: without one it fails silently and authentication goes on, as here.
            "GSSAPIAuthentication" => !(OpenSshValues.TryParseFlag(directive.Arguments[0], out bool on) && on) || !KerberosCache.MayExistHere(),
            _ => false,
        };

        private static bool IsHarmless(ClientDirective directive) =>
            HarmlessAt.TryGetValue(directive.Keyword, out string[]? values) && values.Any(v => string.Equals(v, directive.Arguments.FirstOrDefault(), StringComparison.OrdinalIgnoreCase));

        // The keywords every active line of adds to.
        private static void ApplyAccumulating(ClientDirective directive, Context context, SshSessionSettings settings, bool clearForwards)
        {
            switch (directive.Keyword)
            {
                case "CertificateFile":
                    string certificate = context.Path(directive.Keyword, directive.Arguments[0], directive.Source);
                    if (!settings.CertificateFiles.Contains(certificate))
                    {
                        settings.CertificateFiles.Add(certificate);
                    }

                    break;
                case "SendEnv":
                    foreach (string pattern in directive.Arguments)
                    {
                        settings.SentEnvironment.AddSendPattern(pattern);
                    }

                    break;
                case "SetEnv":
                    settings.SentEnvironment.SetFirst(context.ExpandsSetEnv ? directive.Arguments.Select(pair => SetEnvExpanded(pair, context, directive)) : directive.Arguments);
                    break;
                case "LocalForward":
                case "RemoteForward":
                case "DynamicForward":
                    var kind = (ForwardKind)Enum.Parse(typeof(ForwardKind), directive.Keyword.Substring(0, directive.Keyword.Length - "Forward".Length));
                    ForwardSpec? forward = ForwardSpec.Parse(kind, directive.Arguments, out _);
                    if (forward == null || clearForwards || settings.Forwards.Contains(forward))
                    {
                        break;
                    }

                    if (forward.UsesUnixSocket || (forward.IsDynamic && kind == ForwardKind.Remote))
                    {
                        settings.Unsupported.Add(new UnsupportedSetting(directive.Keyword, directive.Source));
                    }
                    else
                    {
                        settings.Forwards.Add(forward);
                    }

                    break;
            }
        }

        // The keywords whose first active line wins.
        private static void ApplyFirst(ClientDirective directive, Context context, SshSessionSettings settings)
        {
            string value = directive.Arguments.FirstOrDefault() ?? string.Empty;
            bool yes = OpenSshValues.TryParseFlag(value, out bool flag) && flag;
            switch (directive.Keyword)
            {
                case "IdentitiesOnly": settings.IdentitiesOnly = yes; break;
                case "BatchMode": settings.BatchMode = yes; break;
                case "HashKnownHosts": settings.HashKnownHosts = yes; break;
                case "PasswordAuthentication": settings.PasswordAuthentication = yes; break;
                case "KbdInteractiveAuthentication": settings.KbdInteractiveAuthentication = yes; break;
                case "PubkeyAuthentication": settings.PubkeyAuthentication = !value.Equals("no", StringComparison.OrdinalIgnoreCase) && !value.Equals("false", StringComparison.OrdinalIgnoreCase); break;
                case "ExitOnForwardFailure": settings.ExitOnForwardFailure = yes; break;
                case "GatewayPorts": settings.GatewayPorts = yes; break;
                case "Compression":
                    settings.Compression = yes;
                    if (yes && !SshConnector.CompressionAvailable())
                    {
                        settings.Unsupported.Add(new UnsupportedSetting(directive.Keyword, directive.Source));
                    }

                    break;
                case "NumberOfPasswordPrompts": settings.NumberOfPasswordPrompts = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                case "HostKeyAlias": settings.HostKeyAlias = value.ToLowerInvariant(); break;
                case "RequestTTY": settings.RequestTty = value.ToLowerInvariant(); break;
                case "RemoteCommand":
                    settings.RemoteCommand = value.Equals("none", StringComparison.OrdinalIgnoreCase) && directive.Arguments.Count == 1
                        ? null
                        : context.Expand(directive.Keyword, directive.Rest, directive.Source, dollar: false);
                    break;
                case "IdentityAgent":
                    settings.AgentSocket = IdentityAgent(value, context, directive.Source);
                    break;
                case "GlobalKnownHostsFile":
                    settings.GlobalKnownHostsFiles.RemoveAll(HostKeyVerifier.DefaultGlobalKnownHostsFiles.Contains);
                    if (!value.Equals("none", StringComparison.OrdinalIgnoreCase))
                    {
                        settings.GlobalKnownHostsFiles.AddRange(directive.Arguments.Select(f => context.Path(directive.Keyword, f, directive.Source)));
                    }

                    break;
                default:
                    if (AlgorithmLists.KindOf(directive.Keyword) is AlgorithmKind algorithms && algorithms <= AlgorithmKind.HostKeyAlgorithms)
                    {
                        settings.Algorithms[algorithms] = AlgorithmLists.Resolve(algorithms, value);
                    }

                    break;
            }
        }

        // Only the value: NAME=%h is NAME=<host>; a pair without '=' is left for SetFirst to skip, as ssh skips it.
        private static string SetEnvExpanded(string pair, Context context, ClientDirective directive)
        {
            int equals = pair.IndexOf('=');
            return equals < 0 ? pair : pair.Substring(0, equals + 1) + context.Expand(directive.Keyword, pair.Substring(equals + 1), directive.Source, dollar: true);
        }

        // IdentityAgent: none, SSH_AUTH_SOCK (the variable's value), $VAR (legacy), or a path with ~, %-tokens and ${VAR}.
        private static string? IdentityAgent(string value, Context context, ConfigSource source)
        {
            if (value.Equals("none", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            if (value == SshAgentClient.SocketVariable)
            {
                return Environment.GetEnvironmentVariable(SshAgentClient.SocketVariable);
            }

            if (value.StartsWith("$", StringComparison.Ordinal) && !value.StartsWith("${", StringComparison.Ordinal))
            {
                return Environment.GetEnvironmentVariable(value.Substring(1));
            }

            return context.Path("IdentityAgent", value, source);
        }

        // ProxyJump and ProxyCommand: whichever active line comes first wins; "none" turns both off.
        private static void ApplyProxy(ClientResolution resolution, Context context, SshSessionSettings settings)
        {
            ClientDirective? proxy = resolution.Directives.FirstOrDefault(d => d.Keyword == "ProxyJump" || d.Keyword == "ProxyCommand");
            if (proxy == null || (proxy.Arguments.Count == 1 && proxy.Arguments[0].Equals("none", StringComparison.OrdinalIgnoreCase)))
            {
                return;
            }

            if (proxy.Keyword == "ProxyJump")
            {
                settings.ConfiguredProxyJump = (proxy.Arguments[0], proxy.Source);
                return;
            }

            if (proxy.Rest == "-")
            {
                settings.Unsupported.Add(new UnsupportedSetting(proxy.Keyword, proxy.Source));
                return;
            }

            // sshconnect.c: only %h %k %n %p %r, and no ${VAR}.
            var tokens = new Dictionary<char, string>
            {
                ['h'] = settings.HostName, ['k'] = settings.HostKeyAlias ?? resolution.Tokens['n'], ['n'] = resolution.Tokens['n'],
                ['p'] = settings.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), ['r'] = settings.User,
            };
            settings.ProxyCommand = context.Expand(proxy.Keyword, proxy.Rest, proxy.Source, dollar: false, tokens);
        }

        private sealed class Context
        {
            private readonly ClientResolution resolution;
            private readonly string home;

            public Context(ClientResolution resolution, string home, OpenSshVersion? openSshVersion)
            {
                this.resolution = resolution;
                this.home = home;
                ExpandsSetEnv = OpenSshReleases.ExpandsSetEnv(openSshVersion);
            }

            public bool ExpandsSetEnv { get; }

            public bool? Flag(string keyword)
            {
                ClientDirective? line = resolution.DirectivesOf(keyword).FirstOrDefault();
                return line != null && OpenSshValues.TryParseFlag(line.Arguments[0], out bool value) ? value : (bool?)null;
            }

            // tilde_expand_filename, then percent_dollar_expand with the connection's tokens.
            public string Path(string keyword, string path, ConfigSource? source)
            {
                string tilde = path == "~" || path.StartsWith("~/", StringComparison.Ordinal) ? home + path.Substring(1) : path;
                return Expand(keyword, tilde, source, dollar: true);
            }

            public string Expand(string keyword, string text, ConfigSource? source, bool dollar, IReadOnlyDictionary<char, string>? tokens = null)
            {
                string? expanded = PercentExpander.Expand(text, tokens ?? resolution.Tokens, dollar ? Environment.GetEnvironmentVariable : (Func<string, string?>?)null, out string? error);
                return expanded ?? throw new SshKeepAliveException(
                    ErrorId.ConfigInvalid, $"{(source == null ? string.Empty : source + ": ")}{keyword}: {error}; ssh would stop here too.", source?.ToString());
            }
        }
    }
}
