using System.IO;
using System.Linq;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Config
{
    public sealed class IncludeTests
    {
        private static string Write(TempDirectory dir, string name, string text) => TestFiles.Write(dir.File(name), text);

        private static string Order(LoadedConfig config) =>
            string.Join(" ", config.Directives().Select(d => Path.GetFileName(d.Source.Path) + ":" + d.LineNumber));

        [Theory]
        [InlineData("Include conf.d/*.conf", "config:1 10-b.conf:1 2-a.conf:1 B.conf:1 a.conf:1 config:2")]
        [InlineData("Include conf.d/a.conf conf.d/2-a.conf", "config:1 a.conf:1 2-a.conf:1 config:2")]
        [InlineData("Include conf.d/[ab].conf", "config:1 a.conf:1 config:2")]
        [InlineData("Include conf.d/?-*", "config:1 2-a.conf:1 config:2")]
        [InlineData("Include conf.d/missing.conf conf.d/none*", "config:1 config:2")]
        [InlineData("Include */*.conf", "config:1 10-b.conf:1 2-a.conf:1 B.conf:1 a.conf:1 config:2")]
        public void Include_RelativeGlob_ExpandsSortedInByteOrderUnderBaseDirectory(string include, string order)
        {
            using var dir = new TempDirectory();
            foreach (string name in new[] { "a.conf", "B.conf", "10-b.conf", "2-a.conf", ".hidden.conf" })
            {
                Write(dir, "conf.d/" + name, "Port 1\n");
            }

            string config = Write(dir, "config", include + "\nUser x\n");

            var loaded = LoadedConfig.Load(config, new IncludeRules(dir.Path, dir.Path, allowsTilde: true));

            Assert.Empty(loaded.Diagnostics);
            Assert.Equal(order, Order(loaded));
        }

        [Fact]
        public void Include_Tilde_ExpandsToHomeForUserConfig()
        {
            using var home = new TempDirectory();
            Write(home, ".ssh/extra", "Port 2\n");
            string config = Write(home, ".ssh/config", "Include ~/.ssh/extra\nInclude extra\n");

            var loaded = LoadedConfig.Load(config, IncludeRules.ForUserClientConfig(home.Path));

            Assert.Equal("config:1 extra:1 config:2 extra:1", Order(loaded));
        }

        [Fact]
        public void Include_TildeInSystemConfig_IsAnErrorAtItsLine()
        {
            using var dir = new TempDirectory();
            string config = Write(dir, "ssh_config", "\nInclude ~/x\n");

            var loaded = LoadedConfig.Load(config, IncludeRules.ForSystemClientConfig(dir.Path, dir.Path));

            ConfigDiagnostic error = Assert.Single(loaded.Diagnostics);
            Assert.True(error.IsError);
            Assert.Equal(config + ":2", error.Source!.ToString());
        }

        [Fact]
        public void Include_Loop_IsReportedWithFileAndLine()
        {
            using var dir = new TempDirectory();
            string a = Write(dir, "a", "Port 1\nInclude b\n");
            Write(dir, "b", "\n\nInclude a\n");

            var loaded = LoadedConfig.Load(a, new IncludeRules(dir.Path, dir.Path, true));

            ConfigDiagnostic error = Assert.Single(loaded.Diagnostics);
            Assert.Contains("Include loop", error.Message);
            Assert.Equal(dir.File("b") + ":3", error.Source!.ToString());
        }

        [Fact]
        public void Include_NestedDeeperThanOpenSshAllows_IsReported()
        {
            using var dir = new TempDirectory();
            for (int i = 0; i < 20; i++)
            {
                Write(dir, "f" + i, $"Include f{i + 1}\n");
            }

            Write(dir, "f20", "Port 1\n");

            var loaded = LoadedConfig.Load(dir.File("f0"), new IncludeRules(dir.Path, dir.Path, true));

            ConfigDiagnostic error = Assert.Single(loaded.Diagnostics);
            Assert.Contains("too many nested Includes", error.Message);
            Assert.Equal(dir.File("f16") + ":1", error.Source!.ToString());
        }

        [Fact]
        [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
        public void Include_GroupWritableFile_IsRefusedLikeOpenSsh()
        {
            using var dir = new TempDirectory();
            string inc = Write(dir, "inc", "Port 1\n");
            File.SetUnixFileMode(inc, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupWrite);
            string config = Write(dir, "config", "Include inc\n");

            var loaded = LoadedConfig.Load(config, new IncludeRules(dir.Path, dir.Path, true));

            Assert.Contains(loaded.Diagnostics, d => d.IsError && d.Message.Contains("permissions") && d.Source!.Line == 1);
        }

        [Fact]
        public void Load_MissingTopFile_IsNotAnError()
        {
            using var dir = new TempDirectory();

            var loaded = LoadedConfig.Load(dir.File("nope"), new IncludeRules(dir.Path, dir.Path, true));

            Assert.False(loaded.Exists);
            Assert.Empty(loaded.Diagnostics);
            Assert.Empty(loaded.Directives());
        }
    }
}
