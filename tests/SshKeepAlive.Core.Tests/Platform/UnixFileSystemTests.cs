using System;
using System.ComponentModel;
using System.IO;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Platform
{
    /// <summary>Owner and mode of real files, checked against GNU stat.</summary>
    public sealed class UnixFileSystemTests
    {
        private static readonly bool IsRoot = UnixFileSystem.EffectiveUserId == 0;

        [Theory]
        [InlineData("600")]
        [InlineData("644")]
        [InlineData("4755")]
        [InlineData("2710")]
        [InlineData("1777")]
        [InlineData("000")]
        public void Stat_ReportsTheModeBits_AsGnuStatDoes(string octalMode)
        {
            using var dir = new TempDirectory();
            string file = dir.File("config");
            File.WriteAllText(file, "Host *\n");
            Assert.Equal(0, ProcessRunner.Run("chmod", octalMode, file).ExitCode);

            UnixFileInfo info = UnixFileSystem.Stat(file);

            Assert.Equal(GnuStat("%a", file), Convert.ToString(info.Mode, 8));
            Assert.Equal(Convert.ToInt32(octalMode, 8), info.Mode);
        }

        [Fact]
        public void Stat_ReportsOwnerAndGroup_AsGnuStatDoes()
        {
            using var dir = new TempDirectory();
            string file = dir.File("config");
            File.WriteAllText(file, "Host *\n");
            if (IsRoot)
            {
                // Ids that exist in no passwd file, so nothing but the numbers can match.
                Assert.Equal(0, ProcessRunner.Run("chown", "123456:654321", file).ExitCode);
            }

            UnixFileInfo info = UnixFileSystem.Stat(file);

            Assert.Equal(GnuStat("%u %g", file), $"{info.UserId} {info.GroupId}");
            if (IsRoot)
            {
                Assert.Equal((123456u, 654321u), (info.UserId, info.GroupId));
            }
        }

        [Fact]
        public void Stat_FollowsASymlink_ToTheFileItNames()
        {
            using var dir = new TempDirectory();
            string file = dir.File("config");
            File.WriteAllText(file, "Host *\n");
            Assert.Equal(0, ProcessRunner.Run("chmod", "640", file).ExitCode);
            string link = dir.File("link");
            Assert.Equal(0, ProcessRunner.Run("ln", "-s", file, link).ExitCode);

            Assert.Equal(Convert.ToInt32("640", 8), UnixFileSystem.Stat(link).Mode);
        }

        [Fact]
        public void Stat_OfADirectory_ReportsItsMode()
        {
            using var dir = new TempDirectory();
            string folder = dir.File("ssh");
            UnixFileSystem.CreatePrivateDirectory(folder);

            Assert.Equal("700", GnuStat("%a", folder));
            Assert.Equal(Convert.ToInt32("700", 8), UnixFileSystem.Stat(folder).Mode);
        }

        [Fact]
        public void Stat_OfAMissingFile_ThrowsNamingIt()
        {
            using var dir = new TempDirectory();
            string missing = dir.File("missing");

            var error = Assert.Throws<Win32Exception>(() => UnixFileSystem.Stat(missing));

            Assert.Contains(missing, error.Message);
            Assert.Equal(2 /* ENOENT */, error.NativeErrorCode);
        }

        [Fact]
        public void Apply_GivesAnotherFileTheSameOwnerGroupAndMode()
        {
            using var dir = new TempDirectory();
            string original = dir.File("original");
            string copy = dir.File("copy");
            File.WriteAllText(original, "a\n");
            File.WriteAllText(copy, "b\n");
            Assert.Equal(0, ProcessRunner.Run("chmod", "604", original).ExitCode);
            if (IsRoot)
            {
                Assert.Equal(0, ProcessRunner.Run("chown", "4242:4343", original).ExitCode);
            }

            UnixFileSystem.Apply(copy, UnixFileSystem.Stat(original));

            Assert.Equal(GnuStat("%a %u %g", original), GnuStat("%a %u %g", copy));
        }

        private static string GnuStat(string format, string path)
        {
            (int exitCode, string output) = ProcessRunner.Run("stat", "-L", "-c", format, path);
            Assert.Equal(0, exitCode);
            return output.Trim();
        }
    }
}
