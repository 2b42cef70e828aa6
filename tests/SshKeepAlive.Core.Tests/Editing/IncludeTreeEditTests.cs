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

namespace SshKeepAlive.Core.Tests.Editing
{
    /// <summary>
    /// Edits of trees with Include globs and files read for more than the target: backups and temp files never
    /// where a glob reads them, and a file shared with other hosts is not edited for one of them.
    /// </summary>
    public sealed class IncludeTreeEditTests
    {
        [Fact]
        public void SetSetReset_OfADropInUnderAnIncludeGlob_LeavesNothingElseForTheGlobToRead()
        {
            using var fx = new EditFixture();
            string dropIn = fx.Write("conf.d/web.conf", "Host web01\n  ServerAliveInterval 10\n");
            string path = fx.Write("config", $"Include {fx.Directory.Path}/conf.d/*\n");

            fx.ApplyWithBackups(fx.ClientRequest(path, "web01", Interval(60)));
            fx.ApplyWithBackups(fx.ClientRequest(path, "web01", Interval(30)));
            EditResult reset = fx.ApplyWithBackups(fx.ClientRequest(path, "web01", TimeoutChanges.KeepAliveRemoval(EditScope.Client).ToArray()));

            Assert.Equal(new[] { dropIn }, Directory.GetFileSystemEntries(Path.GetDirectoryName(dropIn)!));
            Assert.Equal("0", SshG(path, "web01", "ServerAliveInterval"));
            string backup = Assert.Single(reset.BackupPaths);
            Assert.StartsWith(fx.State.Path + "/backups/", backup);
            Assert.Equal("Host web01\n  ServerAliveInterval 30\n", File.ReadAllText(backup));
        }

        [Fact]
        public void Set_KeepsBackupsInAPrivateFolderPerTree_AndOnlyTheNewestTen()
        {
            using var fx = new EditFixture();
            string path = fx.Write("config", "Host web01\n  ServerAliveInterval 1\n");

            EditResult last = null!;
            for (int i = 2; i <= 13; i++)
            {
                last = fx.ApplyWithBackups(fx.ClientRequest(path, "web01", Interval(i)));
            }

            string folder = Path.GetDirectoryName(last.BackupPaths.Single())!;
            Assert.StartsWith(last.BackupFolder + "/", folder + "/");
            Assert.Equal(10, Directory.GetFiles(folder).Length);
            Assert.Equal("Host web01\n  ServerAliveInterval 12\n", File.ReadAllText(last.BackupPaths.Single()));
            Assert.Equal("700", Run("stat", "-c", "%a", last.BackupFolder!).Trim());
            Assert.Equal("700", Run("stat", "-c", "%a", Path.Combine(fx.State.Path, "backups")).Trim());
            Assert.Equal(new[] { path }, Directory.GetFileSystemEntries(fx.Directory.Path));
        }

        [SshdOracleFact]
        public void ServerSetTwice_OfADropInWithASubsystem_PassesSshdEachTime()
        {
            using var fx = new EditFixture();
            string key = fx.HostKey();
            string dropIn = fx.Write("sshd_config.d/50-sftp.conf", "Subsystem sftp /usr/lib/openssh/sftp-server\nClientAliveInterval 300\n");
            string main = fx.Write("sshd_config", $"Include {fx.Directory.Path}/sshd_config.d/*\nHostKey {key}\n");
            var daemon = SshdOracle.Daemon(fx.Directory);

            fx.ApplyWithBackups(fx.ServerRequest(main, ServerInterval(15)), daemon);
            EditResult second = fx.ApplyWithBackups(fx.ServerRequest(main, ServerInterval(30)), daemon);

            Assert.True(second.Validated);
            Assert.Equal("30", SshdOracle.Run(main, null)["clientaliveinterval"]);
            Assert.Equal(new[] { dropIn }, Directory.GetFileSystemEntries(Path.GetDirectoryName(dropIn)!));
        }

        [Fact]
        public void Set_ForOneHostOfAFileIncludedUnderTwoHosts_LeavesTheOtherHostAlone()
        {
            using var fx = new EditFixture();
            string common = fx.Write("common.conf", "ServerAliveInterval 30\n");
            string path = fx.Write("config", $"Host web01\n  Include {common}\nHost db01\n  Include {common}\n");

            EditResult result = fx.Apply(fx.ClientRequest(path, "web01", Interval(60)));

            Assert.Equal("ServerAliveInterval 30\n", File.ReadAllText(common));
            Assert.Equal("60", SshG(path, "web01", "ServerAliveInterval"));
            Assert.Equal("30", SshG(path, "db01", "ServerAliveInterval"));
            Assert.Equal(new[] { path }, result.ChangedFiles);
        }

        [Fact]
        public void Reset_ForOneHostOfAFileIncludedUnderTwoHosts_RemovesNothingThereAndSaysWhy()
        {
            using var fx = new EditFixture();
            string common = fx.Write("common.conf", "ServerAliveInterval 30\n");
            string original = $"Host web01\n  Include {common}\nHost db01\n  Include {common}\n";
            string path = fx.Write("config", original);

            EditResult result = fx.Apply(fx.ClientRequest(path, "web01", TimeoutChanges.KeepAliveRemoval(EditScope.Client).ToArray()));

            Assert.Equal("ServerAliveInterval 30\n", File.ReadAllText(common));
            Assert.Equal(original, File.ReadAllText(path));
            Assert.Equal("30", SshG(path, "db01", "ServerAliveInterval"));
            Assert.Contains(result.Warnings, w => w.Contains(common + ":1") && w.Contains("Host db01"));
        }

        [Fact]
        public void Set_WhenADropInForSeveralHostsWins_AddsABlockForTheHostAlone()
        {
            using var fx = new EditFixture();
            string dropIn = fx.Write("conf.d/web.conf", "Host web*\n  ServerAliveInterval 5\n");
            string path = fx.Write("config", $"Include {fx.Directory.Path}/conf.d/*.conf\nUser carol\n");

            fx.Apply(fx.ClientRequest(path, "web01", Interval(60)));

            Assert.Equal("Host web*\n  ServerAliveInterval 5\n", File.ReadAllText(dropIn));
            Assert.Equal("60", SshG(path, "web01", "ServerAliveInterval"));
            Assert.Equal("5", SshG(path, "web02", "ServerAliveInterval"));
            Assert.Equal("carol", SshG(path, "web02", "User"));
        }

        [SshdOracleFact]
        public void ServerSet_OfADropInAlsoIncludedUnderAMatchBlock_IsRefusedNamingTheBlock()
        {
            using var fx = new EditFixture();
            string key = fx.HostKey();
            string shared = fx.Write("shared.conf", "ClientAliveInterval 300\n");
            string original = $"HostKey {key}\nInclude {shared}\nMatch User backup\n  Include {shared}\n";
            string main = fx.Write("sshd_config", original);

            var error = Assert.Throws<ConfigEditException>(() => fx.Apply(fx.ServerRequest(main, ServerInterval(15))));

            Assert.Equal(ErrorId.SettingOverriddenElsewhere, error.Id);
            Assert.Contains("Match User backup", error.Message);
            Assert.Equal("ClientAliveInterval 300\n", File.ReadAllText(shared));
            Assert.Equal("300", SshdOracle.Run(main, "user=backup")["clientaliveinterval"]);
        }

        internal static SettingChange ServerInterval(int seconds) => SettingChange.Set("ClientAliveInterval", SettingKind.Time, seconds.ToString());
    }
}
