using System;
using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;

namespace SshKeepAlive.Core.Platform
{
    /// <summary>Owner, group and mode of a file.</summary>
    public sealed class UnixFileInfo
    {
        public UnixFileInfo(int mode, uint userId, uint groupId)
        {
            Mode = mode;
            UserId = userId;
            GroupId = groupId;
        }

        /// <summary>Permission bits (e.g. 0600 = 384), without the file type.</summary>
        public int Mode { get; }

        public uint UserId { get; }

        public uint GroupId { get; }
    }

    /// <summary>chmod, chown, stat and fsync for the files we edit.</summary>
    /// <remarks>
    /// The few POSIX calls .NET (netstandard2.0) lacks: stat for owner and mode, chmod, chown, and fsync
    /// of a directory so a rename survives a crash. Linux uses statx, whose struct is the same on every
    /// architecture (unlike struct stat); macOS its 64-bit-inode stat, which x86_64 exports as stat$INODE64
    /// (plain stat there is the old 32-bit-inode layout) and arm64 as stat. Both structs are declared below
    /// as the system headers lay them out.
    /// </remarks>
    internal static class UnixFileSystem
    {
        private const int AtFdCwd = -100;
        // STATX_MODE | STATX_UID | STATX_GID: the fields asked for, and which the kernel must confirm it filled.
        private const uint StatxWanted = 0x2 | 0x8 | 0x10;
        private const int PermissionBits = 0xfff; // 07777: permissions with setuid, setgid and sticky
        private const int ORdOnly = 0;

        public static bool IsUnix => !RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        /// <summary>Mode, owner and group of <paramref name="path"/>, following symlinks as stat(2) does.</summary>
        public static UnixFileInfo Stat(string path)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                Check(statx(AtFdCwd, path, 0, StatxWanted, out LinuxStatx linux), "statx", path);
                if ((linux.Mask & StatxWanted) != StatxWanted)
                {
                    throw new IOException($"statx({path}) did not report the file's mode, owner and group.");
                }

                return new UnixFileInfo(linux.Mode & PermissionBits, linux.UserId, linux.GroupId);
            }

            if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
            {
                DarwinStat darwin;
                Check(RuntimeInformation.ProcessArchitecture == Architecture.X64 ? stat_x64(path, out darwin) : stat_arm64(path, out darwin), "stat", path);
                return new UnixFileInfo(darwin.Mode & PermissionBits, darwin.UserId, darwin.GroupId);
            }

            throw new PlatformNotSupportedException($"Reading the owner and mode of {path} is supported on Linux and macOS only.");
        }

        public static void Apply(string path, UnixFileInfo info)
        {
            Check(chown(path, info.UserId, info.GroupId), "chown", path);
            Check(chmod(path, (uint)info.Mode), "chmod", path);
        }

        public static void SetMode(string path, int mode) => Check(chmod(path, (uint)mode), "chmod", path);

        /// <summary>Creates a private folder (0700 on Unix) if it is missing: ssh refuses a ~/.ssh it finds too open.</summary>
        public static void CreatePrivateDirectory(string directory)
        {
            if (Directory.Exists(directory))
            {
                return;
            }

            Directory.CreateDirectory(directory);
            if (IsUnix)
            {
                SetMode(directory, 0x1C0 /* 0700 */);
            }
        }

        public static uint EffectiveUserId => geteuid();

        public static void SyncDirectory(string directory)
        {
            int fd = open(directory, ORdOnly);
            if (fd < 0)
            {
                return;
            }

            try
            {
                fsync(fd);
            }
            finally
            {
                close(fd);
            }
        }

        private static void Check(int result, string call, string path)
        {
            if (result != 0)
            {
                int errno = Marshal.GetLastWin32Error();
                throw new Win32Exception(errno, $"{call}({path}) failed: {new Win32Exception(errno).Message}");
            }
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int statx(int dirfd, string path, int flags, uint mask, out LinuxStatx buffer);

        [DllImport("libc", EntryPoint = "stat$INODE64", SetLastError = true)]
        private static extern int stat_x64(string path, out DarwinStat buffer);

        [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
        private static extern int stat_arm64(string path, out DarwinStat buffer);

        [DllImport("libc", SetLastError = true)]
        private static extern int chmod(string path, uint mode);

        [DllImport("libc", SetLastError = true)]
        private static extern int chown(string path, uint owner, uint group);

        [DllImport("libc", SetLastError = true)]
        private static extern uint geteuid();

        [DllImport("libc", SetLastError = true)]
        private static extern int open(string path, int flags);

        [DllImport("libc", SetLastError = true)]
        private static extern int fsync(int fd);

        [DllImport("libc", SetLastError = true)]
        private static extern int close(int fd);
    
        /// <summary>struct statx (linux/stat.h), 256 bytes; the fields after stx_size are not read.</summary>
        [StructLayout(LayoutKind.Sequential, Size = 256)]
        private struct LinuxStatx
        {
            public uint Mask;
            public uint BlockSize;
            public ulong Attributes;
            public uint LinkCount;
            public uint UserId;
            public uint GroupId;
            public ushort Mode;
            private readonly ushort spare0;
            public ulong Inode;
            public ulong Size;
        }

        /// <summary>macOS struct stat with 64-bit inodes (sys/stat.h), 144 bytes; the fields after st_gid are not read.</summary>
        [StructLayout(LayoutKind.Sequential, Size = 144)]
        private struct DarwinStat
        {
            public int Device;
            public ushort Mode;
            public ushort LinkCount;
            public ulong Inode;
            public uint UserId;
            public uint GroupId;
        }
    }
}
