using System.Collections.Generic;
using SshKeepAlive.Core.Timeouts;
using Xunit;

namespace SshKeepAlive.Core.Tests.Timeouts
{
    public sealed class TimeoutSummaryTests
    {
        private static readonly TimeoutSetting[] KernelDefaults =
        {
            Kernel("net.ipv4.tcp_keepalive_time", 7200),
            Kernel("net.ipv4.tcp_keepalive_intvl", 75),
            Kernel("net.ipv4.tcp_keepalive_probes", 9),
        };

        [Fact]
        public void Create_ClientDeadPeer_IsIntervalTimesCountMax_WithBothSources()
        {
            var summary = Summarize(
                Client("ServerAliveInterval", 15, "/home/u/.ssh/config", 3),
                Client("ServerAliveCountMax", 3, null, null),
                Client("TCPKeepAlive", false, null, null));

            Assert.Equal(45, summary.ClientDeadPeerSeconds);
            Assert.Equal("ServerAliveInterval (/home/u/.ssh/config:3) x ServerAliveCountMax (default)", summary.ClientDeadPeerSource);
            Assert.Equal(15, summary.KeepAliveSeconds);
        }

        [Fact]
        public void Create_WithTcpKeepAliveOnly_DeadPeerComesFromTheKernel()
        {
            var settings = new List<TimeoutSetting>(KernelDefaults)
            {
                Client("ServerAliveInterval", 0, null, null),
                Client("ServerAliveCountMax", 3, null, null),
                Client("TCPKeepAlive", true, null, null),
            };

            var summary = TimeoutSummary.Create("web01", settings);

            Assert.Equal(7200 + (75 * 9), summary.ClientDeadPeerSeconds);
            Assert.StartsWith("TCPKeepAlive: net.ipv4.tcp_keepalive_time", summary.ClientDeadPeerSource);
            Assert.Equal(7200, summary.KeepAliveSeconds);
        }

        [Fact]
        public void Create_ServerCountMaxZero_NeverDisconnects_ButStillSendsKeepalives()
        {
            var summary = Summarize(
                Server("ClientAliveInterval", 60),
                Server("ClientAliveCountMax", 0),
                Server("TCPKeepAlive", false));

            Assert.Null(summary.ServerDeadPeerSeconds);
            Assert.Equal(60, summary.KeepAliveSeconds);
        }

        [Fact]
        public void Create_IdleTimeout_IsTheSoonestOfTmoutAndSessionChannelTimeout()
        {
            var summary = Summarize(
                new TimeoutSetting(TimeoutScope.Shell, LocalTimeoutSettings.LoginShellTarget, "TMOUT", 900, false, "/etc/profile", 4),
                new TimeoutSetting(TimeoutScope.Shell, LocalTimeoutSettings.InteractiveShellTarget, "TMOUT", 60, false, "/etc/bash.bashrc", 1),
                Server("ChannelTimeout", "global=1h session:shell=10m"));

            Assert.Equal(600, summary.IdleTimeoutSeconds);
            Assert.Equal("ChannelTimeout (/etc/ssh/sshd_config:9)", summary.IdleTimeoutSource);
        }

        [Fact]
        public void Create_FirewallForgettingIdleFlows_EndsTheSessionUnlessKeepalivesAreMoreFrequent()
        {
            var firewall = Kernel("net.netfilter.nf_conntrack_tcp_timeout_established", 300);

            var unprotected = Summarize(firewall, Client("ServerAliveInterval", 0, null, null));
            var protectedByKeepalive = Summarize(firewall, Client("ServerAliveInterval", 120, "/etc/ssh/ssh_config", 2));

            Assert.Equal(300, unprotected.IdleTimeoutSeconds);
            Assert.Equal("net.netfilter.nf_conntrack_tcp_timeout_established (/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established)", unprotected.IdleTimeoutSource);
            Assert.Null(protectedByKeepalive.IdleTimeoutSeconds);
        }

        [Fact]
        public void Create_WithNothingConfigured_ReportsNeverEverywhere()
        {
            var summary = Summarize();

            Assert.Null(summary.ClientDeadPeerSeconds);
            Assert.Null(summary.ServerDeadPeerSeconds);
            Assert.Null(summary.KeepAliveSeconds);
            Assert.Null(summary.IdleTimeoutSeconds);
        }

        [Theory]
        [InlineData("session:shell=5m", 300)]
        [InlineData("global=1h session:*=10m", 600)]
        [InlineData("session:shell=10m global=2m", 120)]
        [InlineData("*=30s", 30)]
        [InlineData("session:*=45", 45)]
        [InlineData("x11-connection=1m direct-tcpip=5m", null)]
        [InlineData("session:shell=0", null)]
        [InlineData("session:*=0 global=2m", 120)]
        [InlineData("session:*=bogus", null)]
        [InlineData("session=5m", null)] // sshd looks the timeout up as session:shell, which "session" does not match
        [InlineData("global=1h session=10m", 3600)]
        public void ChannelTimeoutForSession_FollowsTypePatterns(string value, int? expected)
        {
            Assert.Equal(expected, ChannelTimeouts.ForSession(value));
        }

        private static TimeoutSummary Summarize(params TimeoutSetting[] settings) => TimeoutSummary.Create("web01", settings);

        private static TimeoutSetting Client(string name, object value, string? source, int? line) =>
            new TimeoutSetting(TimeoutScope.Client, "web01", name, value, source == null, source ?? TimeoutSetting.DefaultSource, line);

        private static TimeoutSetting Server(string name, object value) =>
            new TimeoutSetting(TimeoutScope.Server, "sshd", name, value, false, "/etc/ssh/sshd_config", 9);

        private static TimeoutSetting Kernel(string name, int value) =>
            new TimeoutSetting(TimeoutScope.Kernel, "kernel", name, value, false, "/proc/sys/" + name.Replace('.', '/'), null);
    }
}
