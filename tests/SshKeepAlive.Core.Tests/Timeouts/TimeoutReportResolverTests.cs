using System.IO;
using System.Linq;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.ServerConfig;
using SshKeepAlive.Core.Tests.Config;
using SshKeepAlive.Core.Timeouts;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Timeouts
{
    /// <summary>The client and server scopes of the report, checked against ssh -G and sshd -T on the same files.</summary>
    public sealed class TimeoutReportResolverTests
    {
        private const string ClientConfig =
            "Host web01\n" +
            "    ServerAliveInterval 1m30s\n" +
            "Host *\n" +
            "    ServerAliveInterval 15\n" +
            "    ServerAliveCountMax 5\n" +
            "    TCPKeepAlive no\n" +
            "    ConnectTimeout 10\n";

        [Theory]
        [InlineData("web01")]
        [InlineData("admin@web01")]
        [InlineData("db01")]
        [InlineData(null)]
        public void Report_ClientFromPath_AgreesWithSshG(string? host)
        {
            using var root = new TempDirectory();
            string config = Write(root, "client_config", ClientConfig);
            var reporter = TimeoutReporter.Open(new TimeoutReportOptions(Environment(root)) { ConfigPath = config });

            TargetReport report = reporter.Report(host);

            var sshG = ProcessRunner.Run("ssh", "-G", "-F", config, host ?? TimeoutReporter.DefaultHostName).Output
                .Split('\n').Select(l => l.Split(new[] { ' ' }, 2)).Where(p => p.Length == 2).ToLookup(p => p[0], p => p[1]);
            foreach (TimeoutSetting setting in report.Settings.Where(s => s.Name != "ChannelTimeout"))
            {
                Assert.Equal(sshG[setting.Name.ToLowerInvariant()].Single(), SshText(setting.Value));
            }

            Assert.Equal(new[] { TimeoutScope.Client }, reporter.Scopes);
            Assert.Empty(reporter.LocalSettings);
        }

        [Fact]
        public void Report_Client_NamesTheWinningLineAndHowItWasWritten()
        {
            using var root = new TempDirectory();
            string config = Write(root, "client_config", ClientConfig);
            var reporter = TimeoutReporter.Open(new TimeoutReportOptions(Environment(root)) { ConfigPath = config });

            TargetReport report = reporter.Report("web01");

            TimeoutSetting interval = report.Settings.Single(s => s.Name == "ServerAliveInterval");
            Assert.Equal((TimeoutScope.Client, "web01", 90, false, config, 2), (interval.Scope, interval.Target, (int)interval.Value!, interval.IsDefault, interval.Source, interval.Line));
            Assert.Equal("written as 1m30s", interval.Note);
            TimeoutSetting channel = report.Settings.Single(s => s.Name == "ChannelTimeout");
            Assert.Null(channel.Value);
            Assert.True(channel.IsDefault);
            Assert.Equal(TimeoutSetting.DefaultSource, channel.Source);
            Assert.Equal(450, report.Summary.ClientDeadPeerSeconds);
            Assert.Equal(config, reporter.FilesRead.Single());
        }

        [Fact]
        public void Report_MatchExec_IsNotRunByDefault_AndWarnsWithFileAndLine()
        {
            using var root = new TempDirectory();
            string marker = root.File("ran");
            string config = Write(root, "client_config", "# exec\nMatch exec \"touch " + marker + "\"\n    ServerAliveInterval 5\n");

            TargetReport skipped = TimeoutReporter.Open(new TimeoutReportOptions(Environment(root)) { ConfigPath = config }).Report("web01");

            Assert.False(File.Exists(marker));
            Assert.Equal(0, skipped.Settings.Single(s => s.Name == "ServerAliveInterval").Value);
            ConfigDiagnostic warning = Assert.Single(skipped.Diagnostics);
            Assert.False(warning.IsError);
            Assert.Equal(config + ":2", warning.Source!.ToString());

            TargetReport run = TimeoutReporter.Open(new TimeoutReportOptions(Environment(root)) { ConfigPath = config, AllowMatchExec = true }).Report("web01");

            Assert.True(File.Exists(marker));
            Assert.Equal(5, run.Settings.Single(s => s.Name == "ServerAliveInterval").Value);
        }

        [SshdOracleTheory]
        [InlineData("user=alice")]
        [InlineData("user=bob,addr=198.18.0.7")]
        public void Report_ServerFromPath_AgreesWithSshdT(string spec)
        {
            using var root = new TempDirectory();
            string config = Write(root, "sshd_config",
                "ClientAliveInterval 60\nLoginGraceTime 1m\nMatch User alice\n    ClientAliveInterval 30\n    ChannelTimeout session=5m\nMatch Address 198.18.0.0/15\n    UnusedConnectionTimeout 2h\n");
            ServerConnection connection = ServerConnection.Parse(spec);
            var options = new TimeoutReportOptions(Environment(root)) { ConfigPath = config, Scopes = new[] { TimeoutScope.Server }, Connection = connection };

            var reporter = TimeoutReporter.Open(options);

            SshdOutput sshd = SshdOracle.Run(config, spec);
            Assert.Equal(0, sshd.ExitCode);
            foreach (TimeoutSetting setting in reporter.LocalSettings)
            {
                Assert.Equal(sshd[setting.Name] ?? "none", SshText(setting.Value));
                Assert.Equal("sshd " + spec, setting.Target);
            }
        }

        [Fact]
        public void Report_ServerMatchBlock_IsTheSourceAndFeedsTheSummary()
        {
            using var root = new TempDirectory();
            string config = Write(root, "sshd_config", "ClientAliveInterval 60\nMatch User alice\n    ClientAliveInterval 30\n    ChannelTimeout session:*=5m\n");
            var options = new TimeoutReportOptions(Environment(root))
            {
                ConfigPath = config,
                Scopes = new[] { TimeoutScope.Server },
                Connection = new ServerConnection(user: "alice"),
            };

            var reporter = TimeoutReporter.Open(options);
            TargetReport report = reporter.Report(null);

            TimeoutSetting interval = reporter.LocalSettings.Single(s => s.Name == "ClientAliveInterval");
            Assert.Equal((30, config, 3), ((int)interval.Value!, interval.Source, interval.Line));
            Assert.Equal("sshd user=alice", report.Target);
            Assert.Equal(90, report.Summary.ServerDeadPeerSeconds);
            Assert.Equal(300, report.Summary.IdleTimeoutSeconds);
            Assert.Equal("ChannelTimeout (" + config + ":4)", report.Summary.IdleTimeoutSource);
        }

        [Fact]
        public void Report_InvalidDestination_ThrowsHostNameInvalidNamingIt()
        {
            using var root = new TempDirectory();
            string config = Write(root, "client_config", ClientConfig);
            var reporter = TimeoutReporter.Open(new TimeoutReportOptions(Environment(root)) { ConfigPath = config });

            var error = Assert.Throws<SshKeepAliveException>(() => reporter.Report("two words"));

            Assert.Equal(ErrorId.HostNameInvalid, error.Id);
            Assert.Equal("two words", error.Target);
        }

        private static string SshText(object? value) => value switch
        {
            null => "none",
            bool flag => flag ? "yes" : "no",
            _ => value.ToString()!,
        };

        private static TimeoutEnvironment Environment(TempDirectory root) =>
            TimeoutEnvironment.UnderRoot(root.Path, Path.Combine(root.Path, "home"), "tester");

        private static string Write(TempDirectory root, string name, string text)
        {
            File.WriteAllText(root.File(name), text);
            return root.File(name);
        }
    }
}
