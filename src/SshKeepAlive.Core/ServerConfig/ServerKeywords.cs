using System;
using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.OpenSsh;

namespace SshKeepAlive.Core.ServerConfig
{
    /// <summary>An sshd_config keyword the server resolver reports: its default and how its arguments read.</summary>
    internal sealed class ServerKeyword
    {
        public delegate bool ValueParser(IReadOnlyList<string> arguments, out object? value, out string? error);

        public ServerKeyword(
            string name, object? defaultValue, bool allowedInMatch, ValueParser parse, Func<object?, string?>? caveat = null, string? alias = null)
        {
            Name = name;
            Alias = alias;
            DefaultValue = defaultValue;
            AllowedInMatch = allowedInMatch;
            Parse = parse;
            Caveat = caveat ?? (_ => null);
        }

        public string Name { get; }

        /// <summary>Another keyword sshd reads as this one (e.g. the obsolete "KeepAlive"), or null.</summary>
        public string? Alias { get; }

        public object? DefaultValue { get; }

        /// <summary>True when a matching Match block can change it per connection.</summary>
        public bool AllowedInMatch { get; }

        public ValueParser Parse { get; }

        /// <summary>What a valid value leaves open (reported as a warning), or null.</summary>
        public Func<object?, string?> Caveat { get; }
    }

    /// <summary>The sshd_config keywords that end idle sessions, with OpenSSH 9.x's defaults and value rules.</summary>
    internal static class ServerKeywords
    {
        public static readonly IReadOnlyList<ServerKeyword> Reported = new[]
        {
            new ServerKeyword("ClientAliveInterval", 0, allowedInMatch: true, Single(ParseTime)),
            new ServerKeyword("ClientAliveCountMax", 3, allowedInMatch: true, Single(ParseCount)),
            new ServerKeyword("TCPKeepAlive", true, allowedInMatch: false, Single(ParseYesNo), alias: "KeepAlive"),
            new ServerKeyword("LoginGraceTime", 120, allowedInMatch: false, Single(ParseTime)),
            new ServerKeyword("ChannelTimeout", null, allowedInMatch: true, ParseChannelTimeouts),
            new ServerKeyword("UnusedConnectionTimeout", null, allowedInMatch: true, Single(ParseTimeOrNone)),
            new ServerKeyword("PidFile", "/run/sshd.pid", allowedInMatch: false, Single(ParsePath), RelativePathCaveat),
        };

        // Keywords sshd refuses after a Match line ("Directive ... is not allowed within a Match block"),
        // listed from OpenSSH 9.2's sshd_config(5) and checked against the installed sshd. Unknown keywords are
        // not in it: sshd rejects those for another reason that this resolver does not judge.
        private static readonly HashSet<string> GlobalOnly = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "AddressFamily", "Ciphers", "Compression", "DebianBanner", "FingerprintHash", "GSSAPICleanupCredentials",
            "GSSAPIKexAlgorithms", "GSSAPIKeyExchange", "GSSAPIStoreCredentialsOnRekey", "GSSAPIStrictAcceptorCheck",
            "HostCertificate", "HostKey", "HostKeyAgent", "HostKeyAlgorithms", "IgnoreUserKnownHosts",
            "KerberosGetAFSToken", "KerberosOrLocalPasswd", "KerberosTicketCleanup", "KexAlgorithms", "ListenAddress",
            "LoginGraceTime", "MACs", "MaxStartups", "ModuliFile", "PerSourceMaxStartups", "PerSourceNetBlockSize",
            "PermitUserEnvironment", "PidFile", "Port", "PrintLastLog", "PrintMotd", "SecurityKeyProvider",
            "StrictModes", "Subsystem", "SyslogFacility", "TCPKeepAlive", "KeepAlive", "UseDNS", "UsePAM", "VersionAddendum",
            "XAuthLocation",
        };

        // Every keyword Debian's OpenSSH 9.2 sshd accepts, deprecated and obsolete spellings included, found by
        // offering each candidate word to `sshd -T`, and those later releases added (up to 10.0): sshd refuses any
        // other keyword. Which release knows which is in OpenSshReleases; 8.4 and 10.0 refuse no word 9.2 knows.
        private static readonly HashSet<string> Known = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "acceptenv", "addressfamily", "afstokenpassing", "allowagentforwarding", "allowgroups", "allowstreamlocalforwarding",
            "allowtcpforwarding", "allowusers", "authenticationmethods", "authorizedkeyscommand", "authorizedkeyscommanduser",
            "authorizedkeysfile", "authorizedkeysfile2", "authorizedprincipalscommand", "authorizedprincipalscommanduser",
            "authorizedprincipalsfile", "banner", "casignaturealgorithms", "challengeresponseauthentication", "channeltimeout",
            "checkmail", "chrootdirectory", "ciphers", "clientalivecountmax", "clientaliveinterval", "compression", "debianbanner",
            "denygroups", "denyusers", "disableforwarding", "dsaauthentication", "exposeauthinfo", "fingerprinthash", "forcecommand",
            "gatewayports", "gssapiauthentication", "gssapicleanupcredentials", "gssapicleanupcreds", "gssapikexalgorithms",
            "gssapikeyexchange", "gssapistorecredentialsonrekey", "gssapistrictacceptorcheck", "gssapiusesessioncredcache",
            "gssusesessionccache", "hostbasedacceptedalgorithms", "hostbasedacceptedkeytypes", "hostbasedauthentication",
            "hostbasedusesnamefrompacketonly", "hostcertificate", "hostdsakey", "hostkey", "hostkeyagent", "hostkeyalgorithms",
            "ignorerhosts", "ignoreuserknownhosts", "include", "ipqos", "kbdinteractiveauthentication", "keepalive",
            "kerberosauthentication", "kerberosgetafstoken", "kerberosorlocalpasswd", "kerberostgtpassing", "kerberosticketcleanup",
            "kexalgorithms", "keyregenerationinterval", "listenaddress", "logingracetime", "loglevel", "logverbose", "macs", "match",
            "maxauthtries", "maxsessions", "maxstartups", "modulifile", "pamauthenticationviakbdint", "passwordauthentication",
            "permitblacklistedkeys", "permitemptypasswords", "permitlisten", "permitopen", "permitrootlogin", "permittty",
            "permittunnel", "permituserenvironment", "permituserrc", "persourcemaxstartups", "persourcenetblocksize", "pidfile",
            "port", "printlastlog", "printmotd", "protocol", "pubkeyacceptedalgorithms", "pubkeyacceptedkeytypes",
            "pubkeyauthentication", "pubkeyauthoptions", "rdomain", "rekeylimit", "requiredrsasize", "reversemappingcheck",
            "revokedkeys", "rhostsauthentication", "rhostsrsaauthentication", "rsaauthentication", "securitykeyprovider",
            "serverkeybits", "setenv", "skeyauthentication", "streamlocalbindmask", "streamlocalbindunlink", "strictmodes",
            "subsystem", "syslogfacility", "tcpkeepalive", "trustedusercakeys", "unusedconnectiontimeout", "usedns", "uselogin",
            "usepam", "useprivilegeseparation", "verifyreversemapping", "versionaddendum", "x11displayoffset", "x11forwarding",
            "x11uselocalhost", "xauthlocation",
            "pamservicename", "persourcepenalties", "persourcepenaltyexemptlist", "refuseconnection", "sshdauthpath", "sshdsessionpath",
        };

        public static ServerKeyword? Find(string keyword)
        {
            foreach (ServerKeyword candidate in Reported)
            {
                if (string.Equals(candidate.Name, keyword, StringComparison.OrdinalIgnoreCase)
                    || string.Equals(candidate.Alias, keyword, StringComparison.OrdinalIgnoreCase))
                {
                    return candidate;
                }
            }

            return null;
        }

        public static bool IsGlobalOnly(string keyword) => GlobalOnly.Contains(keyword);

        /// <summary>
        /// False for words the sshd of <paramref name="version"/> (null: the newest release) does not know: typos,
        /// and keywords of later releases.
        /// </summary>
        public static bool IsKnown(string keyword, OpenSshVersion? version) =>
            Known.Contains(keyword) && OpenSshReleases.AcceptsKeyword(OpenSshProgram.Server, keyword, version);

        private delegate bool SingleValueParser(string argument, out object? value, out string? error);

        private static ServerKeyword.ValueParser Single(SingleValueParser parse) =>
            (IReadOnlyList<string> arguments, out object? value, out string? error) =>
            {
                if (arguments.Count > 1)
                {
                    value = null;
                    error = "extra arguments at end of line";
                    return false;
                }

                return parse(arguments[0], out value, out error);
            };

        private static bool ParseTime(string argument, out object? value, out string? error)
        {
            bool valid = OpenSshValues.TryParseTime(argument, out int seconds);
            value = seconds;
            error = valid ? null : $"invalid time value '{argument}'";
            return valid;
        }

        private static bool ParseTimeOrNone(string argument, out object? value, out string? error)
        {
            if (IsNone(argument))
            {
                value = null;
                error = null;
                return true;
            }

            // sshd prints 0 as "none": no timeout either way.
            bool valid = ParseTime(argument, out value, out error);
            value = valid && (int)value! == 0 ? null : value;
            return valid;
        }

        private static bool ParseCount(string argument, out object? value, out string? error)
        {
            bool valid = OpenSshValues.TryParseInteger(argument, out int count);
            value = count;
            error = valid ? null : $"invalid integer value '{argument}'";
            return valid;
        }

        // sshd's flags take only yes/no (unlike ssh_config, which also takes true/false).
        private static bool ParseYesNo(string argument, out object? value, out string? error)
        {
            bool yes = string.Equals(argument, "yes", StringComparison.OrdinalIgnoreCase);
            bool valid = yes || string.Equals(argument, "no", StringComparison.OrdinalIgnoreCase);
            value = yes;
            error = valid ? null : $"unsupported option \"{argument}\"";
            return valid;
        }

        private static bool ParsePath(string argument, out object? value, out string? error)
        {
            value = IsNone(argument) ? null : argument;
            error = null;
            return true;
        }

        // "type=time" entries, or "none" alone; sshd 9.2 lets a "none" after the first entry through, and prints
        // the entries as written.
        private static bool ParseChannelTimeouts(IReadOnlyList<string> arguments, out object? value, out string? error)
        {
            value = null;
            error = null;
            if (IsNone(arguments[0]))
            {
                error = arguments.Count > 1 ? "\"none\" argument must appear alone" : null;
                return error == null;
            }

            string? bad = arguments.Where((a, i) => !(i > 0 && IsNone(a)) && !OpenSshValues.IsChannelTimeout(a)).FirstOrDefault();
            error = bad == null ? null : "invalid channel timeout " + bad;
            value = bad == null ? arguments.ToArray() : null;
            return bad == null;
        }

        // sshd makes a relative path absolute against its own working directory, which a config file does not tell.
        private static string? RelativePathCaveat(object? value) =>
            value is string path && !path.StartsWith("/", StringComparison.Ordinal) && !path.StartsWith("~", StringComparison.Ordinal)
                ? $"relative path '{path}' is taken relative to the directory sshd is started from"
                : null;

        private static bool IsNone(string argument) => string.Equals(argument, "none", StringComparison.OrdinalIgnoreCase);
    }
}
