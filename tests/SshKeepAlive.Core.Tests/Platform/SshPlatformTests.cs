using System.IO;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Platform
{
    /// <summary>Where OpenSSH lives on this (Linux) machine, checked against the system's own tools.</summary>
    public sealed class SshPlatformTests
    {
        [Fact]
        public void HomeDirectory_OnUnix_IsThePasswdEntryOfTheRealUser()
        {
            string uid = ProcessRunner.Run("id", "-u").Output.Trim();
            string entry = ProcessRunner.Run("getent", "passwd", uid).Output.Trim();

            Assert.Equal(entry.Split(':')[5], SshPlatform.HomeDirectory);
        }

        [Fact]
        public void SystemDirectory_OnUnix_IsEtcSsh()
        {
            Assert.Equal("/etc/ssh", SshPlatform.SystemDirectory);
        }

        [Fact]
        public void SshdPath_OnLinux_IsTheInstalledSshd()
        {
            (int exitCode, string output) = ProcessRunner.Run("dpkg-query", "-L", "openssh-server");

            Assert.Equal(0, exitCode);
            Assert.Contains(SshPlatform.SshdPath, output.Split('\n'));
            Assert.True(File.Exists(SshPlatform.SshdPath));
        }
    }
}
