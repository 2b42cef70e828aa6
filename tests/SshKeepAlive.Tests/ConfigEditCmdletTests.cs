using System.IO;
using System.Linq;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Tests
{
    /// <summary>Set-SshKeepAlive, Set-SshTimeoutConfig and Reset-SshKeepAlive through the engine's binding and pipelines.</summary>
    public sealed class ConfigEditCmdletTests
    {
        [Fact]
        public void SetSshKeepAlive_WithPassThru_WritesTheFileAndReturnsTheResult()
        {
            using var dir = new TempDirectory();
            string path = dir.File("config");
            File.WriteAllText(path, "Host *\n    User me\n");
            using var session = new ModuleSession();

            var result = session.Run("Set-SshKeepAlive -Path $args[0] -HostName web01 -Interval 5m -CountMax 2 -NoBackup -PassThru", path).AssertNoErrors();

            Assert.Equal("Host *\n    User me\n\nHost web01\n    ServerAliveInterval 300\n    ServerAliveCountMax 2\n", File.ReadAllText(path));
            Assert.True((bool)result.Output.Single().Properties["Changed"].Value);
        }

        [Fact]
        public void SetSshKeepAlive_WithWhatIf_LeavesTheFileUnchanged()
        {
            using var dir = new TempDirectory();
            string path = dir.File("config");
            File.WriteAllText(path, "Host *\n    ServerAliveInterval 10\n");
            using var session = new ModuleSession();

            var result = session.Run("Set-SshKeepAlive -Path $args[0] -Interval 60 -WhatIf -PassThru", path).AssertNoErrors();

            Assert.Empty(result.Output);
            Assert.Equal("Host *\n    ServerAliveInterval 10\n", File.ReadAllText(path));
            Assert.Single(Directory.GetFiles(dir.Path));
        }

        [Fact]
        public void SetSshKeepAlive_FromThePipeline_BindsHostNameAndPathByPropertyName()
        {
            using var dir = new TempDirectory();
            string path = dir.File("config");
            File.WriteAllText(path, string.Empty);
            using var session = new ModuleSession();

            session.Run("[pscustomobject]@{ HostName = 'web01'; Path = $args[0] }, [pscustomobject]@{ HostName = 'db01'; Path = $args[0] } | Set-SshKeepAlive -Interval 30 -NoBackup", path).AssertNoErrors();

            Assert.Equal("Host web01\n    ServerAliveInterval 30\n\nHost db01\n    ServerAliveInterval 30\n", File.ReadAllText(path));
        }

        [Fact]
        public void SetSshKeepAlive_WhenTheValuesHold_ReportsUnchanged()
        {
            using var dir = new TempDirectory();
            string path = dir.File("config");
            File.WriteAllText(path, "ServerAliveInterval 60\n");
            using var session = new ModuleSession();

            var result = session.Run("Set-SshKeepAlive -Path $args[0] -Interval 1m -PassThru -Verbose", path).AssertNoErrors();

            Assert.False((bool)result.Output.Single().Properties["Changed"].Value);
            Assert.Contains(result.Verbose, v => v.Contains("already"));
            Assert.Single(Directory.GetFiles(dir.Path));
        }

        [Theory]
        [InlineData("Set-SshKeepAlive -Path $args[0] -Interval -5", "IntervalInvalid")]
        [InlineData("Set-SshKeepAlive -Path $args[0] -Interval 2d", "IntervalInvalid")]
        [InlineData("Set-SshKeepAlive -Path $args[0] -Interval soon", "IntervalInvalid")]
        [InlineData("Set-SshKeepAlive -Path $args[0] -Interval 60 -CountMax 1000", "ParameterArgumentValidationError")]
        [InlineData("Set-SshKeepAlive -Path $args[0] -Interval 60 -HostName 'web 01'", "HostPatternInvalid")]
        [InlineData("Set-SshKeepAlive -Path $args[0] -Interval 60 -HostName \"web`n01\"", "HostPatternInvalid")]
        [InlineData("Set-SshKeepAlive -Path $args[0] -Interval 60 -HostName 'web#1'", "HostPatternInvalid")]
        [InlineData("Set-SshKeepAlive -Path ($args[0] + '.missing') -Interval 60", "ConfigFileNotFound")]
        [InlineData("Set-SshTimeoutConfig -Path $args[0] -LoginGraceTime 30", "SettingNotInScope")]
        [InlineData("Set-SshKeepAlive -Path $args[0] -Interval 60 -Scope Shell", "ScopeNotEditable")]
        [InlineData("Set-SshTimeoutConfig -Path $args[0]", "SettingMissing")]
        [InlineData("Set-SshTimeoutConfig -Path $args[0] -Scope Server -ChannelTimeout session", "ChannelTimeoutInvalid")]
        public void Cmdlet_WithBadInput_StopsWithAStableIdAndChangesNoByte(string script, string errorId)
        {
            using var dir = new TempDirectory();
            string path = dir.File("config");
            File.WriteAllText(path, "Host *\n    ServerAliveInterval 10\n");
            using var session = new ModuleSession();

            // Only a terminating error reaches catch.
            var result = session.Run("try { " + script + " } catch { $_.FullyQualifiedErrorId }", path);

            Assert.StartsWith(errorId + ",", (string)Assert.Single(result.Output).BaseObject);
            Assert.Equal("Host *\n    ServerAliveInterval 10\n", File.ReadAllText(path));
            Assert.Single(Directory.GetFiles(dir.Path));
        }

        [Fact]
        public void SetSshKeepAlive_OnAConfigThatDoesNotParse_StopsWithConfigParseError()
        {
            using var dir = new TempDirectory();
            string path = dir.File("config");
            File.WriteAllText(path, "Host \"web01\n");
            using var session = new ModuleSession();

            var result = session.Run("Set-SshKeepAlive -Path $args[0] -Interval 60", path);

            Assert.StartsWith("ConfigInvalid,", result.Errors.Last().FullyQualifiedErrorId);
            Assert.Equal("Host \"web01\n", File.ReadAllText(path));
        }

        [Fact]
        public void SetSshTimeoutConfig_ConnectTimeout_SetsItForTheHost()
        {
            using var dir = new TempDirectory();
            string path = dir.File("config");
            File.WriteAllText(path, "Host web01\n  User x\n");
            using var session = new ModuleSession();

            session.Run("Set-SshTimeoutConfig -Path $args[0] -HostName web01 -ConnectTimeout 10s -NoBackup", path).AssertNoErrors();

            Assert.Equal("Host web01\n  User x\n  ConnectTimeout 10\n", File.ReadAllText(path));
        }

        [Fact]
        public void ResetSshKeepAlive_RemovesTheHostsKeepAliveLines()
        {
            using var dir = new TempDirectory();
            string path = dir.File("config");
            File.WriteAllText(path, "Host web01\n  ServerAliveInterval 60\n  ServerAliveCountMax 2\n  User x\n");
            using var session = new ModuleSession();

            var result = session.Run("Reset-SshKeepAlive -Path $args[0] -HostName web01 -NoBackup -PassThru", path).AssertNoErrors();

            Assert.Equal("Host web01\n  User x\n", File.ReadAllText(path));
            Assert.True((bool)result.Output.Single().Properties["Changed"].Value);
        }

        [Fact]
        public void SetSshKeepAlive_FromReportRows_BindsTargetAndScopeAndSkipsRowsOfOtherScopes()
        {
            using var dir = new TempDirectory();
            string path = dir.File("config");
            File.WriteAllText(path, string.Empty);
            using var session = new ModuleSession();

            var result = session.Run(
                "[pscustomobject]@{ Scope = 'Client'; Target = 'alice@web01'; Name = 'ServerAliveInterval' }, " +
                "[pscustomobject]@{ Scope = 'Shell'; Target = 'localhost'; Name = 'TMOUT' }, " +
                "[pscustomobject]@{ Scope = 'Client'; Target = 'db01'; Name = 'ServerAliveInterval' } | Set-SshKeepAlive -Path $args[0] -Interval 30 -NoBackup",
                path);

            result.AssertNoErrors();
            Assert.Equal("Host web01\n    ServerAliveInterval 30\n\nHost db01\n    ServerAliveInterval 30\n", File.ReadAllText(path));
        }
    }
}
