using System.IO;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.ServerConfig;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Config
{
    /// <summary>Configs sshd refuses: we report an error at the same file and line, and never throw.</summary>
    public sealed class ServerConfigErrorTests
    {
        [SshdOracleTheory]
        [InlineData("LoginGraceTime 1x\n", 1)]
        [InlineData("ClientAliveInterval 30\nClientAliveInterval \"30\n", 2)]
        [InlineData("ClientAliveCountMax 1x\n", 1)]
        [InlineData("ClientAliveCountMax -1\n", 1)]
        [InlineData("TCPKeepAlive true\n", 1)]
        [InlineData("ChannelTimeout session\n", 1)]
        [InlineData("ChannelTimeout none session=1m\n", 1)]
        [InlineData("ChannelTimeout session=5q\n", 1)]
        [InlineData("UnusedConnectionTimeout soon\n", 1)]
        [InlineData("ClientAliveInterval 30 40\n", 1)]
        [InlineData("ClientAliveInterval\n", 1)]
        [InlineData("Match User alice\n  LoginGraceTime 5\n", 2)]
        [InlineData("Match User alice\nMatch User bob\n  TCPKeepAlive no\n", 3)]
        [InlineData("# never matches, still checked\nMatch User nobody-sshka\n  ClientAliveInterval 5x\n", 3)]
        [InlineData("Match Address 10.0.0.1/8\n  ClientAliveInterval 5\n", 1)]
        [InlineData("Match all User alice\n", 1)]
        [InlineData("Match Tag x\n", 1)]
        public void Resolve_WhenSshdRefusesALine_ReportsAnErrorAtThatLine(string text, int line)
        {
            using var dir = new TempDirectory();
            string config = dir.File("sshd_config");
            File.WriteAllText(config, text);

            SshdOutput sshd = SshdOracle.Run(config, "user=alice,addr=198.18.0.1");
            ServerResolution ours = ServerConfigResolver.Load(config, dir.Path).Resolve(ServerConnection.Parse("user=alice,addr=198.18.0.1"));

            Assert.NotEqual(0, sshd.ExitCode);
            Assert.Contains("line " + line, sshd.Error);
            ConfigDiagnostic error = Assert.Single(ours.Diagnostics, d => d.IsError);
            Assert.Equal(new ConfigSource(config, line), error.Source);
        }

        // A keyword the sshd reading the file (here 9.2p1's) does not know is an error at its line, as it is for that
        // sshd. Without a release to follow, a word no known sshd accepts may still be a keyword of a newer one: only
        // a warning. PerSourcePenalties is 9.8's.
        [SshdOracleTheory]
        [InlineData("ClientAliveInterva1 30\n", 1, null)]
        [InlineData("ClientAliveInterval 30\nMatch User alice\n  ServerAliveInterval 5\n", 3, null)]
        [InlineData("ClientAliveInterva1 30\n", 1, "9.2p1")]
        [InlineData("ClientAliveInterval 30\nMatch User alice\n  ServerAliveInterval 5\n", 3, "9.2p1")]
        [InlineData("PerSourcePenalties authfail:5s\n", 1, "9.2p1")]
        public void Resolve_KeywordSshdDoesNotKnow_IsAnErrorForThatRelease_OrAWarningWithoutOne(string text, int line, string? version)
        {
            using var dir = new TempDirectory();
            string config = dir.File("sshd_config");
            File.WriteAllText(config, text);

            SshdOutput sshd = SshdOracle.Run(config, "user=alice", "bookworm");
            ServerResolution ours = ServerConfigResolver.Load(config, dir.Path, version: version == null ? null : OpenSshVersion.Parse(version)).Resolve(ServerConnection.Parse("user=alice"));

            Assert.NotEqual(0, sshd.ExitCode);
            Assert.Contains($"line {line}: Bad configuration option", sshd.Error);
            ConfigDiagnostic diagnostic = Assert.Single(ours.Diagnostics);
            Assert.Equal(version != null, diagnostic.IsError);
            Assert.Equal(new ConfigSource(config, line), diagnostic.Source);
            Assert.StartsWith("Bad configuration option", diagnostic.Message);
        }

        [SshdOracleTheory]
        [InlineData("Match LocalPort 2222\n  ClientAliveInterval 5\n", "user=alice")]
        [InlineData("Match User bob LocalPort 2222\n  ClientAliveInterval 5\n", "user=alice,addr=198.18.0.1")]
        public void Resolve_MatchLocalPortWithoutLportInTheSpec_IsAnErrorAsInSshd(string text, string spec)
        {
            using var dir = new TempDirectory();
            string config = dir.File("sshd_config");
            File.WriteAllText(config, text);

            SshdOutput sshd = SshdOracle.Run(config, spec);
            ServerResolution ours = ServerConfigResolver.Load(config, dir.Path).Resolve(ServerConnection.Parse(spec));

            Assert.NotEqual(0, sshd.ExitCode);
            Assert.Contains("'lport' not in connection test specification", sshd.Error);
            ConfigDiagnostic error = Assert.Single(ours.Diagnostics, d => d.IsError);
            Assert.Equal(new ConfigSource(config, 1), error.Source);
        }

        [SshdOracleTheory]
        [InlineData("Match User alice\nClientAliveInterval 10 minutes\n", 2)]
        [InlineData("ClientAliveCountMax 2\nLoginGraceTime forever\n", 2)]
        public void Resolve_ErrorInAnIncludedFile_NamesThatFileAndLine(string included, int line)
        {
            using var dir = new TempDirectory();
            string config = dir.File("sshd_config");
            string dropIn = dir.File("bad.conf");
            File.WriteAllText(config, $"Include {dropIn}\nClientAliveInterval 10\n");
            File.WriteAllText(dropIn, included);

            SshdOutput sshd = SshdOracle.Run(config, "user=alice");
            ServerResolution ours = ServerConfigResolver.Load(config, dir.Path).Resolve(ServerConnection.Parse("user=alice"));

            Assert.NotEqual(0, sshd.ExitCode);
            Assert.Contains($"{dropIn} line {line}", sshd.Error);
            ConfigDiagnostic error = Assert.Single(ours.Diagnostics, d => d.IsError);
            Assert.Equal(new ConfigSource(dropIn, line), error.Source);
        }

        [SshdOracleTheory]
        [InlineData("")]
        [InlineData("Match User alice\n  ")]
        public void Resolve_IncludeLoop_IsAnErrorAtTheIncludeLine(string beforeInclude)
        {
            using var dir = new TempDirectory();
            string config = dir.File("sshd_config");
            string a = dir.File("a.conf");
            File.WriteAllText(config, $"{beforeInclude}Include {a}\n");
            File.WriteAllText(a, $"ClientAliveInterval 5\nInclude {dir.File("*.conf")}\n");

            SshdOutput sshd = SshdOracle.Run(config, "user=alice");
            ServerResolution ours = ServerConfigResolver.Load(config, dir.Path).Resolve(ServerConnection.Parse("user=alice"));

            Assert.NotEqual(0, sshd.ExitCode);
            Assert.Contains("Too many recursive configuration includes", sshd.Error);
            ConfigDiagnostic error = Assert.Single(ours.Diagnostics, d => d.IsError);
            Assert.Equal(new ConfigSource(a, 2), error.Source);
            Assert.Contains("loop", error.Message);
        }

        [SshdOracleFact]
        public void Resolve_WorldWritableIncludedFileOwnedByAnother_IsReadAsSshdReadsIt()
        {
            using var dir = new TempDirectory();
            string config = dir.File("sshd_config");
            string dropIn = dir.File("loose.conf");
            File.WriteAllText(config, $"Include {dropIn}\n");
            File.WriteAllText(dropIn, "ClientAliveInterval 7\n");
            Assert.Equal(0, ProcessRunner.Run("chmod", "666", dropIn).ExitCode);
            Assert.Equal(0, ProcessRunner.Run("chown", "nobody", dropIn).ExitCode);

            SshdOutput sshd = SshdOracle.Run(config, null);
            ServerResolution ours = ServerConfigResolver.Load(config, dir.Path).Resolve();

            Assert.Equal("7", sshd["ClientAliveInterval"]);
            Assert.Empty(ours.Diagnostics);
            Assert.Equal(7, ours["ClientAliveInterval"].Value);
        }

        [Fact]
        public void Resolve_MissingConfigFile_ReportsItAndFallsBackToDefaults()
        {
            using var dir = new TempDirectory();

            ServerResolution ours = ServerConfigResolver.Load(dir.File("sshd_config"), dir.Path).Resolve();

            ConfigDiagnostic error = Assert.Single(ours.Diagnostics);
            Assert.True(error.IsError);
            Assert.Contains("no such file", error.Message);
            Assert.All(ours.Settings, s => Assert.True(s.IsDefault));
        }
    }
}
