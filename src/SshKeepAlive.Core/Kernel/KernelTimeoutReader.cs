using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using SshKeepAlive.Core.Platform;

namespace SshKeepAlive.Core.Kernel
{
    /// <summary>What a kernel setting means, whatever the platform calls it.</summary>
    public enum KernelRole
    {
        /// <summary>Idle seconds before the first TCP keepalive probe (Linux tcp_keepalive_time, macOS keepidle, Windows KeepAliveTime).</summary>
        KeepAliveTime,

        /// <summary>Seconds between unanswered probes.</summary>
        KeepAliveInterval,

        /// <summary>Unanswered probes before the connection is dropped.</summary>
        KeepAliveProbes,

        /// <summary>How long conntrack (a Linux firewall or NAT on this machine) remembers an idle established TCP flow.</summary>
        ConntrackEstablished,
    }

    /// <summary>One kernel setting: from /proc/sys (Linux), sysctl (macOS) or the registry (Windows).</summary>
    public sealed class KernelSetting
    {
        public KernelSetting(string name, string source, int? value, string? problem, KernelRole? role = null, int? builtInDefault = null, string? note = null)
        {
            Name = name;
            Source = source;
            Value = value;
            Problem = problem;
            Role = role ?? KernelTimeoutReader.RoleOf(name) ?? throw new ArgumentException($"{name} is not a kernel setting the reader knows.", nameof(name));
            BuiltInDefault = builtInDefault ?? KernelTimeoutReader.LinuxDefaultOf(name);
            Note = note;
        }

        /// <summary>The platform's name, e.g. <c>net.ipv4.tcp_keepalive_time</c>, <c>net.inet.tcp.keepidle</c>, <c>KeepAliveTime</c>.</summary>
        public string Name { get; }

        /// <summary>Where it was read: the /proc/sys file, the sysctl command, the registry key, or "default".</summary>
        public string Source { get; }

        /// <summary>Seconds for times, a count for probes; null when it could not be read as a number.</summary>
        public int? Value { get; }

        public string? Problem { get; }

        public KernelRole Role { get; }

        /// <summary>The platform's built-in value, to tell a tuned setting from an untouched one; null when unknown.</summary>
        public int? BuiltInDefault { get; }

        /// <summary>What else to know about the value (a unit converted, a fixed platform value).</summary>
        public string? Note { get; }
    }

    /// <summary>
    /// Reads the kernel's TCP keepalive settings and, on Linux, the conntrack idle timeout for established TCP flows.
    /// </summary>
    /// <remarks>
    /// tcp_keepalive_* apply only to sockets that enable SO_KEEPALIVE (OpenSSH does with TCPKeepAlive yes).
    /// nf_conntrack_tcp_timeout_established is per network namespace and exists only while nf_conntrack is loaded;
    /// a firewall on another machine has its own. Linux is read from /proc/sys; macOS from the output of
    /// <c>sysctl net.inet.tcp.keepidle net.inet.tcp.keepintvl net.inet.tcp.keepcnt</c> (milliseconds for the
    /// times); Windows from <c>reg query</c> of the Tcpip parameters (KeepAliveTime and KeepAliveInterval in
    /// milliseconds, defaults 2 hours and 1 second; Windows sends 10 probes, a number it does not let anyone set).
    /// </remarks>
    public sealed class KernelTimeoutReader
    {
        /// <summary>The sysctl command macOS is asked with.</summary>
        public static readonly IReadOnlyList<string> MacOSSysctlNames = new[] { "net.inet.tcp.keepidle", "net.inet.tcp.keepintvl", "net.inet.tcp.keepcnt" };

        /// <summary>The registry key Windows keeps its TCP keepalive settings in.</summary>
        public const string WindowsTcpipKey = @"HKLM\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters";

        private static readonly Dictionary<string, (KernelRole Role, int Default)> Linux = new Dictionary<string, (KernelRole, int)>
        {
            ["net.ipv4.tcp_keepalive_time"] = (KernelRole.KeepAliveTime, 7200),
            ["net.ipv4.tcp_keepalive_intvl"] = (KernelRole.KeepAliveInterval, 75),
            ["net.ipv4.tcp_keepalive_probes"] = (KernelRole.KeepAliveProbes, 9),
            ["net.netfilter.nf_conntrack_tcp_timeout_established"] = (KernelRole.ConntrackEstablished, 432000),
        };

        private static readonly Dictionary<string, (KernelRole Role, int Default, bool Milliseconds)> MacOS = new Dictionary<string, (KernelRole, int, bool)>
        {
            ["net.inet.tcp.keepidle"] = (KernelRole.KeepAliveTime, 7200, true),
            ["net.inet.tcp.keepintvl"] = (KernelRole.KeepAliveInterval, 75, true),
            ["net.inet.tcp.keepcnt"] = (KernelRole.KeepAliveProbes, 8, false),
        };

        private static readonly Dictionary<string, (KernelRole Role, int DefaultMilliseconds)> Windows = new Dictionary<string, (KernelRole, int)>
        {
            ["KeepAliveTime"] = (KernelRole.KeepAliveTime, 7200000),
            ["KeepAliveInterval"] = (KernelRole.KeepAliveInterval, 1000),
        };

        private const string WindowsProbesName = "TcpMaxDataRetransmissions (keepalive probes)";
        private const int WindowsProbes = 10;

        private readonly string procSysPath;
        private readonly IReadOnlyFileSystem files;

        /// <param name="procSysPath">The /proc/sys directory (a temporary folder in tests).</param>
        /// <param name="files">The machine whose files are read (default: this one).</param>
        public KernelTimeoutReader(string procSysPath, IReadOnlyFileSystem? files = null)
        {
            this.procSysPath = procSysPath;
            this.files = files ?? LocalFileSystem.Instance;
        }

        /// <summary>The role of a setting name of any platform; null for a name the reader does not know.</summary>
        public static KernelRole? RoleOf(string name) =>
            Linux.TryGetValue(name, out var linux) ? linux.Role
            : MacOS.TryGetValue(name, out var mac) ? mac.Role
            : Windows.TryGetValue(name, out var windows) ? windows.Role
            : name == WindowsProbesName ? KernelRole.KeepAliveProbes
            : (KernelRole?)null;

        internal static int? LinuxDefaultOf(string name) => Linux.TryGetValue(name, out var linux) ? linux.Default : (int?)null;

        /// <summary>The Linux settings whose /proc/sys files exist; unreadable or malformed ones carry a <see cref="KernelSetting.Problem"/>.</summary>
        public IReadOnlyList<KernelSetting> Read()
        {
            var settings = new List<KernelSetting>();
            foreach (string name in Linux.Keys)
            {
                string path = FileSystemExtensions.JoinPath(procSysPath, name.Replace('.', procSysPath.StartsWith("/", StringComparison.Ordinal) ? '/' : Path.DirectorySeparatorChar));
                if (!files.FileExists(path))
                {
                    continue;
                }

                string text;
                try
                {
                    text = files.ReadAllText(path).Trim();
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    settings.Add(new KernelSetting(name, path, null, "Cannot read: " + ex.Message));
                    continue;
                }

                settings.Add(int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value)
                    ? new KernelSetting(name, path, value, null)
                    : new KernelSetting(name, path, null, $"'{text}' is not a number."));
            }

            return settings;
        }

        /// <summary>macOS: the output of <c>sysctl</c> for <see cref="MacOSSysctlNames"/> ("name: value" lines; times in milliseconds).</summary>
        public static IReadOnlyList<KernelSetting> FromSysctl(string output, string source)
        {
            var settings = new List<KernelSetting>();
            foreach (string line in output.Split('\n'))
            {
                int colon = line.IndexOf(':');
                string name = colon < 0 ? string.Empty : line.Substring(0, colon).Trim();
                if (!MacOS.TryGetValue(name, out var known))
                {
                    continue;
                }

                string text = line.Substring(colon + 1).Trim();
                if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value))
                {
                    settings.Add(new KernelSetting(name, source, null, $"'{text}' is not a number.", known.Role, known.Default));
                    continue;
                }

                settings.Add(known.Milliseconds
                    ? new KernelSetting(name, source, Seconds(value), null, known.Role, known.Default, $"{value} ms")
                    : new KernelSetting(name, source, (int)Math.Min(value, int.MaxValue), null, known.Role, known.Default));
            }

            return settings;
        }

        /// <summary>
        /// Windows: the output of <c>reg query</c> of <see cref="WindowsTcpipKey"/> ("    Name    REG_DWORD    0x…" lines).
        /// A value the key does not have is Windows' default; the probe count is Windows' fixed 10.
        /// </summary>
        public static IReadOnlyList<KernelSetting> FromWindowsRegistry(string output)
        {
            var found = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
            foreach (string line in output.Split('\n'))
            {
                string[] fields = line.Split(new[] { ' ', '\t', '\r' }, StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length == 3 && fields[1] == "REG_DWORD" && fields[2].StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                    && long.TryParse(fields[2].Substring(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out long value))
                {
                    found[fields[0]] = value;
                }
            }

            var settings = new List<KernelSetting>();
            foreach (var known in Windows)
            {
                bool set = found.TryGetValue(known.Key, out long milliseconds);
                settings.Add(new KernelSetting(
                    known.Key,
                    set ? WindowsTcpipKey : "default",
                    Seconds(set ? milliseconds : known.Value.DefaultMilliseconds),
                    null,
                    known.Value.Role,
                    known.Value.DefaultMilliseconds / 1000,
                    $"{(set ? milliseconds : known.Value.DefaultMilliseconds)} ms"));
            }

            settings.Add(new KernelSetting(WindowsProbesName, "default", WindowsProbes, null, KernelRole.KeepAliveProbes, WindowsProbes, "fixed by Windows"));
            return settings;
        }

        // Rounded up: a keepalive 500 ms after going idle is not one "after 0 seconds".
        private static int Seconds(long milliseconds) => (int)Math.Min((milliseconds + 999) / 1000, int.MaxValue);
    }
}
