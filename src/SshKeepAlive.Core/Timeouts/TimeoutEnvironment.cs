using System;
using System.IO;
using System.Runtime.InteropServices;

namespace SshKeepAlive.Core.Timeouts
{
    /// <summary>Where this machine keeps what the report reads; tests point it at temporary folders.</summary>
    public sealed class TimeoutEnvironment
    {
        public TimeoutEnvironment(string rootPath, string homeDirectory, string localUserName, bool isWindows, string? programData = null)
        {
            RootPath = rootPath;
            HomeDirectory = homeDirectory;
            LocalUserName = localUserName;
            IsWindows = isWindows;
            ProgramData = programData ?? Path.Combine(rootPath, "ProgramData");
        }

        /// <summary>The file system root ("/" normally): /etc and /proc/sys are found under it.</summary>
        public string RootPath { get; }

        /// <summary>The user's home: ~/.ssh/config and the user's shell startup files.</summary>
        public string HomeDirectory { get; }

        /// <summary>The local user name (ssh's default remote user, Match localuser).</summary>
        public string LocalUserName { get; }

        public bool IsWindows { get; }

        /// <summary>%ProgramData% on Windows, where Win32-OpenSSH keeps ssh_config and sshd_config.</summary>
        public string ProgramData { get; }

        /// <summary>~/.ssh/config (also on Windows: %USERPROFILE%\.ssh\config).</summary>
        public string UserClientConfig => Path.Combine(HomeDirectory, ".ssh", "config");

        /// <summary>The directory of the system-wide configs: /etc/ssh, or %ProgramData%\ssh on Windows.</summary>
        public string SystemConfigDirectory => IsWindows ? Path.Combine(ProgramData, "ssh") : Path.Combine(RootPath, "etc", "ssh");

        public string SystemClientConfig => Path.Combine(SystemConfigDirectory, "ssh_config");

        public string ServerConfig => Path.Combine(SystemConfigDirectory, "sshd_config");

        /// <summary>Linux's /proc/sys; absent elsewhere.</summary>
        public string ProcSysPath => Path.Combine(RootPath, "proc", "sys");

        /// <summary>This process's machine and user.</summary>
        public static TimeoutEnvironment Current()
        {
            bool isWindows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
            string home = Environment.GetEnvironmentVariable(isWindows ? "USERPROFILE" : "HOME") is string h && h.Length > 0
                ? h
                : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return new TimeoutEnvironment(
                isWindows ? Path.GetPathRoot(Environment.SystemDirectory) ?? "C:\\" : "/",
                home,
                Environment.UserName,
                isWindows,
                isWindows ? Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData) : null);
        }
    }
}
