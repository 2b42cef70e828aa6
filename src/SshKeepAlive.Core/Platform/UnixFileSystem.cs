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

    /// <summary>
    /// The few POSIX calls .NET (netstandard2.0) lacks: stat for owner and mode, chmod, chown, and fsync
    /// of a directory so a rename survives a crash. Linux uses statx, whose layout is the same on every
    /// architecture; macOS its 64-bit-inode stat.
    /// </summary>
    internal static class UnixFileSystem
    {
        private const int AtFdCwd = -100;
        private const uint StatxBasicStats = 0x7ff;
        private const int ORdOnly = 0;

        public static bool IsUnix => !RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        public static UnixFileInfo Stat(string path)
        {
            var buffer = new byte[256];
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                Check(statx(AtFdCwd, path, 0, StatxBasicStats, buffer), "statx", path);
                // struct statx: stx_uid at 20, stx_gid at 24, stx_mode (u16) at 28.
                return new UnixFileInfo(BitConverter.ToUInt16(buffer, 28) & 0xfff, BitConverter.ToUInt32(buffer, 20), BitConverter.ToUInt32(buffer, 24));
            }

            Check(stat(path, buffer), "stat", path);
            // macOS struct stat: st_mode (u16) at 4, st_uid at 16, st_gid at 20.
            return new UnixFileInfo(BitConverter.ToUInt16(buffer, 4) & 0xfff, BitConverter.ToUInt32(buffer, 16), BitConverter.ToUInt32(buffer, 20));
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
        private static extern int statx(int dirfd, string path, int flags, uint mask, byte[] buffer);

        [DllImport("libc", SetLastError = true)]
        private static extern int stat(string path, byte[] buffer);

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
    }
}
