using System;
using System.IO;
using System.Linq;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Editing;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.Server;
using SshKeepAlive.Core.Tests.Config;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Editing
{
    /// <summary>Server edits checked with sshd -T, validated with sshd -t before anything is replaced.</summary>
    public sealed class ServerEditTests
    {
        [SshdOracleFact]
        public void Set_OnADebianStyleServerWhoseDropInWins_EditsTheDropIn()
        {
            using var fx = new EditFixture();
            string key = fx.HostKey();
            string dropIn = fx.Write("sshd_config.d/50-keepalive.conf", "ClientAliveInterval 300\n");
            string main = fx.Write("sshd_config", $"Include {fx.Directory.Path}/sshd_config.d/*.conf\nHostKey {key}\nClientAliveInterval 900\nMatch User backup\n  X11Forwarding no\n");
            string mainBefore = File.ReadAllText(main);

            EditResult result = Apply(fx, main, Interval(15), SettingChange.Set("ClientAliveCountMax", SettingKind.Count, "2"));

            Assert.Equal("ClientAliveInterval 15\n", File.ReadAllText(dropIn));
            Assert.Equal(mainBefore.Replace("HostKey", "ClientAliveCountMax 2\nHostKey").Length, File.ReadAllText(main).Length);
            Assert.Equal("15", SshdOracle.Run(main, null)["clientaliveinterval"]);
            Assert.Equal("2", SshdOracle.Run(main, null)["clientalivecountmax"]);
            Assert.Equal(2, result.ChangedFiles.Count);
        }

        [SshdOracleFact]
        public void Set_WithoutAnySetting_AddsAGlobalKeyBeforeTheFirstMatchBlock()
        {
            using var fx = new EditFixture();
            string key = fx.HostKey();
            string main = fx.Write("sshd_config", $"HostKey {key}\n\nMatch User backup\n\tX11Forwarding no\n");

            Apply(fx, main, Interval(30));

            Assert.Equal($"HostKey {key}\nClientAliveInterval 30\n\nMatch User backup\n\tX11Forwarding no\n", File.ReadAllText(main));
            Assert.Equal("30", SshdOracle.Run(main, null)["clientaliveinterval"]);
        }

        [Fact]
        public void Set_WhenTheWinningDropInIsReadOnly_RefusesNamingIt()
        {
            using var fx = new EditFixture();
            string dropIn = fx.Write("sshd_config.d/10-keepalive.conf", "ClientAliveInterval 300\n");
            Assert.Equal(0, ProcessRunner.Run("chmod", "444", dropIn).ExitCode);
            string main = fx.Write("sshd_config", $"Include {fx.Directory.Path}/sshd_config.d/*.conf\n");

            var error = Assert.Throws<ConfigEditException>(() => Apply(fx, main, Interval(15)));

            Assert.Equal(ErrorId.SettingOverriddenElsewhere, error.Id);
            Assert.Contains(dropIn + ":1", error.Message);
            Assert.Equal("ClientAliveInterval 300\n", File.ReadAllText(dropIn));
        }

        [SshdOracleFact]
        public void Set_OfADropIn_WhenSshdRejectsTheResult_PutsTheDropInBackAndKeepsNoBackup()
        {
            using var fx = new EditFixture();
            string key = fx.HostKey();
            string dropIn = fx.Write("sshd_config.d/10-keepalive.conf", "ClientAliveInterval 300\n");
            string main = fx.Write("sshd_config", $"Include {fx.Directory.Path}/sshd_config.d/*.conf\nHostKey {key}\nNoSuchKeyword yes\n");

            var error = Assert.Throws<ConfigEditException>(() => EditFixture.Editor.Apply(
                new EditRequest(EditScope.Server, main, IncludeRules.ForServerConfig(fx.Directory.Path, fx.Directory.Path), "*", new[] { Interval(15) }, createIfMissing: false),
                new ApplyOptions { Daemon = SshdOracle.Daemon(fx.Directory), StateDirectory = fx.State.Path }));

            Assert.Equal(ErrorId.SshdConfigRejected, error.Id);
            Assert.Equal("ClientAliveInterval 300\n", File.ReadAllText(dropIn));
            Assert.Single(Directory.GetFiles(Path.GetDirectoryName(dropIn)!));
        }

        [Fact]
        public void Set_WhileAnotherEditHoldsTheLock_GivesUpWithConfigFileLocked()
        {
            using var fx = new EditFixture();
            string main = fx.Write("sshd_config", "ClientAliveInterval 300\n");
            using var held = SshKeepAlive.Core.Files.FileLock.Acquire(main, TimeSpan.FromSeconds(1));

            var error = Assert.Throws<ConfigEditException>(() => EditFixture.Editor.Apply(
                new EditRequest(EditScope.Server, main, IncludeRules.ForServerConfig(fx.Directory.Path, fx.Directory.Path), "*", new[] { Interval(15) }, createIfMissing: false),
                new ApplyOptions { NoBackup = true, LockTimeout = TimeSpan.FromMilliseconds(200) }));

            Assert.Equal(ErrorId.ConfigFileLocked, error.Id);
            Assert.Equal("ClientAliveInterval 300\n", File.ReadAllText(main));
        }

        [SshdOracleFact]
        public void Set_WhenSshdRejectsTheCandidate_LeavesTheOriginalUntouched()
        {
            using var fx = new EditFixture();
            string key = fx.HostKey();
            // sshd -t rejects the unknown keyword; our own parser has no opinion on keywords.
            string original = $"HostKey {key}\nClientAliveIntervall 5\n";
            string main = fx.Write("sshd_config", original);

            var error = Assert.Throws<ConfigEditException>(() => Apply(fx, main, Interval(30)));

            Assert.Equal(ErrorId.SshdConfigRejected, error.Id);
            Assert.Equal(original, File.ReadAllText(main));
            Assert.Single(Directory.GetFiles(fx.Directory.Path));
        }

        private static SettingChange Interval(int seconds) => SettingChange.Set("ClientAliveInterval", SettingKind.Time, seconds.ToString());

        private static EditResult Apply(EditFixture fx, string main, params SettingChange[] changes) =>
            EditFixture.Editor.Apply(
                new EditRequest(EditScope.Server, main, IncludeRules.ForServerConfig(fx.Directory.Path, fx.Directory.Path), "*", changes, createIfMissing: false),
                new ApplyOptions { NoBackup = true, Daemon = SshdOracle.Daemon(fx.Directory), StateDirectory = fx.State.Path });
    }
}
