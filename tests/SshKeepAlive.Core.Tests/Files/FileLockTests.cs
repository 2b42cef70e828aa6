using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using SshKeepAlive.Core.Editing;
using SshKeepAlive.Core.Files;
using SshKeepAlive.Core.Tests.Editing;
using SshKeepAlive.Testing;
using Xunit;
using static SshKeepAlive.Core.Tests.Editing.EditFixture;

namespace SshKeepAlive.Core.Tests.Files
{
    public sealed class FileLockTests
    {
        [Fact]
        public void Acquire_FromConcurrentEditors_LetsEveryReadModifyWriteLand()
        {
            using var dir = new TempDirectory();
            using var locks = new TempDirectory();
            string path = dir.File("counter");
            File.WriteAllText(path, "0");

            Parallel.For(0, 4, _ =>
            {
                for (int i = 0; i < 25; i++)
                {
                    using (FileLock.Acquire(path, TimeSpan.FromSeconds(30), locks.Path))
                    {
                        int value = int.Parse(File.ReadAllText(path));
                        AtomicFile.Write(path, System.Text.Encoding.ASCII.GetBytes((value + 1).ToString()));
                    }
                }
            });

            Assert.Equal("100", File.ReadAllText(path));
        }

        [Fact]
        public void Acquire_WhileHeld_TimesOutWithAMessageNamingTheFileAndTheHolder()
        {
            using var dir = new TempDirectory();
            using var locks = new TempDirectory();
            string path = dir.File("sshd_config");
            using var held = FileLock.Acquire(path, TimeSpan.FromSeconds(1), locks.Path);

            var error = Assert.Throws<TimeoutException>(() => FileLock.Acquire(path, TimeSpan.FromMilliseconds(100), locks.Path));

            Assert.Contains(path, error.Message);
            Assert.Contains($"process {Environment.ProcessId}", error.Message);
        }

        [Fact]
        public void Acquire_ThroughAnotherSpellingOfTheSameFile_WaitsForTheSameLock()
        {
            using var dir = new TempDirectory();
            string path = dir.File("config");
            File.WriteAllText(path, string.Empty);
            string linkedFolder = dir.Path + "-link";
            Run("ln", "-s", dir.Path, linkedFolder);
            try
            {
                using var held = FileLock.Acquire(path, TimeSpan.FromSeconds(1));

                Assert.Throws<TimeoutException>(() => FileLock.Acquire(Path.Combine(linkedFolder, "config"), TimeSpan.FromMilliseconds(100)));
                Assert.Throws<TimeoutException>(() => FileLock.Acquire(dir.Path + "/./../" + Path.GetFileName(dir.Path) + "/config", TimeSpan.FromMilliseconds(100)));
            }
            finally
            {
                File.Delete(linkedFolder);
            }
        }

        [Fact]
        public void Acquire_KeepsItsLockFilesInAFolderOnlyThisAccountCanEnter()
        {
            using var dir = new TempDirectory();
            string path = dir.File("config");

            using (FileLock.Acquire(path, TimeSpan.FromSeconds(1)))
            {
            }

            Assert.StartsWith(SshKeepAlive.Core.Platform.SshPlatform.StateDirectory, FileLock.DefaultDirectory);
            Assert.Equal("700", Run("stat", "-c", "%a", FileLock.DefaultDirectory).Trim());
        }

        [Fact]
        public void Acquire_WhenTheLockFolderIsAPlantedSymbolicLink_RefusesNamingTheConfigFile()
        {
            using var dir = new TempDirectory();
            using var elsewhere = new TempDirectory();
            string locks = dir.File("locks");
            Run("ln", "-s", elsewhere.Path, locks);

            var error = Assert.Throws<IOException>(() => FileLock.Acquire(dir.File("sshd_config"), TimeSpan.FromSeconds(1), locks));

            Assert.Contains(dir.File("sshd_config"), error.Message);
            Assert.Contains("symbolic link", error.Message);
            Assert.Empty(Directory.GetFileSystemEntries(elsewhere.Path));
        }

        [RootFact]
        public void Acquire_WhenTheLockFolderBelongsToAnotherUser_RefusesNamingTheConfigFile()
        {
            using var dir = new TempDirectory();
            string locks = dir.File("locks");
            Directory.CreateDirectory(locks);
            Run("chown", "nobody", locks);

            var error = Assert.Throws<IOException>(() => FileLock.Acquire(dir.File("sshd_config"), TimeSpan.FromSeconds(1), locks));

            Assert.Contains(dir.File("sshd_config"), error.Message);
            Assert.Contains("belongs to user id", error.Message);
        }

        [Fact]
        public void EightParallelEdits_ThroughDifferentSpellings_LoseNoEdit()
        {
            using var fx = new EditFixture();
            string path = fx.Write("config", "Host *\n  User erin\n");
            string linkedFolder = fx.Directory.Path + "-link";
            Run("ln", "-s", fx.Directory.Path, linkedFolder);
            string[] spellings =
            {
                path,
                Path.Combine(linkedFolder, "config"),
                fx.Directory.Path + "/./config",
                fx.Directory.Path + "/../" + Path.GetFileName(fx.Directory.Path) + "/config",
            };
            try
            {
                for (int round = 0; round < 3; round++)
                {
                    Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
                        Editor.Apply(fx.ClientRequest(spellings[i % spellings.Length], "web" + i, Interval(10 * round + i + 1)), new ApplyOptions { NoBackup = true }));

                    for (int i = 0; i < 8; i++)
                    {
                        Assert.Equal((10 * round + i + 1).ToString(), SshG(path, "web" + i, "ServerAliveInterval"));
                    }
                }
            }
            finally
            {
                File.Delete(linkedFolder);
            }
        }
    }
}
