using System;
using System.IO;
using System.Linq;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Sessions;
using SshKeepAlive.Core.Ssh;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Sessions
{
    /// <summary>A session request turned into settings: ssh_config for the destination, then the explicit choices on top.</summary>
    public sealed class SessionSettingsBuilderTests : IDisposable
    {
        private const string WebConfig = "Host web01\n  HostName 10.1.2.3\n  Port 2222\n  User deploy\n  ServerAliveInterval 1m\n  ServerAliveCountMax 4\n  ConnectTimeout 9\n  StrictHostKeyChecking accept-new\n";

        private readonly TempDirectory home = new TempDirectory();

        public void Dispose() => home.Dispose();

        [Fact]
        public void Build_WithoutChoices_TakesWhatSshConfigSaysForTheDestination()
        {
            SessionSettingsResult result = Build(new SshSessionRequest("web01") { ConfigFile = Config(WebConfig) });

            SshSessionSettings settings = result.Settings;
            Assert.Equal(("10.1.2.3", 2222, "deploy"), (settings.HostName, settings.Port, settings.User));
            Assert.Equal(TimeSpan.FromMinutes(1), settings.KeepAliveInterval);
            Assert.Equal(4, settings.KeepAliveCountMax);
            Assert.Equal(TimeSpan.FromSeconds(9), settings.ConnectTimeout);
            Assert.Equal(StrictHostKeyChecking.AcceptNew, settings.StrictHostKeyChecking);
            Assert.Contains(result.FromConfig, s => s.Name == "ServerAliveInterval" && s.Source?.Line == 5);
        }

        [Fact]
        public void Build_ExplicitChoices_WinOverSshConfig()
        {
            var request = new SshSessionRequest("web01")
            {
                ConfigFile = Config(WebConfig),
                Name = "w",
                Port = 2200,
                KeyFiles = new[] { "/keys/a" },
                KeepAliveInterval = TimeSpan.FromSeconds(5),
                KeepAliveCountMax = 2,
                StrictHostKeyChecking = "Yes",
                KnownHostsFile = "/kh/known_hosts",
                ConnectTimeout = TimeSpan.FromSeconds(3),
                ReconnectDelay = TimeSpan.FromSeconds(2),
                ReconnectMaxDelay = TimeSpan.FromSeconds(8),
                ReconnectMaxAttempts = 5,
                ReconnectTimeout = TimeSpan.FromMinutes(1),
            };

            SshSessionSettings settings = Build(request).Settings;

            Assert.Equal("w", settings.Name);
            Assert.Equal(2200, settings.Port);
            Assert.Equal(new[] { "/keys/a" }, settings.KeyFiles);
            Assert.Equal(TimeSpan.FromSeconds(5), settings.KeepAliveInterval);
            Assert.Equal(2, settings.KeepAliveCountMax);
            Assert.Equal(StrictHostKeyChecking.Yes, settings.StrictHostKeyChecking);
            Assert.Equal("/kh/known_hosts", settings.UserKnownHostsFile);
            Assert.Equal(TimeSpan.FromSeconds(3), settings.ConnectTimeout);
            ReconnectPolicy policy = settings.ReconnectPolicy;
            Assert.Equal((TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(8), (int?)5, (TimeSpan?)TimeSpan.FromMinutes(1)), (policy.FirstDelay, policy.MaxDelay, policy.MaxAttempts, policy.MaxDuration));
        }

        [Theory]
        [InlineData("web01", "carol")]
        [InlineData("bob@web01", "bob")]
        public void Build_ACredentialsUser_IsUsedUnlessTheDestinationNamesOne(string destination, string expectedUser)
        {
            SshSessionSettings settings = Build(new SshSessionRequest(destination) { ConfigFile = Config(WebConfig), CredentialUser = "carol", Password = "pw" }).Settings;

            Assert.Equal(expectedUser, settings.User);
            Assert.Equal("pw", settings.Password);
        }

        [Theory]
        [InlineData("accept-new", StrictHostKeyChecking.AcceptNew)]
        [InlineData("AcceptNew", StrictHostKeyChecking.AcceptNew)]
        [InlineData("no", StrictHostKeyChecking.No)]
        [InlineData("Ask", StrictHostKeyChecking.Ask)]
        public void Build_StrictHostKeyChecking_TakesSshsAndPowerShellsSpelling(string value, StrictHostKeyChecking expected)
        {
            Assert.Equal(expected, Build(new SshSessionRequest("web01") { ConfigFile = Config(WebConfig), StrictHostKeyChecking = value }).Settings.StrictHostKeyChecking);
        }

        [Fact]
        public void Build_NoReconnect_NeverReconnectsWhateverTheDelays()
        {
            var request = new SshSessionRequest("web01") { ConfigFile = Config(WebConfig), NoReconnect = true, ReconnectDelay = TimeSpan.FromSeconds(9), ReconnectMaxDelay = TimeSpan.FromSeconds(1) };

            Assert.Same(ReconnectPolicy.Never, Build(request).Settings.ReconnectPolicy);
        }

        [Fact]
        public void Build_ConfigFileNone_ReadsNoFileAtAll()
        {
            Directory.CreateDirectory(Path.Combine(home.Path, ".ssh"));
            File.WriteAllText(Path.Combine(home.Path, ".ssh", "config"), WebConfig);

            SessionSettingsResult result = Build(new SshSessionRequest("web01") { ConfigFile = "none" });

            Assert.Equal(("web01", 22, "alice"), (result.Settings.HostName, result.Settings.Port, result.Settings.User));
            Assert.DoesNotContain(result.FromConfig, s => s.Source != null);
        }

        [Fact]
        public void Build_WhatSshWouldWarnAbout_IsReturnedNamingTheLine()
        {
            SessionSettingsResult result = Build(new SshSessionRequest("web01") { ConfigFile = Config("Match exec \"true\"\n  Port 2\n") });

            ConfigDiagnostic warning = Assert.Single(result.Warnings);
            Assert.False(warning.IsError);
            Assert.Equal(1, warning.Source?.Line);
        }

        [Fact]
        public void Build_AMalformedDestination_ThrowsHostNameInvalidNamingIt()
        {
            var error = Assert.Throws<SshKeepAliveException>(() => Build(new SshSessionRequest("bad host") { ConfigFile = "none" }));

            Assert.Equal(ErrorId.HostNameInvalid, error.Id);
            Assert.Equal("bad host", error.Target);
        }

        [Fact]
        public void Build_AConfigSshWouldRefuse_ThrowsConfigInvalidNamingFileAndLine()
        {
            string config = Config("Host web01\n  Port notaport\n");

            var error = Assert.Throws<SshKeepAliveException>(() => Build(new SshSessionRequest("web01") { ConfigFile = config }));

            Assert.Equal(ErrorId.ConfigInvalid, error.Id);
            Assert.Contains(config + ":2", error.Message);
            Assert.Equal("web01", error.Target);
        }

        [Fact]
        public void Build_AMissingConfigFile_ThrowsConfigInvalidAsSshRefusesIt()
        {
            var error = Assert.Throws<SshKeepAliveException>(() => Build(new SshSessionRequest("web01") { ConfigFile = home.File("missing") }));

            Assert.Equal(ErrorId.ConfigInvalid, error.Id);
            Assert.Contains(home.File("missing"), error.Message);
        }

        [Fact]
        public void Build_ALongestReconnectDelayShorterThanTheFirst_ThrowsReconnectDelayInvalidInItsOwnWords()
        {
            var request = new SshSessionRequest("web01") { ConfigFile = "none", ReconnectDelay = TimeSpan.FromSeconds(10), ReconnectMaxDelay = TimeSpan.FromSeconds(5) };

            var error = Assert.Throws<SshKeepAliveException>(() => Build(request));

            Assert.Equal(ErrorId.ReconnectDelayInvalid, error.Id);
            Assert.DoesNotContain("-Reconnect", error.Message);
            Assert.DoesNotContain("ReconnectMaxDelay", error.Message);
        }

        private SessionSettingsResult Build(SshSessionRequest request) =>
            SessionSettingsBuilder.Build(request, new ClientEnvironment(home.Path, "alice", Path.Combine(home.Path, ".ssh", "config"), "/nonexistent/ssh_config", "/nonexistent"));

        private string Config(string text)
        {
            string file = home.File("ssh_config");
            File.WriteAllText(file, text);
            return file;
        }
    }
}
