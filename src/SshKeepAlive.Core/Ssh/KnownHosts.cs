using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using SshKeepAlive.Core.OpenSsh;

namespace SshKeepAlive.Core.Ssh
{
    public enum KnownHostsMarker
    {
        None,

        /// <summary><c>@revoked</c>: the key must never be accepted for the hosts on the line.</summary>
        Revoked,

        /// <summary><c>@cert-authority</c>: a CA that signs host certificates, not a host key.</summary>
        CertAuthority,
    }

    /// <summary>One key line of a known_hosts file.</summary>
    public sealed class KnownHostsEntry
    {
        private const string HashPrefix = "|1|";

        private readonly string hosts;

        public KnownHostsEntry(string file, int line, KnownHostsMarker marker, string hosts, string keyType, byte[] key)
        {
            File = file;
            Line = line;
            Marker = marker;
            this.hosts = hosts;
            KeyType = keyType;
            Key = key;
        }

        public string File { get; }

        public int Line { get; }

        public KnownHostsMarker Marker { get; }

        public string KeyType { get; }

        /// <summary>The public key blob.</summary>
        public byte[] Key { get; }

        public string Location => File + ":" + Line;

        public bool IsHashed => hosts.StartsWith(HashPrefix, StringComparison.Ordinal);

        /// <summary>
        /// Whether the line names <paramref name="lookupName"/> (see <see cref="KnownHosts.LookupName"/>):
        /// a hashed name (<c>|1|salt|HMAC-SHA1(salt, name)</c>), or a comma list of patterns with
        /// <c>*</c>/<c>?</c> wildcards where a matching <c>!pattern</c> excludes the host.
        /// </summary>
        public bool Matches(string lookupName)
        {
            if (IsHashed)
            {
                string[] parts = hosts.Substring(HashPrefix.Length).Split('|');
                if (parts.Length != 2)
                {
                    return false;
                }

                try
                {
                    using var hmac = new HMACSHA1(Convert.FromBase64String(parts[0]));
                    return Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(lookupName))) == parts[1];
                }
                catch (FormatException)
                {
                    return false;
                }
            }

            return OpenSshPattern.MatchHostName(lookupName, hosts);
        }

        public bool HasKey(byte[] key) => Key.SequenceEqual(key);
    }

    /// <summary>Reads and formats known_hosts files as OpenSSH does (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT").</summary>
    public static class KnownHosts
    {
        private static readonly char[] Blank = { ' ', '\t' };

        /// <summary>The name a host is filed under: <c>host</c> on port 22, else <c>[host]:port</c>; lower case.</summary>
        public static string LookupName(string host, int port)
        {
            string name = host.ToLowerInvariant();
            return port == 22 ? name : "[" + name + "]:" + port;
        }

        /// <summary>The key lines of a file; a missing file has none, and malformed lines are skipped as ssh does.</summary>
        public static IReadOnlyList<KnownHostsEntry> Read(string path)
        {
            var entries = new List<KnownHostsEntry>();
            if (!System.IO.File.Exists(path))
            {
                return entries;
            }

            int lineNumber = 0;
            foreach (string line in System.IO.File.ReadLines(path))
            {
                lineNumber++;
                KnownHostsEntry? entry = ParseLine(path, lineNumber, line);
                if (entry != null)
                {
                    entries.Add(entry);
                }
            }

            return entries;
        }

        /// <summary>A line for <paramref name="lookupName"/>, its name hashed when <paramref name="hash"/> (HashKnownHosts).</summary>
        public static string FormatLine(string lookupName, byte[] key, bool hash)
        {
            string hosts = lookupName;
            if (hash)
            {
                var salt = new byte[20];
                using (var random = RandomNumberGenerator.Create())
                {
                    random.GetBytes(salt);
                }

                using var hmac = new HMACSHA1(salt);
                hosts = "|1|" + Convert.ToBase64String(salt) + "|" + Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(lookupName)));
            }

            return hosts + " " + PublicKeyBlob.KeyType(key) + " " + Convert.ToBase64String(key);
        }

        private static KnownHostsEntry? ParseLine(string path, int lineNumber, string line)
        {
            string[] fields = line.Split(Blank, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0 || fields[0].StartsWith("#", StringComparison.Ordinal))
            {
                return null;
            }

            var marker = KnownHostsMarker.None;
            int first = 0;
            if (fields[0].StartsWith("@", StringComparison.Ordinal))
            {
                switch (fields[0])
                {
                    case "@revoked": marker = KnownHostsMarker.Revoked; break;
                    case "@cert-authority": marker = KnownHostsMarker.CertAuthority; break;
                    default: return null;
                }

                first = 1;
            }

            if (fields.Length < first + 3)
            {
                return null;
            }

            try
            {
                byte[] key = Convert.FromBase64String(fields[first + 2]);
                string keyType = fields[first + 1];
                return PublicKeyBlob.KeyType(key) == keyType
                    ? new KnownHostsEntry(path, lineNumber, marker, fields[first], keyType, key)
                    : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }
}
