using System;
using System.IO;
using System.Linq;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.ServerConfig;
using SshKeepAlive.Core.Timeouts;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Timeouts
{
    public sealed class TimeoutReporterTests
    {
        [Fact]
        public void Open_WithoutScopes_ReportsEveryScopeThisMachineHas()
        {
            using var root = new TempDirectory();
            Write(root, "etc/ssh/sshd_config", "ClientAliveInterval 30\n");
            Write(root, "proc/sys/net/ipv4/tcp_keepalive_time", "7200\n");

            var reporter = TimeoutReporter.Open(new TimeoutReportOptions(Environment(root)));

            Assert.Equal(new[] { TimeoutScope.Client, TimeoutScope.Server, TimeoutScope.Shell, TimeoutScope.Kernel }, reporter.Scopes);
        }

        [Theory]
        [InlineData("9.2p1", true)]
        [InlineData("9.6", false)]
        [InlineData(null, false)]
        public void Open_WithAnOpenSshVersion_ReadsTheClientConfigAsThatReleasesSshDoes(string? version, bool refused)
        {
            using var root = new TempDirectory();
            Write(root, "config", "Host web01\n    ChannelTimeout session=5m\n");
            string config = Path.Combine(root.Path, "config");
            var options = new TimeoutReportOptions(Environment(root)) { ConfigPath = config, OpenSshVersion = version == null ? null : OpenSshVersion.Parse(version) };

            TargetReport report = TimeoutReporter.Open(options).Report("web01");

            Assert.Equal(refused, report.Diagnostics.Any(d => d.IsError && d.Message.Contains("new in 9.6")));
            Assert.Equal(refused, report.Settings.Single(s => s.Name == "ChannelTimeout").IsDefault);
        }

        [Fact]
        public void Open_OnAMachineWithoutSshdOrProcSys_LeavesThoseScopesOut()
        {
            using var root = new TempDirectory();

            var reporter = TimeoutReporter.Open(new TimeoutReportOptions(Environment(root)));

            Assert.Equal(new[] { TimeoutScope.Client, TimeoutScope.Shell }, reporter.Scopes);
        }

        [Fact]
        public void Open_WithAMissingConfigPath_ThrowsConfigFileNotFoundNamingThePath()
        {
            using var root = new TempDirectory();
            string missing = root.File("nosuch_config");

            var error = Assert.Throws<SshKeepAliveException>(() => TimeoutReporter.Open(new TimeoutReportOptions(Environment(root)) { ConfigPath = missing }));

            Assert.Equal(ErrorId.ConfigFileNotFound, error.Id);
            Assert.Equal(missing, error.Target);
        }

        [Theory]
        [InlineData(TimeoutScope.Shell)]
        [InlineData(TimeoutScope.Kernel)]
        [InlineData(TimeoutScope.Client, TimeoutScope.Server)]
        public void Open_WithAConfigPathAndScopesItCannotBelongTo_ThrowsPathScopeAmbiguous(params TimeoutScope[] scopes)
        {
            using var root = new TempDirectory();
            Write(root, "config", "\n");

            var error = Assert.Throws<SshKeepAliveException>(() => TimeoutReporter.Open(new TimeoutReportOptions(Environment(root)) { ConfigPath = root.File("config"), Scopes = scopes }));

            Assert.Equal(ErrorId.PathScopeAmbiguous, error.Id);
            Assert.DoesNotContain("-Scope", error.Message);
        }

        [Fact]
        public void Report_ShellAndKernel_AreLocalSettingsWithSourcesAndFeedTheSummary()
        {
            using var root = new TempDirectory();
            Write(root, "etc/profile", "# site policy\nreadonly TMOUT=900\n");
            Write(root, "home/u/.bash_profile", "TMOUT=0\n");
            Write(root, "proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established", "600\n");
            var options = new TimeoutReportOptions(Environment(root)) { Scopes = new[] { TimeoutScope.Shell, TimeoutScope.Kernel } };

            var reporter = TimeoutReporter.Open(options);
            TargetReport report = reporter.Report(null);

            TimeoutSetting tmout = reporter.LocalSettings.First(s => s.Name == "TMOUT" && s.Target == "login shell");
            Assert.Equal(900, tmout.Value);
            Assert.Equal(Path.Combine(root.Path, "etc/profile"), tmout.Source);
            Assert.Equal(2, tmout.Line);
            Assert.Contains("read-only", tmout.Note);
            Assert.Contains(".bash_profile:1", tmout.Note);
            Assert.Equal("localhost", report.Target);
            Assert.Empty(report.Settings);
            Assert.Equal(600, report.Summary.IdleTimeoutSeconds);
            Assert.Contains(Path.Combine(root.Path, "etc/profile"), reporter.FilesRead);
        }

        [Fact]
        public void TargetsFor_WithTheClientScope_IsEachHostNamedOrTheCatchAllHost()
        {
            using var root = new TempDirectory();
            Write(root, "home/u/.ssh/config", "Host web01\n    ServerAliveInterval 5\n");
            var reporter = TimeoutReporter.Open(new TimeoutReportOptions(Environment(root)) { Scopes = new[] { TimeoutScope.Client, TimeoutScope.Shell } });

            Assert.Equal(new[] { "web01", "db01" }, reporter.TargetsFor(new[] { "web01", "db01" }));
            Assert.Equal(new[] { "web01" }, reporter.TargetsFor(new[] { "web01" }));
            Assert.Equal(new string?[] { null }, reporter.TargetsFor(null));
        }

        [Fact]
        public void TargetsFor_WithoutTheClientScope_IsTheLocalTargetOnceWhateverTheHosts()
        {
            using var root = new TempDirectory();
            Write(root, "etc/profile", "TMOUT=900\n");
            var reporter = TimeoutReporter.Open(new TimeoutReportOptions(Environment(root)) { Scopes = new[] { TimeoutScope.Shell } });

            Assert.Equal(new string?[] { null }, reporter.TargetsFor(new[] { "web01", "db01" }));
            Assert.Empty(reporter.TargetsFor(new[] { "web02" }));
            Assert.Empty(reporter.TargetsFor(null));
        }

        [Fact]
        public void Open_MalformedTmout_IsAWarningWithFileAndLine()
        {
            using var root = new TempDirectory();
            Write(root, "home/u/.bashrc", "TMOUT=ten\n");

            var reporter = TimeoutReporter.Open(new TimeoutReportOptions(Environment(root)) { Scopes = new[] { TimeoutScope.Shell } });

            var diagnostic = Assert.Single(reporter.Diagnostics);
            Assert.False(diagnostic.IsError);
            Assert.Equal(Path.Combine(root.Path, "home/u/.bashrc") + ":1", diagnostic.Source!.ToString());
        }

        [Fact]
        public void Open_ShellScopeWithAUser_ReadsThatUsersHomeFromPasswd()
        {
            using var root = new TempDirectory();
            Write(root, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice:/srv/alice:/bin/bash\n");
            Write(root, "srv/alice/.bash_profile", "TMOUT=300\n");
            Write(root, "home/u/.bash_profile", "TMOUT=999\n");
            var options = new TimeoutReportOptions(Environment(root)) { Scopes = new[] { TimeoutScope.Shell }, Connection = new ServerConnection(user: "alice") };

            var reporter = TimeoutReporter.Open(options);

            TimeoutSetting login = reporter.LocalSettings.Single(s => s.Target == "login shell");
            Assert.Equal(300, login.Value);
            Assert.Equal(Path.Combine(root.Path, "srv/alice/.bash_profile"), login.Source);
            Assert.Equal("user alice", login.Note);
            Assert.Empty(reporter.Diagnostics);
        }

        [Fact]
        public void Open_ShellScopeWithAnUnknownUser_WarnsAndReadsOnlySystemFiles()
        {
            using var root = new TempDirectory();
            Write(root, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
            Write(root, "etc/profile", "TMOUT=600\n");
            Write(root, "home/u/.bash_profile", "TMOUT=999\n");
            var options = new TimeoutReportOptions(Environment(root)) { Scopes = new[] { TimeoutScope.Shell }, Connection = new ServerConnection(user: "nobody-here") };

            var reporter = TimeoutReporter.Open(options);

            Assert.Equal(600, reporter.LocalSettings.Single(s => s.Target == "login shell").Value);
            Assert.Contains("nobody-here", Assert.Single(reporter.Diagnostics).Message);
            Assert.DoesNotContain(Path.Combine(root.Path, "home/u/.bash_profile"), reporter.FilesRead);
        }

        private static TimeoutEnvironment Environment(TempDirectory root) =>
            TimeoutEnvironment.UnderRoot(root.Path, Path.Combine(root.Path, "home/u"), "u");

        private static void Write(TempDirectory root, string relative, string text)
        {
            string path = Path.Combine(root.Path, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }
    }
}
