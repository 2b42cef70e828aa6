using System;
using System.IO;
using System.Linq;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Editing;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.Server;
using SshKeepAlive.Core.Tests.Config;
using SshKeepAlive.Core.Errors;
using Xunit;
using static SshKeepAlive.Core.Tests.Editing.EditFixture;
using static SshKeepAlive.Core.Tests.Editing.IncludeTreeEditTests;

namespace SshKeepAlive.Core.Tests.Editing
{
    /// <summary>
    /// Server edits judged by sshd itself: a global edit holds for every connection or is refused naming the
    /// Match block that overrides it (any Match, not only "Match all"); -Match* edits go inside a Match block on
    /// purpose; ChannelTimeout is merged per channel type; sshd -t's words name the real file; a reload that
    /// finds no daemon says so and claims no restore.
    /// </summary>
    public sealed class ServerMatchEditTests
    {
        [SshdOracleTheory]
        [InlineData("Match User *", "user=bob,host=client.example,addr=192.0.2.7")]
        [InlineData("Match Address 192.0.2.0/24", "user=bob,host=client.example,addr=192.0.2.7")]
        [InlineData("Match Group root", "user=root,host=client.example,addr=192.0.2.7")]
        public void SetGlobal_WhenAnyMatchBlockGivesAnotherValue_IsRefusedNamingIt(string match, string connection)
        {
            using var fx = new EditFixture();
            string original = $"HostKey {fx.HostKey()}\nClientAliveInterval 10\n{match}\n  ClientAliveInterval 99\n";
            string main = fx.Write("sshd_config", original);
            Assert.Equal("99", SshdOracle.Run(main, connection)["clientaliveinterval"]);

            var error = Assert.Throws<ConfigEditException>(() => fx.Apply(fx.ServerRequest(main, ServerInterval(30))));

            Assert.Equal(ErrorId.SettingOverriddenByMatch, error.Id);
            Assert.Contains($"{match} ({main}:3)", error.Message);
            Assert.Contains($"{main}:4", error.Message);
            Assert.Equal(original, File.ReadAllText(main));
        }

        [SshdOracleFact]
        public void SetGlobal_WhenTheMatchBlockAlreadyGivesTheSameValue_GoesAhead()
        {
            using var fx = new EditFixture();
            string main = fx.Write("sshd_config", $"HostKey {fx.HostKey()}\nMatch User backup\n  ClientAliveInterval 30\n");

            fx.Apply(fx.ServerRequest(main, ServerInterval(30)));

            Assert.Equal("30", SshdOracle.Run(main, null)["clientaliveinterval"]);
            Assert.Equal("30", SshdOracle.Run(main, "user=backup,host=h,addr=192.0.2.1")["clientaliveinterval"]);
        }

        [SshdOracleFact]
        public void SetWithMatchUser_WhenNoSuchBlockExists_AppendsOneThatSshdHonoursForThatUserOnly()
        {
            using var fx = new EditFixture();
            string key = fx.HostKey();
            string main = fx.Write("sshd_config", $"HostKey {key}\nClientAliveInterval 300\n");

            EditResult result = Apply(fx, main, new ServerMatchTarget(user: "alice"), ServerInterval(30));

            Assert.Equal($"HostKey {key}\nClientAliveInterval 300\n\nMatch User alice\n    ClientAliveInterval 30\n", File.ReadAllText(main));
            Assert.True(result.Validated);
            Assert.Equal("Match User alice", result.Match);
            Assert.Equal("30", SshdOracle.Run(main, "user=alice,host=h,addr=192.0.2.1")["clientaliveinterval"]);
            Assert.Equal("300", SshdOracle.Run(main, "user=bob,host=h,addr=192.0.2.1")["clientaliveinterval"]);
        }

        [SshdOracleFact]
        public void SetWithMatchUser_WhenTheBlockExists_ChangesItsLineInPlace()
        {
            using var fx = new EditFixture();
            string key = fx.HostKey();
            string main = fx.Write("sshd_config", $"HostKey {key}\nmatch user alice\n\tClientAliveInterval 5\n\tX11Forwarding no\n");

            Apply(fx, main, new ServerMatchTarget(user: "alice"), ServerInterval(45), SettingChange.Set("ClientAliveCountMax", SettingKind.Count, "2"));

            Assert.Equal($"HostKey {key}\nmatch user alice\n\tClientAliveInterval 45\n\tX11Forwarding no\n\tClientAliveCountMax 2\n", File.ReadAllText(main));
            Assert.Equal("45", SshdOracle.Run(main, "user=alice,host=h,addr=192.0.2.1")["clientaliveinterval"]);
            Assert.Equal("2", SshdOracle.Run(main, "user=alice,host=h,addr=192.0.2.1")["clientalivecountmax"]);
        }

        [SshdOracleFact]
        public void SetWithMatchAddressAndGroup_IsCheckedWithAConnectionTheyMatch()
        {
            using var fx = new EditFixture();
            string main = fx.Write("sshd_config", $"HostKey {fx.HostKey()}\n");

            Apply(fx, main, new ServerMatchTarget(group: "root", address: "10.0.0.0/8"), ServerInterval(20));

            Assert.Equal("20", SshdOracle.Run(main, "user=root,host=h,addr=10.1.2.3")["clientaliveinterval"]);
            Assert.Equal("0", SshdOracle.Run(main, "user=root,host=h,addr=192.0.2.1")["clientaliveinterval"]);
        }

        [SshdOracleFact]
        public void SetWithMatchUser_WhenAnEarlierMatchBlockWinsForThatUser_IsRefusedNamingIt()
        {
            using var fx = new EditFixture();
            string original = $"HostKey {fx.HostKey()}\nMatch User *\n  ClientAliveInterval 99\n";
            string main = fx.Write("sshd_config", original);

            var error = Assert.Throws<ConfigEditException>(() => Apply(fx, main, new ServerMatchTarget(user: "alice"), ServerInterval(30)));

            Assert.Equal(ErrorId.SettingOverriddenByMatch, error.Id);
            Assert.Contains("Match User *", error.Message);
            Assert.Equal(original, File.ReadAllText(main));
        }

        [Fact]
        public void SetWithMatchUser_OfAKeywordSshdRefusesInMatchBlocks_IsRefused()
        {
            using var fx = new EditFixture();
            string main = fx.Write("sshd_config", "ClientAliveInterval 300\n");

            var error = Assert.Throws<ConfigEditException>(() => new EditRequest(EditScope.Server, main, IncludeRules.ForServerConfig(fx.Directory.Path, fx.Directory.Path), "*",
                new[] { SettingChange.Set("TCPKeepAlive", SettingKind.Flag, "no") }, createIfMissing: false, new ServerMatchTarget(user: "alice")));

            Assert.Equal(ErrorId.SettingNotAllowedInMatch, error.Id);
        }

        [SshdOracleFact]
        public void ResetWithMatchUser_RemovesTheLinesAndTheBlockTheyLeaveEmpty()
        {
            using var fx = new EditFixture();
            string key = fx.HostKey();
            string original = $"HostKey {key}\nClientAliveInterval 300\n";
            string main = fx.Write("sshd_config", original);
            Apply(fx, main, new ServerMatchTarget(user: "alice"), ServerInterval(30));

            Apply(fx, main, new ServerMatchTarget(user: "alice"), SettingChange.Remove("ClientAliveInterval", SettingKind.Time), SettingChange.Remove("ClientAliveCountMax", SettingKind.Count));

            Assert.Equal(original, File.ReadAllText(main));
        }

        [SshdOracleFact]
        public void SetChannelTimeout_MergesItsEntryIntoTheListInForce()
        {
            using var fx = new EditFixture();
            string main = fx.Write("sshd_config", $"HostKey {fx.HostKey()}\nChannelTimeout direct-tcpip=1m session=5m\n");

            Apply(fx, main, null, TimeoutChanges.ChannelTimeout(new[] { "session=10m" }));

            Assert.Equal("direct-tcpip=1m session=600", SshdOracle.Run(main, null)["channeltimeout"]);
        }

        [SshdOracleFact]
        public void SetChannelTimeout_None_IsWrittenAndSshdAcceptsIt()
        {
            using var fx = new EditFixture();
            string key = fx.HostKey();
            string main = fx.Write("sshd_config", $"HostKey {key}\nChannelTimeout session=5m\n");

            EditResult result = Apply(fx, main, null, TimeoutChanges.ChannelTimeout(new[] { "none" }));

            Assert.True(result.Validated);
            Assert.Equal($"HostKey {key}\nChannelTimeout none\n", File.ReadAllText(main));
            Assert.Null(SshdOracle.Run(main, null)["channeltimeout"]);
        }

        [SshdOracleFact]
        public void Set_WhenSshdRejectsTheEditedFile_QuotesSshdNamingTheRealFile()
        {
            using var fx = new EditFixture();
            string original = $"HostKey {fx.HostKey()}\nClientAliveIntervall 5\n";
            string main = fx.Write("sshd_config", original);

            var error = Assert.Throws<ConfigEditException>(() => Apply(fx, main, null, ServerInterval(30)));

            Assert.Equal(ErrorId.SshdConfigRejected, error.Id);
            Assert.Contains($"{main}: line 2: Bad configuration option", error.Message);
            Assert.DoesNotContain("candidate", error.Message);
            Assert.Equal(original, File.ReadAllText(main));
        }

        [SshdOracleFact]
        public void SetWithReload_WhenNoDaemonRuns_WritesAndSaysNothingWasReloadedOrRestored()
        {
            using var fx = new EditFixture();
            string main = fx.Write("sshd_config", $"HostKey {fx.HostKey()}\nPidFile {fx.Directory.File("sshd.pid")}\n");

            EditResult result = EditFixture.Editor.Apply(fx.ServerRequest(main, ServerInterval(30)), new ApplyOptions
            {
                NoBackup = true,
                StateDirectory = fx.State.Path,
                Reload = true,
                Daemon = SshdOracle.Daemon(fx.Directory),
            });

            Assert.True(result.Changed);
            Assert.True(result.Validated);
            Assert.False(result.Reloaded);
            Assert.False(result.Restored);
            Assert.Contains("no sshd is running", result.ReloadOutcome);
            Assert.DoesNotContain("restored", result.ReloadOutcome);
            Assert.Equal("30", SshdOracle.Run(main, null)["clientaliveinterval"]);
        }

        private static EditResult Apply(EditFixture fx, string main, ServerMatchTarget? match, params SettingChange[] changes) =>
            EditFixture.Editor.Apply(
                new EditRequest(EditScope.Server, main, IncludeRules.ForServerConfig(fx.Directory.Path, fx.Directory.Path), "*", changes, createIfMissing: false, match),
                new ApplyOptions { NoBackup = true, StateDirectory = fx.State.Path, Daemon = SshdOracle.Daemon(fx.Directory) });
    }
}
