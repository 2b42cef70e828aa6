using System;
using System.IO;
using System.Linq;
using System.Text;
using SshKeepAlive.Core.Files;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Files
{
    public sealed class AtomicFileTests
    {
        [Fact]
        public void Write_OverExistingFile_KeepsItsOwnerAndMode()
        {
            using var dir = new TempDirectory();
            string path = dir.File("sshd_config");
            File.WriteAllText(path, "old\n");
            Assert.Equal(0, ProcessRunner.Run("chmod", "640", path).ExitCode);
            Assert.Equal(0, ProcessRunner.Run("chown", "nobody:nogroup", path).ExitCode);

            AtomicFile.Write(path, Encoding.ASCII.GetBytes("new\n"));

            Assert.Equal("new\n", File.ReadAllText(path));
            Assert.Equal("640 nobody nogroup", ProcessRunner.Run("stat", "-c", "%a %U %G", path).Output.Trim());
            Assert.Single(Directory.GetFiles(dir.Path));
        }

        [Fact]
        public void Write_NewFile_GetsTheRequestedMode()
        {
            using var dir = new TempDirectory();
            string path = dir.File("config");

            AtomicFile.Write(path, Encoding.ASCII.GetBytes("Host *\n"));

            Assert.Equal("600", ProcessRunner.Run("stat", "-c", "%a", path).Output.Trim());
        }

        [Fact]
        public void Write_WhenTheFolderIsMissing_ThrowsAndCreatesNothing()
        {
            using var dir = new TempDirectory();
            string path = Path.Combine(dir.Path, "missing", "config");

            Assert.ThrowsAny<IOException>(() => AtomicFile.Write(path, new byte[] { 1 }));
            Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
        }
    }
}
