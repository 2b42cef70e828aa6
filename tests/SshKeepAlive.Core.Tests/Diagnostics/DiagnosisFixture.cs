using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.Diagnostics;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.Timeouts;
using SshKeepAlive.Testing;

namespace SshKeepAlive.Core.Tests.Diagnostics
{
    /// <summary>
    /// A machine under a temporary root that Test-SshKeepAlive finds nothing wrong with: keepalives on both sides,
    /// no shell or logind idle logout, the kernel's defaults, files ssh accepts. Each test breaks one thing.
    /// </summary>
    internal sealed class DiagnosisFixture : IDisposable
    {
        private readonly TempDirectory root = new TempDirectory();

        public DiagnosisFixture(OsKind os = OsKind.Linux)
        {
            Os = os;
            Write("home/u/.ssh/config", "Host *\n    ServerAliveInterval 60\n");
            Write("etc/ssh/ssh_config", "Host *\n    SendEnv LANG\n");
            Write("etc/ssh/sshd_config", "ClientAliveInterval 60\n");
            Write("etc/passwd", "root:x:0:0:root:/root:/bin/bash\nu:x:1000:1000::/home/u:/bin/bash\n");
            Write("etc/group", "root:x:0:\nu:x:1000:\n");
            Write("etc/profile", "PATH=/usr/bin:/bin\nexport PATH\n");
            if (os == OsKind.Linux)
            {
                Write("etc/systemd/logind.conf", "[Login]\n#StopIdleSessionSec=infinity\n");
                Write("proc/sys/net/ipv4/tcp_keepalive_time", "7200\n");
                Write("proc/sys/net/ipv4/tcp_keepalive_intvl", "75\n");
                Write("proc/sys/net/ipv4/tcp_keepalive_probes", "9\n");
                Write("proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established", "432000\n");
            }
        }

        public OsKind Os { get; }

        public RecordedMachine Machine { get; } = new RecordedMachine();

        public string Root => root.Path;

        public string UserConfig => Path("home/u/.ssh/config");

        public string ServerConfig => Path(Os == OsKind.Windows ? "ProgramData/ssh/sshd_config" : "etc/ssh/sshd_config");

        public string Path(string relative) => System.IO.Path.Combine(root.Path, relative);

        public string Write(string relative, string text)
        {
            string path = Path(relative);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
            return path;
        }

        public void Delete(string relative) => File.Delete(Path(relative));

        /// <summary>The options a Test-SshKeepAlive run without parameters would have here; change them before <see cref="Diagnose"/>.</summary>
        public TimeoutReportOptions Options { get; private set; } = null!;

        public Diagnosis Open(Action<TimeoutReportOptions>? configure = null)
        {
            Options = new TimeoutReportOptions(Environment());
            configure?.Invoke(Options);
            return Diagnosis.Open(Options);
        }

        /// <summary>The findings for one host (null: every host, or the local target without the client scope).</summary>
        public TargetDiagnosis Diagnose(string? host = null, Action<TimeoutReportOptions>? configure = null, int? pathIdleTimeout = null) =>
            Open(configure).Diagnose(host, pathIdleTimeout, pathIdleTimeout == null ? null : "given");

        public IReadOnlyList<Finding> Findings(string? host = null, Action<TimeoutReportOptions>? configure = null, int? pathIdleTimeout = null) =>
            Diagnose(host, configure, pathIdleTimeout).Findings;

        public void Dispose() => root.Dispose();

        private TimeoutEnvironment Environment()
        {
            if (Os != OsKind.Windows)
            {
                return TimeoutEnvironment.UnderRoot(root.Path, Path("home/u"), "u", Os, Machine);
            }

            string system = Path("ProgramData/ssh");
            var client = new ClientEnvironment(Path("Users/u"), "u", Path("Users/u/.ssh/config"), System.IO.Path.Combine(system, "ssh_config"), system);
            return new TimeoutEnvironment(root.Path, client, OsKind.Windows, Machine);
        }
    }
}
