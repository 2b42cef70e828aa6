using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace SshKeepAlive.Core.Platform
{
    /// <summary>
    /// Whether this user may hold a Kerberos ticket, which is all GSSAPIAuthentication needs to matter: without a
    /// credential cache, ssh's gssapi-with-mic attempt fails silently and authentication goes on as if it were off.
    /// </summary>
    public static class KerberosCache
    {
        // krb5.conf's [libdefaults] default_ccache_name: the default cache is then not /tmp/krb5cc_<uid> (a kernel keyring, KCM...).
        private static readonly Regex DefaultCacheName = new Regex(@"^\s*default_ccache_name\s*=", RegexOptions.Multiline | RegexOptions.CultureInvariant);

        /// <summary>
        /// False only when this user certainly has no credential cache: KRB5CCNAME names a file (<c>FILE:path</c> or a
        /// path) that is absent; or it is unset, krb5.conf does not move the default cache, and <c>/tmp/krb5cc_&lt;uid&gt;</c>
        /// is absent. A cache that cannot be seen from here (a keyring, KCM, a directory collection, Windows' SSPI) counts
        /// as possibly present.
        /// </summary>
        public static bool MayExist(Func<string, string?> variable, uint? userId, Func<string, bool> exists, Func<string, string?> readText)
        {
            if (userId == null)
            {
                return true;
            }

            string? name = variable("KRB5CCNAME");
            if (!string.IsNullOrEmpty(name))
            {
                string? path = name!.StartsWith("FILE:", StringComparison.Ordinal) ? name.Substring("FILE:".Length)
                    : name.StartsWith("/", StringComparison.Ordinal) ? name : null;
                return path == null || exists(path);
            }

            string config = string.Concat((variable("KRB5_CONFIG") ?? "/etc/krb5.conf").Split(':').Select(readText));
            return DefaultCacheName.IsMatch(config) || exists("/tmp/krb5cc_" + userId.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        /// <summary>The answer for this process.</summary>
        public static bool MayExistHere() =>
            MayExist(Environment.GetEnvironmentVariable, SshPlatform.IsWindows ? (uint?)null : UnixFileSystem.EffectiveUserId, File.Exists, ReadText);

        // An unreadable krb5.conf is read as one that moves nothing: what libkrb5 would make of it is unknowable here.
        private static string? ReadText(string path)
        {
            try
            {
                return File.Exists(path) ? File.ReadAllText(path) : null;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return null;
            }
        }
    }
}
