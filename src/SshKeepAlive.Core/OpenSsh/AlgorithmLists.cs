using System;
using System.Collections.Generic;
using System.Linq;

namespace SshKeepAlive.Core.OpenSsh
{
    /// <summary>The ssh_config keywords that name algorithm lists.</summary>
    public enum AlgorithmKind
    {
        Ciphers,
        MACs,
        KexAlgorithms,
        HostKeyAlgorithms,
        PubkeyAcceptedAlgorithms,
        HostbasedAcceptedAlgorithms,
        CASignatureAlgorithms,
    }

    /// <summary>
    /// ssh's algorithm lists (OpenSSH 9.2, as <c>ssh -Q</c> and <c>ssh -G</c> print them): what it knows, what it
    /// proposes by default, and how a configured value changes the default (kex_assemble_names): <c>+list</c>
    /// appends, <c>-patterns</c> removes, <c>^list</c> puts first, a plain list replaces; patterns with '*' and '?'
    /// select from every known name.
    /// </summary>
    public static class AlgorithmLists
    {
        private static readonly string[] Ciphers =
        {
            "3des-cbc", "aes128-cbc", "aes192-cbc", "aes256-cbc", "aes128-ctr", "aes192-ctr", "aes256-ctr",
            "aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com",
        };

        private static readonly string[] Macs =
        {
            "hmac-sha1", "hmac-sha1-96", "hmac-sha2-256", "hmac-sha2-512", "hmac-md5", "hmac-md5-96", "umac-64@openssh.com",
            "umac-128@openssh.com", "hmac-sha1-etm@openssh.com", "hmac-sha1-96-etm@openssh.com", "hmac-sha2-256-etm@openssh.com",
            "hmac-sha2-512-etm@openssh.com", "hmac-md5-etm@openssh.com", "hmac-md5-96-etm@openssh.com", "umac-64-etm@openssh.com",
            "umac-128-etm@openssh.com",
        };

        private static readonly string[] Kex =
        {
            "diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1", "diffie-hellman-group14-sha256", "diffie-hellman-group16-sha512",
            "diffie-hellman-group18-sha512", "diffie-hellman-group-exchange-sha1", "diffie-hellman-group-exchange-sha256",
            "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521", "curve25519-sha256", "curve25519-sha256@libssh.org",
            "sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com",
        };

        private static readonly string[] KeyAlgorithms =
        {
            "ssh-ed25519", "ssh-ed25519-cert-v01@openssh.com", "sk-ssh-ed25519@openssh.com", "sk-ssh-ed25519-cert-v01@openssh.com",
            "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp384-cert-v01@openssh.com",
            "ecdsa-sha2-nistp521", "ecdsa-sha2-nistp521-cert-v01@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
            "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", "webauthn-sk-ecdsa-sha2-nistp256@openssh.com", "ssh-dss", "ssh-dss-cert-v01@openssh.com",
            "ssh-rsa", "ssh-rsa-cert-v01@openssh.com", "rsa-sha2-256", "rsa-sha2-256-cert-v01@openssh.com", "rsa-sha2-512",
            "rsa-sha2-512-cert-v01@openssh.com",
        };

        private static readonly string[] DefaultCiphers =
        {
            "chacha20-poly1305@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com",
        };

        private static readonly string[] DefaultMacs =
        {
            "umac-64-etm@openssh.com", "umac-128-etm@openssh.com", "hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com",
            "hmac-sha1-etm@openssh.com", "umac-64@openssh.com", "umac-128@openssh.com", "hmac-sha2-256", "hmac-sha2-512", "hmac-sha1",
        };

        private static readonly string[] DefaultKex =
        {
            "sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com", "curve25519-sha256", "curve25519-sha256@libssh.org",
            "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521", "diffie-hellman-group-exchange-sha256",
            "diffie-hellman-group16-sha512", "diffie-hellman-group18-sha512", "diffie-hellman-group14-sha256",
        };

        private static readonly string[] DefaultKeyAlgorithms =
        {
            "ssh-ed25519-cert-v01@openssh.com", "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp384-cert-v01@openssh.com",
            "ecdsa-sha2-nistp521-cert-v01@openssh.com", "sk-ssh-ed25519-cert-v01@openssh.com", "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
            "rsa-sha2-512-cert-v01@openssh.com", "rsa-sha2-256-cert-v01@openssh.com", "ssh-ed25519", "ecdsa-sha2-nistp256",
            "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com", "rsa-sha2-512",
            "rsa-sha2-256",
        };

        private static readonly string[] DefaultSignatureAlgorithms =
        {
            "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com",
            "sk-ecdsa-sha2-nistp256@openssh.com", "rsa-sha2-512", "rsa-sha2-256",
        };

        /// <summary>The keyword of a kind, as ssh_config spells it.</summary>
        public static string Keyword(AlgorithmKind kind) => kind.ToString();

        /// <summary>The kind a keyword names, case-insensitively; null when it names no algorithm list.</summary>
        public static AlgorithmKind? KindOf(string keyword) =>
            Enum.GetValues(typeof(AlgorithmKind)).Cast<AlgorithmKind>().Where(k => string.Equals(k.ToString(), keyword, StringComparison.OrdinalIgnoreCase)).Select(k => (AlgorithmKind?)k).FirstOrDefault();

        /// <summary>Every name ssh knows for <paramref name="kind"/> (ssh -Q).</summary>
        public static IReadOnlyList<string> Known(AlgorithmKind kind) => kind switch
        {
            AlgorithmKind.Ciphers => Ciphers,
            AlgorithmKind.MACs => Macs,
            AlgorithmKind.KexAlgorithms => Kex,
            _ => KeyAlgorithms,
        };

        /// <summary>What ssh proposes when the configuration does not set <paramref name="kind"/> (ssh -G).</summary>
        public static IReadOnlyList<string> Defaults(AlgorithmKind kind) => kind switch
        {
            AlgorithmKind.Ciphers => DefaultCiphers,
            AlgorithmKind.MACs => DefaultMacs,
            AlgorithmKind.KexAlgorithms => DefaultKex,
            AlgorithmKind.CASignatureAlgorithms => DefaultSignatureAlgorithms,
            _ => DefaultKeyAlgorithms,
        };

        /// <summary>
        /// The error ssh reports for a configured value when it reads the line (null when it takes it): names it does
        /// not know, or patterns where only names are allowed. A <c>-list</c> is never refused there.
        /// </summary>
        public static string? Validate(AlgorithmKind kind, string value)
        {
            if (value.Length == 0 || value[0] == '-')
            {
                return null;
            }

            string list = value[0] == '+' || value[0] == '^' ? value.Substring(1) : value;
            bool patterns = kind != AlgorithmKind.Ciphers && kind != AlgorithmKind.MACs && kind != AlgorithmKind.KexAlgorithms;
            IReadOnlyList<string> known = Known(kind);
            bool valid = list.Length > 0 && list.Split(',').All(name =>
                name.Length > 0 && (known.Contains(name) || (patterns && !OpenSshPattern.IsLiteral(name) && known.Any(k => OpenSshPattern.Matches(k, name)))));
            if (valid)
            {
                return null;
            }

            string what = kind switch
            {
                AlgorithmKind.Ciphers => "Bad SSH2 cipher spec",
                AlgorithmKind.MACs => "Bad SSH2 MAC spec",
                AlgorithmKind.KexAlgorithms => "Bad SSH2 KexAlgorithms",
                _ => $"Bad key types",
            };
            return $"{what} '{value}'.";
        }

        /// <summary>
        /// The list ssh proposes for a configured value (null: not configured, the default), in its order; an empty
        /// result is an error to ssh ("Bad ... spec").
        /// </summary>
        public static IReadOnlyList<string> Resolve(AlgorithmKind kind, string? value)
        {
            IReadOnlyList<string> defaults = Defaults(kind);
            if (string.IsNullOrEmpty(value))
            {
                return defaults;
            }

            string spec = value!;
            IEnumerable<string> list;
            switch (spec[0])
            {
                case '-':
                    string[] removed = spec.Substring(1).Split(',');
                    return defaults.Where(name => !removed.Any(pattern => OpenSshPattern.Matches(name, pattern))).ToList();
                case '+':
                    list = Concatenate(defaults, spec.Substring(1).Split(','));
                    break;
                case '^':
                    list = Concatenate(spec.Substring(1).Split(','), defaults);
                    break;
                default:
                    list = spec.Split(',');
                    break;
            }

            // Each entry may be a pattern: it stands for every known name it matches, in ssh's own order.
            IReadOnlyList<string> known = Known(kind);
            return Concatenate(new string[0], list.SelectMany(pattern => known.Where(name => OpenSshPattern.Matches(name, pattern))));
        }

        // kex_names_cat: the first list, then the names of the second not already in it.
        private static List<string> Concatenate(IEnumerable<string> first, IEnumerable<string> second)
        {
            var result = new List<string>();
            foreach (string name in first.Concat(second))
            {
                if (name.Length > 0 && !result.Contains(name))
                {
                    result.Add(name);
                }
            }

            return result;
        }
    }
}
