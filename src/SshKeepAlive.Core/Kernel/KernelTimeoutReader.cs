using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using SshKeepAlive.Core.Platform;

namespace SshKeepAlive.Core.Kernel
{
    /// <summary>One kernel setting read from /proc/sys.</summary>
    public sealed class KernelSetting
    {
        public KernelSetting(string name, string source, int? value, string? problem)
        {
            Name = name;
            Source = source;
            Value = value;
            Problem = problem;
        }

        /// <summary>The sysctl name, e.g. <c>net.ipv4.tcp_keepalive_time</c>.</summary>
        public string Name { get; }

        /// <summary>Full path of the /proc/sys file.</summary>
        public string Source { get; }

        /// <summary>Seconds for times, a count for probes; null when the file could not be read as a number.</summary>
        public int? Value { get; }

        public string? Problem { get; }
    }

    /// <summary>
    /// Reads the Linux TCP keepalive defaults and the conntrack idle timeout for established TCP flows.
    /// </summary>
    /// <remarks>
    /// tcp_keepalive_* apply only to sockets that enable SO_KEEPALIVE (OpenSSH does with TCPKeepAlive yes).
    /// nf_conntrack_tcp_timeout_established is per network namespace and exists only while nf_conntrack is loaded;
    /// a firewall on another machine has its own. Where /proc/sys does not exist (Windows, macOS), nothing is reported.
    /// </remarks>
    public sealed class KernelTimeoutReader
    {
        /// <summary>The settings read, in report order: name and path under /proc/sys.</summary>
        internal static readonly IReadOnlyList<string> SettingNames = new[]
        {
            "net.ipv4.tcp_keepalive_time",
            "net.ipv4.tcp_keepalive_intvl",
            "net.ipv4.tcp_keepalive_probes",
            "net.netfilter.nf_conntrack_tcp_timeout_established",
        };

        private readonly string procSysPath;
        private readonly IReadOnlyFileSystem files;

        /// <param name="procSysPath">The /proc/sys directory (a temporary folder in tests).</param>
        /// <param name="files">The machine whose files are read (default: this one).</param>
        public KernelTimeoutReader(string procSysPath, IReadOnlyFileSystem? files = null)
        {
            this.procSysPath = procSysPath;
            this.files = files ?? LocalFileSystem.Instance;
        }

        /// <summary>The settings whose files exist; unreadable or malformed ones carry a <see cref="KernelSetting.Problem"/>.</summary>
        public IReadOnlyList<KernelSetting> Read()
        {
            var settings = new List<KernelSetting>();
            foreach (string name in SettingNames)
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
    }
}
