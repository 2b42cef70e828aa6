using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using SshKeepAlive.Core.Editing;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Testing;
using Xunit;
using static SshKeepAlive.Core.Tests.Editing.EditFixture;

namespace SshKeepAlive.Core.Tests.Editing
{
    /// <summary>
    /// What is edited and what is left: the file a symbolic link points at (the link and every attribute kept),
    /// only regular files, and no debris from a write that failed or was killed.
    /// </summary>
    public sealed class FileSafetyTests
    {
        [Fact]
        public void Set_ThroughASymbolicLink_EditsTheFileItPointsAtAndKeepsTheLink()
        {
            using var fx = new EditFixture();
            string target = fx.Write("dotfiles/ssh_config", "Host web01\n  ServerAliveInterval 10\n");
            string link = fx.Directory.File("config");
            Run("ln", "-s", "dotfiles/ssh_config", link);

            fx.ApplyWithBackups(fx.ClientRequest(link, "web01", Interval(60)));

            Assert.Equal("symbolic link", Run("stat", "-c", "%F", link).Trim());
            Assert.Equal("Host web01\n  ServerAliveInterval 60\n", File.ReadAllText(target));
            Assert.Equal("60", SshG(link, "web01", "ServerAliveInterval"));
            Assert.Equal(new[] { target }, Directory.GetFileSystemEntries(Path.GetDirectoryName(target)!));
        }

        [RootFact]
        public void Set_KeepsOwnerModeAclAndExtendedAttributes()
        {
            using var fx = new EditFixture();
            string path = fx.Write("sshd_config", "ClientAliveInterval 10\n");
            Run("chown", "nobody:nogroup", path);
            Run("chmod", "640", path);
            Run("setfacl", "-m", "u:daemon:r", path);
            Run("setfattr", "-n", "user.sshka-test", "-v", "kept", path);
            string aclBefore = Run("getfacl", "-c", path);

            fx.Apply(fx.ServerRequest(path, IncludeTreeEditTests.ServerInterval(30)));

            Assert.Equal("ClientAliveInterval 30\n", File.ReadAllText(path));
            Assert.Equal("nobody nogroup", Run("stat", "-c", "%U %G", path).Trim());
            Assert.Equal(aclBefore, Run("getfacl", "-c", path));
            Assert.Contains("user:daemon:r--", aclBefore);
            Assert.Equal("kept", Run("getfattr", "--only-values", "-n", "user.sshka-test", path));
        }

        [RootFact]
        public void Set_OnACharacterDevice_IsRefusedAndTheDeviceStays()
        {
            using var fx = new EditFixture();
            string device = fx.Directory.File("null");
            Run("mknod", device, "c", "1", "3");

            var error = Assert.Throws<ConfigEditException>(() => fx.Apply(fx.ClientRequest(device, "web01", Interval(60))));

            Assert.Equal(ErrorId.ConfigFileNotRegular, error.Id);
            Assert.Contains("character device", error.Message);
            Assert.Equal("character special file", Run("stat", "-c", "%F", device).Trim());
        }

        [Fact]
        public async Task Set_OnAFifo_IsRefusedAtOnceWithoutOpeningIt()
        {
            using var fx = new EditFixture();
            string fifo = fx.Directory.File("config");
            Run("mkfifo", fifo);

            ConfigEditException error = await WithinSeconds(20, () => Assert.Throws<ConfigEditException>(() => fx.Apply(fx.ClientRequest(fifo, "web01", Interval(60)))));

            Assert.Equal(ErrorId.ConfigFileNotRegular, error.Id);
            Assert.Equal("fifo", Run("stat", "-c", "%F", fifo).Trim());
        }

        [Fact]
        public async Task Set_OfAConfigIncludingAFifo_IsRefusedAtOnceNamingIt()
        {
            using var fx = new EditFixture();
            string fifo = fx.Directory.File("extra.conf");
            Run("mkfifo", fifo);
            string path = fx.Write("config", $"Include {fifo}\n");

            ConfigEditException error = await WithinSeconds(20, () => Assert.Throws<ConfigEditException>(() => fx.Apply(fx.ClientRequest(path, "web01", Interval(60)))));

            Assert.Equal(ErrorId.ConfigFileNotRegular, error.Id);
            Assert.Contains(fifo, error.Message);
        }

        [Fact]
        public void Set_OnADirectory_SaysItIsADirectory()
        {
            using var fx = new EditFixture();

            var error = Assert.Throws<ConfigEditException>(() => fx.Apply(fx.ClientRequest(fx.Directory.Path, "web01", Interval(60))));

            Assert.Equal(ErrorId.ConfigFileIsDirectory, error.Id);
            Assert.Contains("is a directory", error.Message);
        }

        [RootFact]
        public void Set_WhenTheFileCannotBeReplaced_LeavesNoBackupAndNoTempFile()
        {
            using var fx = new EditFixture();
            string original = "Host web01\n  ServerAliveInterval 10\n";
            string path = fx.Write("config", original);
            Run("chattr", "+i", path);
            try
            {
                var error = Assert.Throws<ConfigEditException>(() => fx.ApplyWithBackups(fx.ClientRequest(path, "web01", Interval(60))));

                Assert.Equal(ErrorId.ConfigWriteFailed, error.Id);
                Assert.Contains(path, error.Message);
            }
            finally
            {
                Run("chattr", "-i", path);
            }

            Assert.Equal(original, File.ReadAllText(path));
            Assert.Equal(new[] { path }, Directory.GetFileSystemEntries(fx.Directory.Path));
            Assert.DoesNotContain(Directory.GetFiles(fx.State.Path, "*", SearchOption.AllDirectories), f => f.Contains("/backups/"));
        }

        [RootFact]
        public void Set_WhenTheBackupFolderIsFull_LeavesNoTruncatedBackupAndChangesNothing()
        {
            using var fx = new EditFixture();
            string original = "Host web01\n  ServerAliveInterval 10\n" + string.Concat(Enumerable.Repeat("# padding to fill the disk\n", 4000));
            string path = fx.Write("config", original);
            Run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", fx.State.Path);
            try
            {
                var error = Assert.Throws<ConfigEditException>(() => fx.ApplyWithBackups(fx.ClientRequest(path, "web01", Interval(60))));

                Assert.Equal(ErrorId.ConfigWriteFailed, error.Id);
                Assert.Equal(original, File.ReadAllText(path));
                Assert.DoesNotContain(Directory.GetFiles(fx.State.Path, "*", SearchOption.AllDirectories), f => f.Contains("/backups/"));
            }
            finally
            {
                Run("umount", fx.State.Path);
            }
        }

        [Fact]
        public void Set_RemovesTheTempFileOfAWriterThatWasKilled()
        {
            using var fx = new EditFixture();
            string path = fx.Write("config", "Host web01\n  ServerAliveInterval 10\n");
            int deadPid = DeadProcessId();
            string debris = fx.Directory.File($".config.sshka-tmp.{deadPid}.0123abcd");
            File.WriteAllBytes(debris, new byte[1 << 20]);

            fx.Apply(fx.ClientRequest(path, "web01", Interval(60)));

            Assert.False(File.Exists(debris));
            Assert.Equal(new[] { path }, Directory.GetFileSystemEntries(fx.Directory.Path));
        }

        // A blocked edit fails the test instead of hanging the run.
        private static async Task<T> WithinSeconds<T>(int seconds, Func<T> action)
        {
            Task<T> run = Task.Run(action);
            Assert.True(await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(seconds))) == run, "the edit blocked on the FIFO");
            return await run;
        }

        private static int DeadProcessId()
        {
            using Process process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
            process.WaitForExit();
            return process.Id;
        }
    }
}
