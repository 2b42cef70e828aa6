using System.IO;
using System.Linq;
using SshKeepAlive.Core.Kernel;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Kernel
{
    public sealed class KernelTimeoutReaderTests
    {
        [Fact]
        public void Read_ReportsKeepaliveAndConntrackValuesWithTheirProcSysPaths()
        {
            using var sys = new TempDirectory();
            Write(sys, "net/ipv4/tcp_keepalive_time", "7200\n");
            Write(sys, "net/ipv4/tcp_keepalive_intvl", "75\n");
            Write(sys, "net/ipv4/tcp_keepalive_probes", "9\n");
            Write(sys, "net/netfilter/nf_conntrack_tcp_timeout_established", "432000\n");

            var settings = new KernelTimeoutReader(sys.Path).Read();

            Assert.Equal(
                new[] { "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", "net.netfilter.nf_conntrack_tcp_timeout_established" },
                settings.Select(s => s.Name));
            Assert.Equal(new int?[] { 7200, 75, 9, 432000 }, settings.Select(s => s.Value));
            Assert.Equal(Path.Combine(sys.Path, "net/ipv4/tcp_keepalive_intvl"), settings[1].Source);
            Assert.All(settings, s => Assert.Null(s.Problem));
        }

        [Fact]
        public void Read_WithoutConntrackLoaded_LeavesItOut()
        {
            using var sys = new TempDirectory();
            Write(sys, "net/ipv4/tcp_keepalive_time", "600\n");

            var setting = Assert.Single(new KernelTimeoutReader(sys.Path).Read());

            Assert.Equal(600, setting.Value);
        }

        [Fact]
        public void Read_MalformedFile_IsAProblemNotACrash()
        {
            using var sys = new TempDirectory();
            Write(sys, "net/ipv4/tcp_keepalive_probes", "nine\n");

            var setting = Assert.Single(new KernelTimeoutReader(sys.Path).Read());

            Assert.Null(setting.Value);
            Assert.Contains("'nine'", setting.Problem);
        }

        [Fact]
        public void Read_WhereThereIsNoProcSys_ReportsNothing()
        {
            Assert.Empty(new KernelTimeoutReader("/nonexistent/proc/sys").Read());
        }

        [Fact]
        public void Read_OfThisMachinesProcSys_AgreesWithSysctl()
        {
            if (!Directory.Exists("/proc/sys/net/ipv4"))
            {
                return;
            }

            var settings = new KernelTimeoutReader("/proc/sys").Read();

            foreach (KernelSetting setting in settings)
            {
                var sysctl = ProcessRunner.Run("sysctl", "-n", setting.Name);
                Assert.Equal(sysctl.Output.Trim(), setting.Value.ToString());
            }
        }

        [Fact]
        public void FromSysctl_MacOS_ConvertsMillisecondsToSeconds_AndKnowsTheRoles()
        {
            var settings = KernelTimeoutReader.FromSysctl("net.inet.tcp.keepidle: 7200000\nnet.inet.tcp.keepintvl: 75000\nnet.inet.tcp.keepcnt: 8\n", "sysctl");

            Assert.Equal(new int?[] { 7200, 75, 8 }, settings.Select(s => s.Value));
            Assert.Equal(new[] { KernelRole.KeepAliveTime, KernelRole.KeepAliveInterval, KernelRole.KeepAliveProbes }, settings.Select(s => s.Role));
            Assert.All(settings, s => Assert.Equal(s.BuiltInDefault, s.Value));
            Assert.Equal("7200000 ms", settings[0].Note);
        }

        [Fact]
        public void FromWindowsRegistry_ReadsKeepAliveTime_AndFallsBackToWindowsDefaults()
        {
            var tuned = KernelTimeoutReader.FromWindowsRegistry("HKEY_LOCAL_MACHINE\\...\r\n    KeepAliveTime    REG_DWORD    0x493e0\r\n    EnableDHCP    REG_DWORD    0x1\r\n");
            var untouched = KernelTimeoutReader.FromWindowsRegistry(string.Empty);

            Assert.Equal(300, tuned.Single(s => s.Name == "KeepAliveTime").Value);
            Assert.Equal(KernelTimeoutReader.WindowsTcpipKey, tuned.Single(s => s.Name == "KeepAliveTime").Source);
            Assert.Equal(new int?[] { 7200, 1, 10 }, untouched.Select(s => s.Value));
            Assert.All(untouched, s => Assert.Equal("default", s.Source));
        }

        private static void Write(TempDirectory sys, string relative, string text)
        {
            string path = Path.Combine(sys.Path, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }
    }
}
