using System.Collections.Generic;
using System.IO;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.ServerConfig;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Config
{
    public sealed class ServerConfigResolverTests
    {
        [Fact]
        public void Resolve_UnsetKeywords_AreOpenSshDefaultsWithoutSource()
        {
            using var dir = new TempDirectory();
            File.WriteAllText(dir.File("sshd_config"), "PermitRootLogin no\n");

            ServerResolution resolution = ServerConfigResolver.Load(dir.File("sshd_config"), dir.Path).Resolve();

            var expected = new Dictionary<string, object?>
            {
                ["ClientAliveInterval"] = 0,
                ["ClientAliveCountMax"] = 3,
                ["TCPKeepAlive"] = true,
                ["LoginGraceTime"] = 120,
                ["ChannelTimeout"] = null,
                ["UnusedConnectionTimeout"] = null,
                ["PidFile"] = "/run/sshd.pid",
            };
            Assert.Equal(expected.Keys, ServerConfigResolver.ReportedKeywords);
            foreach (EffectiveSetting setting in resolution.Settings)
            {
                Assert.Equal(expected[setting.Name], setting.Value);
                Assert.True(setting.IsDefault);
                Assert.Null(setting.RawText);
            }
        }

        [Fact]
        public void Resolve_MatchingBlockValue_ReportsItsLineAndTheRawText()
        {
            using var dir = new TempDirectory();
            string config = dir.File("sshd_config");
            File.WriteAllText(config, "LoginGraceTime 2m\nClientAliveInterval 300\nMatch User alice\n  ClientAliveInterval = 1h30m # long\n");

            ServerResolution resolution = ServerConfigResolver.Load(config, dir.Path).Resolve(new ServerConnection(user: "alice"));

            EffectiveSetting interval = resolution["clientaliveinterval"];
            Assert.Equal(5400, interval.Value);
            Assert.Equal("1h30m", interval.RawText);
            Assert.Equal(new ConfigSource(config, 4), interval.Source);
            Assert.Equal($"ClientAliveInterval 5400 ({config}:4)", interval.ToString());
            Assert.Equal(120, resolution["LoginGraceTime"].Value);
            Assert.Equal(new ConfigSource(config, 1), resolution["LoginGraceTime"].Source);
        }

        [Fact]
        public void Resolve_RelativeInclude_IsResolvedAgainstTheSystemDirectory()
        {
            using var dir = new TempDirectory();
            Directory.CreateDirectory(dir.File("sshd_config.d"));
            File.WriteAllText(dir.File("sshd_config.d/20-late.conf"), "ClientAliveInterval 20\n");
            File.WriteAllText(dir.File("sshd_config.d/10-early.conf"), "ClientAliveInterval 10\n");
            string config = dir.File("sshd_config");
            File.WriteAllText(config, "Include sshd_config.d/*.conf\nClientAliveInterval 99\n");

            ServerResolution resolution = ServerConfigResolver.Load(config, dir.Path).Resolve();

            Assert.Empty(resolution.Diagnostics);
            Assert.Equal(10, resolution["ClientAliveInterval"].Value);
            Assert.Equal(dir.File("sshd_config.d/10-early.conf"), resolution["ClientAliveInterval"].Source!.Path);
        }

        [Fact]
        public void Resolve_SameLoadedConfig_ServesSeveralConnections()
        {
            using var dir = new TempDirectory();
            string config = dir.File("sshd_config");
            File.WriteAllText(config, "Match Address 198.18.0.0/15\n  ClientAliveCountMax 1\n");
            ServerConfigResolver resolver = ServerConfigResolver.Load(config, dir.Path);

            Assert.Equal(1, resolver.Resolve(new ServerConnection(address: "198.19.0.1"))["ClientAliveCountMax"].Value);
            Assert.Equal(3, resolver.Resolve(new ServerConnection(address: "192.0.2.1"))["ClientAliveCountMax"].Value);
        }

        [Fact]
        public void Resolve_RelativePidFile_WarnsThatSshdsWorkingDirectoryDecides()
        {
            using var dir = new TempDirectory();
            string config = dir.File("sshd_config");
            File.WriteAllText(config, "PidFile sshd.pid\n");

            ServerResolution resolution = ServerConfigResolver.Load(config, dir.Path).Resolve();

            Assert.Equal("sshd.pid", resolution["PidFile"].Value);
            ConfigDiagnostic warning = Assert.Single(resolution.Diagnostics);
            Assert.False(warning.IsError);
            Assert.Equal(new ConfigSource(config, 1), warning.Source);
            Assert.Contains("relative", warning.Message);
        }

        [Fact]
        public void Indexer_UnknownKeyword_NamesTheReportedOnes()
        {
            using var dir = new TempDirectory();
            ServerResolution resolution = ServerConfigResolver.Load(dir.File("missing"), dir.Path).Resolve();

            var error = Assert.Throws<KeyNotFoundException>(() => resolution["MaxStartups"]);
            Assert.Contains("ClientAliveInterval", error.Message);
        }

        [Fact]
        public void DefaultConfigPath_OnUnix_IsEtcSsh()
        {
            Assert.Equal("/etc/ssh/sshd_config", ServerConfigResolver.DefaultConfigPath);
        }

        [Theory]
        [InlineData("user=alice,host=h.example.com,addr=198.18.0.1,laddr=198.18.0.2,lport=2222,rdomain=r1")]
        [InlineData("user=alice")]
        [InlineData("")]
        public void ServerConnection_ParseAndToSpec_RoundTrip(string spec)
        {
            Assert.Equal(spec, ServerConnection.Parse(spec).ToSpec());
        }

        [Theory]
        [InlineData("user")]
        [InlineData("uid=0")]
        [InlineData("lport=0")]
        [InlineData("lport=ssh")]
        public void ServerConnection_Parse_RejectsWhatSshdRejects(string spec)
        {
            Assert.Throws<System.FormatException>(() => ServerConnection.Parse(spec));
        }
    }
}
