using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Editing;
using SshKeepAlive.Core.Errors;
using Xunit;
using static SshKeepAlive.Core.Tests.Editing.EditFixture;

namespace SshKeepAlive.Core.Tests.Editing
{
    /// <summary>Client edits that must take effect as ssh -G sees them, touching nothing else.</summary>
    public sealed class ClientEditTests
    {
        [Fact]
        public void Set_WhenHostStarBlockPrecedes_InsertsHostBlockAboveIt()
        {
            using var fx = new EditFixture();
            string original = "# mine\nHost *\n    ServerAliveInterval 10\n    User alice\n";
            string path = fx.Write("config", original);

            EditResult result = fx.Apply(fx.ClientRequest(path, "web01", Interval(60)));

            Assert.Equal("# mine\nHost web01\n    ServerAliveInterval 60\n\nHost *\n    ServerAliveInterval 10\n    User alice\n", File.ReadAllText(path));
            Assert.Equal("60", SshG(path, "web01", "ServerAliveInterval"));
            Assert.Equal("10", SshG(path, "db01", "ServerAliveInterval"));
            Assert.True(result.Changed);
        }

        [Fact]
        public void SetConnectTimeoutNone_WhenHostStarSetsOne_WritesTheZeroSshTakesAsNoTimeout()
        {
            using var fx = new EditFixture();
            string path = fx.Write("config", "Host *\n    ConnectTimeout 7\n");

            EditResult result = fx.Apply(fx.ClientRequest(path, "web01", TimeoutChanges.Timeout("ConnectTimeout", "none", allowsNone: true)));

            // "ConnectTimeout none" would leave the value unset for ssh, and Host * would still give web01 7 s.
            Assert.Equal("Host web01\n    ConnectTimeout 0\n\nHost *\n    ConnectTimeout 7\n", File.ReadAllText(path));
            Assert.Equal("0", SshG(path, "web01", "ConnectTimeout"));
            Assert.Equal("7", SshG(path, "db01", "ConnectTimeout"));
            Assert.True(result.Changed);
        }

        [Fact]
        public void Set_WhenItsOwnHostBlockWins_ChangesTheLineInPlaceKeepingSeparatorAndComment()
        {
            using var fx = new EditFixture();
            string path = fx.Write("config", "Host web01\r\n\tServerAliveInterval=10 # short\r\n");

            EditResult result = fx.Apply(fx.ClientRequest(path, "web01", Interval(45)));

            Assert.Equal("Host web01\r\n\tServerAliveInterval=45 # short\r\n", File.ReadAllText(path));
            Assert.Equal(new[] { path + ":2" }, result.ChangedLines);
        }

        [Fact]
        public void Set_WhenTheValueAlreadyHolds_WritesNothingAndSaysSo()
        {
            using var fx = new EditFixture();
            string path = fx.Write("config", "Host *\n  ServerAliveInterval 1m\n");
            DateTime before = File.GetLastWriteTimeUtc(path);

            EditResult result = fx.Apply(fx.ClientRequest(path, "*", Interval(60)));

            Assert.False(result.Changed);
            Assert.Equal(before, File.GetLastWriteTimeUtc(path));
            Assert.Equal("Host *\n  ServerAliveInterval 1m\n", File.ReadAllText(path));
        }

        [Fact]
        public void Set_ForEveryHost_InsertsGlobalKeysAboveTheFirstBlockInTheFilesStyle()
        {
            using var fx = new EditFixture();
            string path = fx.Write("config", "Compression=yes\nHost web01\n  User bob\n");

            fx.Apply(fx.ClientRequest(path, "*", Interval(30), CountMax(4)));

            Assert.Equal("Compression=yes\nServerAliveInterval=30\nServerAliveCountMax=4\nHost web01\n  User bob\n", File.ReadAllText(path));
            Assert.Equal("30", SshG(path, "web01", "ServerAliveInterval"));
            Assert.Equal("4", SshG(path, "other", "ServerAliveCountMax"));
        }

        [Fact]
        public void Set_ForEveryHost_WithAHostStarBlock_ChangesAndAddsInThatBlock()
        {
            using var fx = new EditFixture();
            string path = fx.Write("config", "Host *\n    ServerAliveInterval 10\n");

            EditResult result = fx.Apply(fx.ClientRequest(path, "*", Interval(30), CountMax(4)));

            Assert.Equal("Host *\n    ServerAliveInterval 30\n    ServerAliveCountMax 4\n", File.ReadAllText(path));
            Assert.Equal(new[] { path + ":2", path + ":3" }, result.ChangedLines);
        }

        [Fact]
        public void Set_WhenAGlobalLineWinsForTheHost_PutsAHostBlockAboveItAndKeepsTheRestGlobal()
        {
            using var fx = new EditFixture();
            string path = fx.Write("config", "ServerAliveInterval 10\nUser carol\n");

            fx.Apply(fx.ClientRequest(path, "web01", Interval(60)));

            Assert.Equal("60", SshG(path, "web01", "ServerAliveInterval"));
            Assert.Equal("10", SshG(path, "db01", "ServerAliveInterval"));
            Assert.Equal("carol", SshG(path, "web01", "User"));
            Assert.Equal("carol", SshG(path, "db01", "User"));
        }

        [Fact]
        public void Set_WhenAnIncludedFileWinsInItsHostStarBlock_EditsThatFile()
        {
            using var fx = new EditFixture();
            string dropIn = fx.Write("conf.d/keepalive.conf", "Host *\n  ServerAliveInterval 15\n");
            string path = fx.Write("config", $"Include {fx.Directory.Path}/conf.d/*.conf\nHost *\n  ServerAliveInterval 99\n");

            EditResult result = fx.Apply(fx.ClientRequest(path, "*", Interval(20)));

            Assert.Equal("Host *\n  ServerAliveInterval 20\n", File.ReadAllText(dropIn));
            Assert.Equal(new[] { dropIn + ":2" }, result.ChangedLines);
            Assert.Equal("20", SshG(path, "anything", "ServerAliveInterval"));
        }

        [Fact]
        public void Set_WhenMatchExecMaySetItFirst_RefusesNamingTheLine()
        {
            using var fx = new EditFixture();
            string original = "Match exec \"test -f /nonexistent\"\n  ServerAliveInterval 5\nHost web01\n  ServerAliveInterval 10\n";
            string path = fx.Write("config", original);

            var error = Assert.Throws<ConfigEditException>(() => fx.Apply(fx.ClientRequest(path, "web01", Interval(60))));

            Assert.Equal(ErrorId.SettingOverriddenElsewhere, error.Id);
            Assert.Contains(path + ":2", error.Message);
            Assert.Equal(original, File.ReadAllText(path));
        }

        [Fact]
        public void Set_WithAnUnterminatedQuoteInTheFile_RefusesWithoutWriting()
        {
            using var fx = new EditFixture();
            string original = "Host web01\n  ProxyCommand \"nc %h\n";
            string path = fx.Write("config", original);

            var error = Assert.Throws<ConfigEditException>(() => fx.Apply(fx.ClientRequest(path, "web01", Interval(60))));

            Assert.Equal(ErrorId.ConfigInvalid, error.Id);
            Assert.Equal(original, File.ReadAllText(path));
        }

        [Fact]
        public void Set_OnAReadOnlyFile_RefusesWithoutWriting()
        {
            using var fx = new EditFixture();
            string path = fx.Write("config", "Host *\n");
            Assert.Equal(0, SshKeepAlive.Testing.ProcessRunner.Run("chmod", "444", path).ExitCode);

            var error = Assert.Throws<ConfigEditException>(() => fx.Apply(fx.ClientRequest(path, "*", Interval(60))));

            Assert.Equal(ErrorId.ConfigFileReadOnly, error.Id);
            Assert.Equal("Host *\n", File.ReadAllText(path));
        }

        [Fact]
        public void Set_WhenTheUserConfigIsMissing_CreatesSshFolder0700AndConfig0600()
        {
            using var fx = new EditFixture();
            string path = Path.Combine(fx.Directory.Path, ".ssh", "config");
            var request = new EditRequest(EditScope.Client, path, IncludeRules.ForUserClientConfig(fx.Directory.Path), "web01", new[] { Interval(60) }, createIfMissing: true);

            fx.Apply(request);

            Assert.Equal("Host web01\n    ServerAliveInterval 60\n", File.ReadAllText(path));
            Assert.Equal("700", SshKeepAlive.Testing.ProcessRunner.Run("stat", "-c", "%a", Path.GetDirectoryName(path)!).Output.Trim());
            Assert.Equal("600", SshKeepAlive.Testing.ProcessRunner.Run("stat", "-c", "%a", path).Output.Trim());
        }

        [Fact]
        public void Set_WhenAnExplicitFileIsMissing_RefusesWithNotFound()
        {
            using var fx = new EditFixture();

            var error = Assert.Throws<ConfigEditException>(() => fx.Apply(fx.ClientRequest(fx.Directory.File("nope"), "*", Interval(60))));

            Assert.Equal(ErrorId.ConfigFileNotFound, error.Id);
            Assert.False(File.Exists(fx.Directory.File("nope")));
        }

        [Fact]
        public void Plan_ShowsTheDiffAndWritesNothing()
        {
            using var fx = new EditFixture();
            string path = fx.Write("config", "Host *\n  ServerAliveInterval 10\n");

            EditPlan plan = Editor.Plan(fx.ClientRequest(path, "*", Interval(60)));

            Assert.Equal($"--- {path}\n+++ {path}\n@@ -1,2 +1,2 @@\n Host *\n-  ServerAliveInterval 10\n+  ServerAliveInterval 60\n", plan.Diff);
            Assert.Equal("Host *\n  ServerAliveInterval 10\n", File.ReadAllText(path));
        }

        [Fact]
        public void Reset_RemovesOnlyTheTargetsOwnLines()
        {
            using var fx = new EditFixture();
            string path = fx.Write("config", "Host web01\n  ServerAliveInterval 60\n  User dave\nHost *\n  ServerAliveInterval 10\n");

            fx.Apply(fx.ClientRequest(path, "web01", TimeoutChanges.KeepAliveRemoval(EditScope.Client).ToArray()));

            Assert.Equal("Host web01\n  User dave\nHost *\n  ServerAliveInterval 10\n", File.ReadAllText(path));
            Assert.Equal("10", SshG(path, "web01", "ServerAliveInterval"));
        }

        [Fact]
        public void Set_TwoEditsOfOneFileAtOnce_BothLand()
        {
            using var fx = new EditFixture();
            string path = fx.Write("config", "Host web01\n  User erin\n");

            for (int round = 0; round < 5; round++)
            {
                Parallel.Invoke(
                    () => fx.Apply(fx.ClientRequest(path, "web01", Interval(30 + round))),
                    () => fx.Apply(fx.ClientRequest(path, "web01", CountMax(2 + round))));

                Assert.Equal((30 + round).ToString(), SshG(path, "web01", "ServerAliveInterval"));
                Assert.Equal((2 + round).ToString(), SshG(path, "web01", "ServerAliveCountMax"));
            }
        }

        [Theory]
        [InlineData("Host *\n    ServerAliveInterval 10\n", "web01")]
        [InlineData("Host web*\n ServerAliveInterval 5\nHost web01\n ServerAliveInterval 7\n", "web01")]
        [InlineData("Host * !web01\n  ServerAliveInterval 5\n", "web01")]
        [InlineData("Match host web01\n  ServerAliveInterval 5\nHost *\n  ServerAliveInterval 6\n", "web01")]
        [InlineData("Match all\n  ServerAliveCountMax 9\n", "*")]
        [InlineData("ServerAliveInterval 3\nHost web01\n  ServerAliveInterval 8\n", "*")]
        [InlineData("", "web01")]
        [InlineData("Host db\n  User x", "*")]
        [InlineData("Host=web01\n  ServerAliveInterval=2\n  ServerAliveCountMax=1\n", "web01")]
        public void Set_OnTrickyFiles_IsEffectiveForSshG_AndKeepsEveryOtherLine(string original, string host)
        {
            using var fx = new EditFixture();
            string path = fx.Write("config", original);

            EditResult result = fx.Apply(fx.ClientRequest(path, host, Interval(61), CountMax(5)));

            string probe = host == "*" ? "any.example" : host;
            Assert.Equal("61", SshG(path, probe, "ServerAliveInterval"));
            Assert.Equal("5", SshG(path, probe, "ServerAliveCountMax"));
            AssertUntouchedLinesKept(original, File.ReadAllText(path), result, inPlaceEdits: 2);
        }
    }
}
