using System;
using System.IO;
using System.Runtime.InteropServices;

namespace SshKeepAlive.Core.Platform
{
    /// <summary>The operating systems whose kernel and shells are read differently.</summary>
    public enum OsKind
    {
        /// <summary>Linux and other Unix systems with /proc/sys.</summary>
        Linux,

        /// <summary>macOS: kernel settings from sysctl, zsh as the default shell.</summary>
        MacOS,

        /// <summary>Windows: kernel settings from the registry, OpenSSH's files in %ProgramData%\ssh, no shell startup files.</summary>
        Windows,
    }

    /// <summary>
    /// Where OpenSSH lives on this machine (Linux, macOS, Windows): this account's home, the system ssh
    /// directory and the sshd binary. The one place these are worked out; everything else asks here.
    /// </summary>
    public static class SshPlatform
    {
        private const int ERange = 34;

        public static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        public static OsKind Os => IsWindows ? OsKind.Windows : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? OsKind.MacOS : OsKind.Linux;

        /// <summary>
        /// This account's home, what '~' means to ssh and sshd. On Unix the passwd database's entry for the real
        /// user id, as ssh takes it (getpwuid), so $HOME does not move it; %USERPROFILE% on Windows. Falls back to
        /// the profile folder .NET reports ($HOME) when the passwd database has no entry, where ssh would refuse to run.
        /// </summary>
        public static string HomeDirectory
        {
            get
            {
                string? home = IsWindows ? null : PasswdHome(getuid());
                if (string.IsNullOrEmpty(home))
                {
                    home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
                }

                return string.IsNullOrEmpty(home) ? Environment.GetEnvironmentVariable("HOME") ?? "/" : home!;
            }
        }

        /// <summary>The system-wide ssh directory: /etc/ssh (Linux, macOS), %ProgramData%\ssh (Windows).</summary>
        public static string SystemDirectory =>
            IsWindows ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "ssh") : "/etc/ssh";

        /// <summary>The sshd binary: /usr/sbin/sshd (Linux, macOS), %SystemRoot%\System32\OpenSSH\sshd.exe (Windows).</summary>
        public static string SshdPath =>
            IsWindows ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.System), "OpenSSH", "sshd.exe") : "/usr/sbin/sshd";

        /// <summary>
        /// Where the module keeps files of its own (edit locks, config backups): .local/state/sshkeepalive in this
        /// account's home (the passwd entry's, so that $HOME cannot give one account two sets of locks), or
        /// %LOCALAPPDATA%\SshKeepAlive on Windows. Never inside an ssh directory, where an Include glob could read it.
        /// </summary>
        public static string StateDirectory =>
            IsWindows
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "SshKeepAlive")
                : Path.Combine(HomeDirectory, ".local", "state", "sshkeepalive");

        /// <summary>pw_dir of the passwd entry for <paramref name="userId"/> (any NSS source); null when there is none.</summary>
        private static string? PasswdHome(uint userId)
        {
            int entrySize = Marshal.SizeOf<BsdPasswd>();
            for (int bufferSize = 4096; bufferSize <= 1 << 20; bufferSize *= 4)
            {
                IntPtr entry = Marshal.AllocHGlobal(entrySize);
                IntPtr buffer = Marshal.AllocHGlobal(bufferSize);
                try
                {
                    int error = getpwuid_r(userId, entry, buffer, (UIntPtr)bufferSize, out IntPtr result);
                    if (error == ERange)
                    {
                        continue;
                    }

                    if (error != 0 || result == IntPtr.Zero)
                    {
                        return null;
                    }

                    IntPtr directory = RuntimeInformation.IsOSPlatform(OSPlatform.Linux)
                        ? Marshal.PtrToStructure<LinuxPasswd>(result).Directory
                        : Marshal.PtrToStructure<BsdPasswd>(result).Directory;
                    return Marshal.PtrToStringAnsi(directory);
                }
                finally
                {
                    Marshal.FreeHGlobal(buffer);
                    Marshal.FreeHGlobal(entry);
                }
            }

            return null;
        }

        // struct passwd as glibc and musl declare it.
        [StructLayout(LayoutKind.Sequential)]
        private struct LinuxPasswd
        {
            public IntPtr Name;
            public IntPtr Password;
            public uint UserId;
            public uint GroupId;
            public IntPtr Gecos;
            public IntPtr Directory;
            public IntPtr Shell;
        }

        // struct passwd as macOS (and the BSDs) declare it; the larger of the two, so it also sizes the buffer.
        [StructLayout(LayoutKind.Sequential)]
        private struct BsdPasswd
        {
            public IntPtr Name;
            public IntPtr Password;
            public uint UserId;
            public uint GroupId;
            public long Change;
            public IntPtr Class;
            public IntPtr Gecos;
            public IntPtr Directory;
            public IntPtr Shell;
            public long Expire;
        }

        [DllImport("libc")]
        private static extern uint getuid();

        [DllImport("libc")]
        private static extern int getpwuid_r(uint uid, IntPtr pwd, IntPtr buffer, UIntPtr bufferSize, out IntPtr result);
    }
}
