using System;
using Xunit;

namespace SshKeepAlive.Core.Tests
{
    /// <summary>
    /// A fact that needs root (mounting a small file system, chattr, mknod): skipped elsewhere, but run (and
    /// failing) when SSHKA_REQUIRE_TESTBED=1, as CI sets it.
    /// </summary>
    public sealed class RootFactAttribute : FactAttribute
    {
        public RootFactAttribute()
        {
            if (Environment.GetEnvironmentVariable("SSHKA_REQUIRE_TESTBED") != "1" && Environment.UserName != "root")
            {
                Skip = "needs root";
            }
        }
    }
}
