using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Config
{
    public sealed class ClientConfigResolverTests
    {
        private static ClientEnvironment Environment(TempDirectory dir) =>
            new ClientEnvironment(dir.Path, "alice", Path.Combine(dir.Path, ".ssh", "config"), Path.Combine(dir.Path, "etc", "ssh_config"), Path.Combine(dir.Path, "etc"))
            {
                LocalHostName = "box.example",
            };

        [Fact]
        public void Resolve_UserConfigIsReadBeforeSystemConfig()
        {
            using var dir = new TempDirectory();
            ClientEnvironment env = Environment(dir);
            TestFiles.Write(env.UserConfigPath, "Host *\n  ServerAliveInterval 10\n");
            TestFiles.Write(env.SystemConfigPath, "ServerAliveInterval 99\nServerAliveCountMax 7\n");

            ClientResolution result = ClientConfigResolver.Load(env).Resolve("web");

            Assert.Equal(10, result[ClientKeyword.ServerAliveInterval].Value);
            Assert.Equal(env.UserConfigPath + ":2", result[ClientKeyword.ServerAliveInterval].Source!.ToString());
            Assert.Equal(7, result["serveralivecountmax"].Value);
            Assert.Equal(env.SystemConfigPath + ":2", result[ClientKeyword.ServerAliveCountMax].Source!.ToString());
        }

        [Fact]
        public void Resolve_MissingConfigs_GiveOpenSshDefaults()
        {
            using var dir = new TempDirectory();

            ClientResolution result = ClientConfigResolver.Load(Environment(dir)).Resolve("Web01");

            Assert.Empty(result.Diagnostics);
            Assert.All(result.Settings, s => Assert.True(s.IsDefault));
            Assert.Equal(0, result[ClientKeyword.ServerAliveInterval].Value);
            Assert.Equal(3, result[ClientKeyword.ServerAliveCountMax].Value);
            Assert.Equal(true, result[ClientKeyword.TCPKeepAlive].Value);
            Assert.Null(result[ClientKeyword.ConnectTimeout].Value);
            Assert.Equal("none", result[ClientKeyword.ConnectTimeout].Text);
            Assert.Equal("alice", result[ClientKeyword.User].Value);
            Assert.Equal("web01", result.HostName);
        }

        [Fact]
        public void Resolve_UserInDestination_WinsOverConfigAndIsSeenByMatchUser()
        {
            using var dir = new TempDirectory();
            ClientEnvironment env = Environment(dir);
            TestFiles.Write(env.UserConfigPath, "User configured\nMatch user bob\n  Port 2222\n");

            ClientResolution result = ClientConfigResolver.Load(env).Resolve("bob@web");

            Assert.Equal("bob", result[ClientKeyword.User].Value);
            Assert.Equal(SettingOrigin.CommandLine, result[ClientKeyword.User].Origin);
            Assert.Equal(2222, result[ClientKeyword.Port].Value);
        }

        [Fact]
        public void Resolve_MatchExec_IsNotRunByDefaultAndIsReportedWithFileAndLine()
        {
            using var dir = new TempDirectory();
            ClientEnvironment env = Environment(dir);
            string marker = Path.Combine(dir.Path, "ran");
            TestFiles.Write(env.UserConfigPath, $"\nMatch exec \"touch {marker}\"\n  Port 2222\n");

            ClientResolution result = ClientConfigResolver.Load(env).Resolve("web");

            Assert.False(File.Exists(marker));
            Assert.Equal(22, result[ClientKeyword.Port].Value);
            ConfigDiagnostic warning = Assert.Single(result.Diagnostics);
            Assert.False(warning.IsError);
            Assert.Equal(env.UserConfigPath + ":2", warning.Source!.ToString());
        }

        [Fact]
        public void Resolve_MatchExecAllowed_RunsWithExpandedTokens()
        {
            using var dir = new TempDirectory();
            ClientEnvironment env = Environment(dir);
            TestFiles.Write(env.UserConfigPath, "Match exec \"test %h = web -a %r = alice\"\n  Port 2222\n");

            ClientResolution result = ClientConfigResolver.Load(env).Resolve("web", new ClientResolveOptions { RunMatchExec = true });

            Assert.Empty(result.Diagnostics);
            Assert.Equal(2222, result[ClientKeyword.Port].Value);
        }

        [Fact]
        public void Resolve_CancelledWhileAMatchExecRuns_StopsAtOnce_AndLeavesNoProcessBehind()
        {
            using var dir = new TempDirectory();
            ClientEnvironment env = Environment(dir);
            string started = dir.File("started");
            string sleep = RunningProcesses.UniqueSleep();
            TestFiles.Write(env.UserConfigPath, $"Match exec \"touch {started}; {sleep}; true\"\n  Port 2222\n");
            using var stop = new CancellationTokenSource();
            var options = new ClientResolveOptions { RunMatchExec = true, CancellationToken = stop.Token };
            Task<ClientResolution> resolving = Task.Run(() => ClientConfigResolver.Load(env).Resolve("web", options));
            Assert.True(Wait.Until(() => File.Exists(started), Wait.Bounded), "the Match exec command never started");

            var stopping = Stopwatch.StartNew();
            stop.Cancel();

            Assert.ThrowsAny<OperationCanceledException>(() => resolving.GetAwaiter().GetResult());
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"took {stopping.Elapsed} to stop");
            Assert.True(Wait.Until(() => RunningProcesses.Count(sleep) == 0, Wait.Bounded), sleep + " was left running");
        }

        [Fact]
        public void Resolve_MatchExecPastItsTimeLimit_IsStopped_AndReportedAsAnErrorNotMatching()
        {
            using var dir = new TempDirectory();
            ClientEnvironment env = Environment(dir);
            string sleep = RunningProcesses.UniqueSleep();
            TestFiles.Write(env.UserConfigPath, $"Port 2200\nMatch exec \"{sleep}; true\"\n  Port 2222\n");

            ClientResolution result = ClientConfigResolver.Load(env).Resolve("web", new ClientResolveOptions { RunMatchExec = true, MatchExecTimeout = TimeSpan.FromMilliseconds(200) });

            Assert.Equal(2200, result[ClientKeyword.Port].Value);
            ConfigDiagnostic error = Assert.Single(result.Diagnostics);
            Assert.True(error.IsError);
            Assert.Equal(env.UserConfigPath + ":2", error.Source!.ToString());
            Assert.Contains("did not finish within 0.2 s", error.Message);
            Assert.True(Wait.Until(() => RunningProcesses.Count(sleep) == 0, Wait.Bounded), sleep + " was left running");
        }

        [Theory]
        [InlineData("ServerAliveInterval 1x\n", 1, "invalid time value")]
        [InlineData("\nServerAliveCountMax -1\n", 2, "integer value")]
        [InlineData("Host a\n  TCPKeepAlive maybe\n", 2, "expected yes or no")]
        [InlineData("Port 0\n", 1, "bad port")]
        [InlineData("Match foo bar\n", 1, "unsupported Match attribute foo")]
        [InlineData("HostName %z\n", 1, "unknown key %z")]
        [InlineData("IdentityFile \"x\n", 1, "unterminated quote")]
        public void Resolve_MalformedLine_IsAnErrorWithFileAndLine(string config, int line, string message)
        {
            using var dir = new TempDirectory();
            ClientEnvironment env = Environment(dir);
            TestFiles.Write(env.UserConfigPath, config);

            ClientResolution result = ClientConfigResolver.Load(env).Resolve("a");

            ConfigDiagnostic error = Assert.Single(result.Diagnostics, d => d.IsError);
            Assert.Equal(env.UserConfigPath + ":" + line, error.Source!.ToString());
            Assert.Contains(message, error.Message);
        }

        [Fact]
        [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
        public void Load_WorldWritableUserConfig_IsRefusedLikeSsh()
        {
            using var dir = new TempDirectory();
            ClientEnvironment env = Environment(dir);
            TestFiles.Write(env.UserConfigPath, "Port 1\n");
            File.SetUnixFileMode(env.UserConfigPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherWrite);

            ClientResolution result = ClientConfigResolver.Load(env).Resolve("x");

            Assert.Contains(result.Diagnostics, d => d.IsError && d.Message.Contains("permissions"));
        }

        [Theory]
        [InlineData("Host x\n  FooBar 1\n", 2)]
        [InlineData("Host nomatch\n  IgnoreUnknown foo*\nHost *\n  FooBar 1\n", 4)]
        [InlineData("FooBar 1\nIgnoreUnknown foo*\n", 1)]
        public void Resolve_UnknownKeyword_IsReportedWhereSshWouldRefuseIt(string config, int line)
        {
            using var dir = new TempDirectory();
            ClientEnvironment env = Environment(dir);
            TestFiles.Write(env.UserConfigPath, config);

            ClientResolution result = ClientConfigResolver.Load(env).Resolve("y");

            ConfigDiagnostic warning = Assert.Single(result.Diagnostics);
            Assert.Contains("unknown keyword FooBar", warning.Message);
            Assert.Equal(line, warning.Source!.Line);
            Assert.NotEqual(0, ProcessRunner.Run("ssh", "-G", "-F", env.UserConfigPath, "y").ExitCode);
        }

        [Theory]
        [InlineData("IgnoreUnknown foo*,Bar\nFooBar 1\nbar 2\n")]
        [InlineData("Protocol 2\nKeepAlive yes\nUseRoaming no\n")]
        public void Resolve_IgnoredOrDeprecatedKeywords_AreNotReported(string config)
        {
            using var dir = new TempDirectory();
            ClientEnvironment env = Environment(dir);
            TestFiles.Write(env.UserConfigPath, config);

            ClientResolution result = ClientConfigResolver.Load(env).Resolve("y");

            Assert.Empty(result.Diagnostics);
            Assert.Equal(0, ProcessRunner.Run("ssh", "-G", "-F", env.UserConfigPath, "y").ExitCode);
        }

        [Fact]
        public void LoadFile_Missing_IsAnError()
        {
            using var dir = new TempDirectory();

            var resolver = ClientConfigResolver.LoadFile(Environment(dir), dir.File("absent"));

            Assert.Contains(resolver.LoadDiagnostics, d => d.IsError);
            Assert.True(resolver.Resolve("x").HasErrors);
        }

        [Theory]
        [InlineData("none")]
        [InlineData("NONE")]
        [InlineData("None")]
        public void LoadFile_NoneInAnyCase_ReadsNoFileAsSshDoes(string none)
        {
            using var dir = new TempDirectory();

            var resolver = ClientConfigResolver.LoadFile(Environment(dir), none);

            Assert.Empty(resolver.Files);
            Assert.Empty(resolver.LoadDiagnostics);
            Assert.Equal(0, ProcessRunner.Run("ssh", "-G", "-F", none, "x").ExitCode);
        }

        [Fact]
        public void Open_WithoutAFile_ReadsTheUserThenTheSystemConfig()
        {
            using var dir = new TempDirectory();
            ClientEnvironment env = Environment(dir);
            TestFiles.Write(env.UserConfigPath, "Host web\n  Port 2\n");
            TestFiles.Write(env.SystemConfigPath, "Host web\n  Port 3\n  User sys\n");

            ClientResolution result = ClientConfigResolver.Open(env, null).Resolve("web");

            Assert.Equal((2, "sys"), ((int)result["Port"].Value!, (string)result["User"].Value!));
        }

        [Fact]
        public void Open_WithAFile_ReadsOnlyThatFile()
        {
            using var dir = new TempDirectory();
            ClientEnvironment env = Environment(dir);
            TestFiles.Write(env.UserConfigPath, "Host web\n  Port 2\n");
            string file = dir.File("other");
            TestFiles.Write(file, "Host web\n  Port 4\n");

            ClientResolution result = ClientConfigResolver.Open(env, file).Resolve("web");

            Assert.Equal(4, (int)result["Port"].Value!);
        }

        [Fact]
        public void Resolve_IncludeError_IsReportedForEveryHost()
        {
            using var dir = new TempDirectory();
            ClientEnvironment env = Environment(dir);
            TestFiles.Write(env.UserConfigPath, "Include config\n");

            ClientResolution result = ClientConfigResolver.Load(env).Resolve("x");

            Assert.Contains(result.Diagnostics, d => d.IsError && d.Message.Contains("Include loop") && d.Source!.Line == 1);
        }

        public static IEnumerable<object[]> Seeds => Enumerable.Range(0, 100).Select(i => new object[] { i });

        [Theory]
        [MemberData(nameof(Seeds))]
        public void Resolve_OfSeveralDestinationsAtOnce_GivesEachWhatItGetsAlone(int seed)
        {
            using var dir = new TempDirectory();
            string path = RandomClientConfig.Write(new Random(seed), dir);
            var resolver = ClientConfigResolver.LoadFile(Environment(dir), path);
            SshTarget[] targets = RandomClientConfig.Destinations.Select(d => SshTarget.Parse(d)).ToArray();

            IReadOnlyList<ClientResolution> together = resolver.Resolve(targets);

            Assert.Equal(targets.Select(t => Describe(resolver.Resolve(t))), together.Select(Describe));
        }

        private static string Describe(ClientResolution resolution) =>
            string.Join("\n", resolution.Settings.Select(s => $"{s.Name}={s.Text} from {string.Join(",", s.Sources)}")
                .Concat(resolution.Diagnostics.Select(d => d.ToString())));

        [Fact]
        public void HostNames_ListsLiteralHostPatternsAcrossIncludes()
        {
            using var dir = new TempDirectory();
            ClientEnvironment env = Environment(dir);
            TestFiles.Write(env.UserConfigPath, "Host web db *.corp !bad\nInclude more\nHost web\n");
            TestFiles.Write(Path.Combine(dir.Path, ".ssh", "more"), "Host jump? backup\n");

            var names = ClientConfigResolver.Load(env).HostNames();

            Assert.Equal(new[] { "web", "db", "backup" }, names.ToArray());
        }
    }
}
