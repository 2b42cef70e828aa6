using System;
using System.IO;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Sessions;
using SshKeepAlive.Core.Ssh;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Sessions
{
    /// <summary>Session settings taken from ssh_config as the client resolver (ssh -G) resolves it.</summary>
    public sealed class SshSessionSettingsTests : IDisposable
    {
        private readonly TempDirectory home = new TempDirectory();

        public void Dispose() => home.Dispose();

        [Fact]
        public void FromConfig_TakesWhatTheHostBlockSays()
        {
            SshSessionSettings settings = Resolve("web01",
                "Host web01\n  HostName 10.1.2.3\n  Port 2222\n  User deploy\n  IdentityFile ~/.ssh/deploy\n  IdentityFile /keys/other\n" +
                "  ServerAliveInterval 1m\n  ServerAliveCountMax 4\n  ConnectTimeout 9\n  StrictHostKeyChecking accept-new\n" +
                "  UserKnownHostsFile ~/.ssh/hosts_a /etc/hosts_b\n");

            Assert.Equal("10.1.2.3", settings.HostName);
            Assert.Equal(2222, settings.Port);
            Assert.Equal("deploy", settings.User);
            Assert.Equal(new[] { Path.Combine(home.Path, ".ssh", "deploy"), "/keys/other" }, settings.DefaultKeyFiles);
            Assert.Equal(TimeSpan.FromMinutes(1), settings.KeepAliveInterval);
            Assert.Equal(4, settings.KeepAliveCountMax);
            Assert.Equal(TimeSpan.FromSeconds(9), settings.ConnectTimeout);
            Assert.Equal(StrictHostKeyChecking.AcceptNew, settings.StrictHostKeyChecking);
            Assert.Equal(Path.Combine(home.Path, ".ssh", "hosts_a"), settings.UserKnownHostsFile);
            Assert.Equal("/etc/hosts_b", settings.GlobalKnownHostsFiles[0]);
        }

        [Theory]
        [InlineData("yes", StrictHostKeyChecking.Yes)]
        [InlineData("no", StrictHostKeyChecking.No)]
        [InlineData("ask", StrictHostKeyChecking.Ask)]
        [InlineData("accept-new", StrictHostKeyChecking.AcceptNew)]
        public void FromConfig_MapsStrictHostKeyChecking(string value, StrictHostKeyChecking expected)
        {
            Assert.Equal(expected, Resolve("web01", "StrictHostKeyChecking " + value + "\n").StrictHostKeyChecking);
        }

        [Fact]
        public void FromConfig_WhenTheFilesSetNoKeepalive_KeepsTheModuleDefaultsNotSshs()
        {
            SshSessionSettings settings = Resolve("db1", "Host web01\n  ServerAliveInterval 5\n");
            SshSessionSettings defaults = SshSessionSettings.ForTarget(new SshTarget("db1"));

            Assert.Equal(defaults.KeepAliveInterval, settings.KeepAliveInterval);
            Assert.Equal(defaults.KeepAliveCountMax, settings.KeepAliveCountMax);
            Assert.Equal(defaults.ConnectTimeout, settings.ConnectTimeout);
            Assert.Equal("db1", settings.HostName);
            Assert.Equal(22, settings.Port);
            Assert.Equal("alice", settings.User);
            Assert.Contains(Path.Combine(home.Path, ".ssh", "id_ed25519"), settings.DefaultKeyFiles);
        }

        [Fact]
        public void FromConfig_UserAndPortOfTheDestinationWinOverTheFiles()
        {
            SshSessionSettings settings = Resolve("ssh://root@web01:2200", "Host web01\n  User deploy\n  Port 2222\n");

            Assert.Equal("root", settings.User);
            Assert.Equal(2200, settings.Port);
        }

        private SshSessionSettings Resolve(string destination, string config)
        {
            string file = home.File("ssh_config");
            File.WriteAllText(file, config);
            var environment = new ClientEnvironment(home.Path, "alice", Path.Combine(home.Path, ".ssh", "config"), "/nonexistent/ssh_config", "/nonexistent");
            ClientResolution resolution = ClientConfigResolver.LoadFile(environment, file).Resolve(destination);
            Assert.False(resolution.HasErrors, string.Join("; ", resolution.Diagnostics));
            return SshSessionSettings.FromConfig(resolution, home.Path);
        }
    }
}
