using System.Collections.Generic;
using SshKeepAlive.Core.Platform;
using Xunit;

namespace SshKeepAlive.Core.Tests.Platform
{
    /// <summary>Whether a Kerberos ticket may be there for GSSAPIAuthentication: only a certainly absent cache says no.</summary>
    public sealed class KerberosCacheTests
    {
        [Theory]
        [InlineData(null, false, false, false)] // no KRB5CCNAME, no /tmp/krb5cc_<uid>: no ticket
        [InlineData(null, true, false, true)] // the default cache file is there
        [InlineData(null, false, true, true)] // krb5.conf moves the default cache where this cannot see
        [InlineData("FILE:/run/absent", false, false, false)]
        [InlineData("FILE:/run/cache", false, false, true)]
        [InlineData("/run/cache", false, false, true)]
        [InlineData("/run/absent", true, false, false)] // KRB5CCNAME, not the default, is the cache
        [InlineData("KEYRING:persistent:1000", false, false, true)]
        [InlineData("KCM:", false, false, true)]
        public void KerberosCache_MayExist_UnlessCertainlyAbsent(string? ccname, bool defaultCache, bool movedByKrb5Conf, bool expected)
        {
            var files = new HashSet<string> { "/run/cache" };
            if (defaultCache)
            {
                files.Add("/tmp/krb5cc_1000");
            }

            bool mayExist = KerberosCache.MayExist(
                name => name == "KRB5CCNAME" ? ccname : null,
                1000,
                files.Contains,
                path => path == "/etc/krb5.conf" && movedByKrb5Conf ? "[libdefaults]\n    default_ccache_name = KEYRING:persistent:%{uid}\n" : null);

            Assert.Equal(expected, mayExist);
        }

        [Fact]
        public void KerberosCache_OnWindows_MayExist()
        {
            Assert.True(KerberosCache.MayExist(_ => null, null, _ => false, _ => null));
        }
    }
}
