using System;
using System.ComponentModel;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;

namespace SshKeepAlive.Core.Platform
{
    /// <summary>A file's owner, mode and modification time, as stat(2) gives them.</summary>
    public sealed class FileFacts
    {
        public FileFacts(string path, uint? userId, int? mode, DateTimeOffset lastWrite)
        {
            Path = path;
            UserId = userId;
            Mode = mode;
            LastWrite = lastWrite;
        }

        public string Path { get; }

        /// <summary>The owner's numeric id; null where files have none (Windows).</summary>
        public uint? UserId { get; }

        /// <summary>Permission bits (0644 = 420); null where files have none (Windows).</summary>
        public int? Mode { get; }

        public DateTimeOffset LastWrite { get; }

        /// <summary>The mode in octal, as ls and chmod write it (0644); "-" without one.</summary>
        public string ModeText => Mode is int mode ? "0" + Convert.ToString(mode, 8) : "-";
    }

    /// <summary>
    /// What is read from a machine besides the contents of its files: owners, modes and times of files, when a
    /// process started, and what a program prints. <see cref="LocalMachine"/> asks this machine; a reader of a
    /// remote machine answers the same questions over SSH (stat, ps, the same programs), so everything built on
    /// these answers works for either.
    /// </summary>
    public interface IMachine
    {
        /// <summary>The numeric user id commands run as (ssh's getuid()); null where there is none (Windows).</summary>
        uint? UserId { get; }

        /// <summary>The file's facts; null when it does not exist.</summary>
        FileFacts? Stat(string path);

        /// <summary>When the process started; null when there is no such (live) process.</summary>
        DateTimeOffset? ProcessStartTime(int pid);

        /// <summary>Runs a program to completion (a missing one gives <see cref="CommandOutput.Started"/> false).</summary>
        CommandOutput Run(string program, params string[] arguments);

        /// <summary>Runs a program as root (sshd -t reads the host keys); null when this machine will not (not root, no sudo).</summary>
        CommandOutput? RunAsRoot(string program, params string[] arguments);
    }

    /// <summary>This machine, as the process sees it.</summary>
    public sealed class LocalMachine : IMachine
    {
        private const int ScClkTck = 2;
        private static readonly TimeSpan CommandTimeLimit = TimeSpan.FromSeconds(30);

        public static LocalMachine Instance { get; } = new LocalMachine();

        public uint? UserId => SshPlatform.IsWindows ? (uint?)null : UnixFileSystem.EffectiveUserId;

        public FileFacts? Stat(string path)
        {
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                return null;
            }

            var lastWrite = new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero);
            if (!UnixFileSystem.IsUnix)
            {
                return new FileFacts(path, null, null, lastWrite);
            }

            UnixFileInfo info = UnixFileSystem.Stat(path);
            return new FileFacts(path, info.UserId, info.Mode, lastWrite);
        }

        public DateTimeOffset? ProcessStartTime(int pid)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                return LinuxProcessStart("/proc", pid, sysconf(ScClkTck));
            }

            // Elsewhere ps says how long the process has run: [[dd-]hh:]mm:ss.
            CommandOutput ps = Run("ps", "-o", "etime=", "-p", pid.ToString(CultureInfo.InvariantCulture));
            return ps.Succeeded && ParseElapsed(ps.Output.Trim()) is TimeSpan elapsed ? DateTimeOffset.UtcNow - elapsed : (DateTimeOffset?)null;
        }

        /// <summary>Runs the program through <see cref="ExternalCommand"/> (30 s at the most); a missing or hung one is not started.</summary>
        public CommandOutput Run(string program, params string[] arguments)
        {
            try
            {
                return CommandOutput.From(ExternalCommand.Run(program, arguments, CommandTimeLimit, CancellationToken.None));
            }
            catch (Exception ex) when (ex is Win32Exception || ex is InvalidOperationException || ex is ExternalCommandTimeoutException)
            {
                return CommandOutput.NotStarted($"{program}: {ex.Message}");
            }
        }

        /// <summary>This process runs programs as root when it is root; it never asks sudo.</summary>
        public CommandOutput? RunAsRoot(string program, params string[] arguments) => UserId == 0 ? Run(program, arguments) : null;

        /// <summary>A process's start from the /proc under <paramref name="procPath"/>; null for no such process.</summary>
        internal static DateTimeOffset? LinuxProcessStart(string procPath, int pid, long ticksPerSecond)
        {
            try
            {
                return LinuxProcessStart(
                    File.ReadAllText(Path.Combine(procPath, pid.ToString(CultureInfo.InvariantCulture), "stat")),
                    File.ReadAllText(Path.Combine(procPath, "stat")),
                    ticksPerSecond);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return null;
            }
        }

        /// <summary>
        /// A process's start from its /proc/PID/stat line (field 22: clock ticks after boot) and btime of /proc/stat
        /// (<paramref name="bootStat"/>); null for a zombie, which no longer runs anything, or text that says neither.
        /// </summary>
        internal static DateTimeOffset? LinuxProcessStart(string stat, string bootStat, long ticksPerSecond)
        {
            string[] bootLines = bootStat.Split('\n');
            if (stat.LastIndexOf(')') < 0 || stat.LastIndexOf(')') + 2 > stat.Length)
            {
                return null;
            }

            // The command name in parentheses may hold spaces and parentheses; the fields after its last ')' do not.
            string[] fields = stat.Substring(stat.LastIndexOf(')') + 2).Split(' ');
            string? btime = Array.Find(bootLines, l => l.StartsWith("btime ", StringComparison.Ordinal));
            if (fields.Length < 20 || fields[0] == "Z" || btime == null || ticksPerSecond <= 0
                || !long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out long ticks)
                || !long.TryParse(btime.Substring(6).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long bootSeconds))
            {
                return null;
            }

            return DateTimeOffset.FromUnixTimeSeconds(bootSeconds).AddSeconds((double)ticks / ticksPerSecond);
        }

        /// <summary>ps's etime, [[dd-]hh:]mm:ss.</summary>
        internal static TimeSpan? ParseElapsed(string text)
        {
            int days = 0;
            int dash = text.IndexOf('-');
            if (dash > 0 && !int.TryParse(text.Substring(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out days))
            {
                return null;
            }

            string[] parts = text.Substring(dash + 1).Split(':');
            int seconds = 0;
            foreach (string part in parts)
            {
                if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int value))
                {
                    return null;
                }

                seconds = (seconds * 60) + value;
            }

            return parts.Length >= 2 && parts.Length <= 3 ? TimeSpan.FromDays(days) + TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        }

        [DllImport("libc", SetLastError = true)]
        private static extern long sysconf(int name);
    }
}
