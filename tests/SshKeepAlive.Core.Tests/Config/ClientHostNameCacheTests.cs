using System;
using System.IO;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Config
{
    /// <summary>Host names for completion, kept until a file they were read from changes.</summary>
    public sealed class ClientHostNameCacheTests : IDisposable
    {
        private static readonly DateTime LongAgo = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        private readonly TempDirectory dir = new TempDirectory();
        private readonly ClientHostNameCache cache = new ClientHostNameCache();
        private readonly ClientEnvironment environment;

        public ClientHostNameCacheTests()
        {
            environment = new ClientEnvironment(dir.Path, "alice", Path.Combine(dir.Path, ".ssh", "config"), Path.Combine(dir.Path, "etc", "ssh_config"), Path.Combine(dir.Path, "etc"));
        }

        public void Dispose() => dir.Dispose();

        [Fact]
        public void HostNames_WhileNoFileIsWritten_AreNotReadAgain()
        {
            WriteLongAgo(environment.UserConfigPath, "Host web01\n");
            Assert.Equal(new[] { "web01" }, cache.HostNames(environment, null));

            // Same mtime, other bytes: only a cache that trusts the stamp can still answer web01.
            WriteLongAgo(environment.UserConfigPath, "Host db01\n");

            Assert.Equal(new[] { "web01" }, cache.HostNames(environment, null));
        }

        [Fact]
        public void HostNames_AfterTheFileIsWritten_AreReadAgain()
        {
            WriteLongAgo(environment.UserConfigPath, "Host web01\n");
            cache.HostNames(environment, null);

            TestFiles.Write(environment.UserConfigPath, "Host web01 web02\n");

            Assert.Equal(new[] { "web01", "web02" }, cache.HostNames(environment, null));
        }

        [Fact]
        public void HostNames_AfterAMissingConfigIsCreated_AreReadAgain()
        {
            WriteLongAgo(environment.UserConfigPath, "Host web01\n");
            cache.HostNames(environment, null);

            WriteLongAgo(environment.SystemConfigPath, "Host sys01\n");

            Assert.Equal(new[] { "web01", "sys01" }, cache.HostNames(environment, null));
        }

        [Fact]
        public void HostNames_AfterAFileIsAddedToAnIncludeFolder_AreReadAgain()
        {
            string folder = Path.Combine(dir.Path, ".ssh", "config.d");
            WriteLongAgo(environment.UserConfigPath, "Include config.d/*\n");
            WriteLongAgo(Path.Combine(folder, "a"), "Host a1\n");
            Directory.SetLastWriteTimeUtc(folder, LongAgo);
            cache.HostNames(environment, null);

            WriteLongAgo(Path.Combine(folder, "b"), "Host b1\n");

            Assert.Equal(new[] { "a1", "b1" }, cache.HostNames(environment, null));
        }

        [Fact]
        public void HostNames_OfAFileWrittenJustBeforeTheRead_AreReadAgainNextTime()
        {
            // Written within the clock tick of the read: a second write in the same tick would keep the mtime.
            TestFiles.Write(environment.UserConfigPath, "Host web01\n");
            DateTime written = File.GetLastWriteTimeUtc(environment.UserConfigPath);
            cache.HostNames(environment, null);

            File.WriteAllText(environment.UserConfigPath, "Host db01\n");
            File.SetLastWriteTimeUtc(environment.UserConfigPath, written);

            Assert.Equal(new[] { "db01" }, cache.HostNames(environment, null));
        }

        [Fact]
        public void HostNames_AreKeptPerConfigFile()
        {
            WriteLongAgo(environment.UserConfigPath, "Host web01\n");
            string other = dir.File("other");
            WriteLongAgo(other, "Host other01\n");

            Assert.Equal(new[] { "web01" }, cache.HostNames(environment, null));
            Assert.Equal(new[] { "other01" }, cache.HostNames(environment, other));
            Assert.Empty(cache.HostNames(environment, "none"));
        }

        private static void WriteLongAgo(string path, string text)
        {
            TestFiles.Write(path, text);
            File.SetLastWriteTimeUtc(path, LongAgo);
        }
    }
}
