using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using SshKeepAlive.Core.Files;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Files
{
    public sealed class FileLockTests
    {
        [Fact]
        public void Acquire_FromConcurrentEditors_LetsEveryReadModifyWriteLand()
        {
            using var dir = new TempDirectory();
            string path = dir.File("counter");
            File.WriteAllText(path, "0");

            Parallel.For(0, 4, _ =>
            {
                for (int i = 0; i < 25; i++)
                {
                    using (FileLock.Acquire(path, TimeSpan.FromSeconds(30)))
                    {
                        int value = int.Parse(File.ReadAllText(path));
                        AtomicFile.Write(path, System.Text.Encoding.ASCII.GetBytes((value + 1).ToString()));
                    }
                }
            });

            Assert.Equal("100", File.ReadAllText(path));
        }

        [Fact]
        public void Acquire_WhileHeld_TimesOutWithAMessageNamingTheFile()
        {
            using var dir = new TempDirectory();
            string path = dir.File("sshd_config");
            using var held = FileLock.Acquire(path, TimeSpan.FromSeconds(1));

            var error = Assert.Throws<TimeoutException>(() => FileLock.Acquire(path, TimeSpan.FromMilliseconds(100)));

            Assert.Contains(path, error.Message);
        }
    }
}
