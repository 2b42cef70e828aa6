using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace SshKeepAlive.Core.Platform
{
    /// <summary>What kind of file system object a path names.</summary>
    public enum FileKind
    {
        Missing,
        Regular,
        Directory,
        SymbolicLink,
        Fifo,
        CharacterDevice,
        BlockDevice,
        Socket,
    }

    /// <summary>Owner, group, mode, kind and identity of a file.</summary>
    public sealed class UnixFileInfo
    {
        public UnixFileInfo(int mode, uint userId, uint groupId, FileKind kind = FileKind.Regular, ulong device = 0, ulong inode = 0, long size = 0)
        {
            Mode = mode;
            UserId = userId;
            GroupId = groupId;
            Kind = kind;
            Device = device;
            Inode = inode;
            Size = size;
        }

        /// <summary>Permission bits (e.g. 0600 = 384), without the file type.</summary>
        public int Mode { get; }

        public uint UserId { get; }

        public uint GroupId { get; }

        public FileKind Kind { get; }

        /// <summary>The device the file lives on (Linux: major in the high 32 bits, minor in the low).</summary>
        public ulong Device { get; }

        public ulong Inode { get; }

        public long Size { get; }
    }

    /// <summary>stat, lstat, chmod, chown, realpath, extended attributes and fsync for the files we edit.</summary>
    /// <remarks>
    /// The few POSIX calls .NET (netstandard2.0) lacks: stat and lstat for kind, owner and mode, chmod, chown,
    /// realpath, extended attributes (which carry ACLs and security labels), fsync of a directory so a rename
    /// survives a crash, and whether a process lives. Linux uses statx, whose struct is the same on every
    /// architecture (unlike struct stat); macOS its 64-bit-inode stat, which x86_64 exports as stat$INODE64
    /// (plain stat there is the old 32-bit-inode layout) and arm64 as stat. Both structs are declared below
    /// as the system headers lay them out.
    /// </remarks>
    internal static class UnixFileSystem
    {
        private const int AtFdCwd = -100;
        private const int AtSymlinkNoFollow = 0x100;

        // STATX_TYPE | STATX_MODE | STATX_UID | STATX_GID | STATX_INO | STATX_SIZE: the fields asked for, and which
        // the kernel must confirm it filled.
        private const uint StatxWanted = 0x1 | 0x2 | 0x8 | 0x10 | 0x100 | 0x200;
        private const int PermissionBits = 0xfff; // 07777: permissions with setuid, setgid and sticky
        private const int ORdOnly = 0;
        private const int ENoEnt = 2;
        private const int ENotDir = 20;
        private const int ERange = 34;
        private const int EPerm = 1;

        public static bool IsUnix => !RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        private static bool IsLinux => RuntimeInformation.IsOSPlatform(OSPlatform.Linux);

        /// <summary>stat(2): follows symbolic links. Throws when the path cannot be examined.</summary>
        public static UnixFileInfo Stat(string path) => TryStat(path, followLinks: true) ?? throw new Win32Exception(ENoEnt, $"stat({path}) failed: {new Win32Exception(ENoEnt).Message}");

        /// <summary>stat(2) or lstat(2); null when nothing is there (ENOENT, ENOTDIR).</summary>
        public static UnixFileInfo? TryStat(string path, bool followLinks)
        {
            if (IsLinux)
            {
                if (statx(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxWanted, out LinuxStatx linux) != 0)
                {
                    return MissingOrThrow(path);
                }

                if ((linux.Mask & StatxWanted) != StatxWanted)
                {
                    throw new IOException($"statx({path}) did not report the file's type, mode, owner, group, inode and size.");
                }

                return new UnixFileInfo(linux.Mode & PermissionBits, linux.UserId, linux.GroupId, KindOf(linux.Mode), ((ulong)linux.DeviceMajor << 32) | linux.DeviceMinor, linux.Inode, (long)linux.Size);
            }

            if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
            {
                DarwinStat darwin;
                bool x64 = RuntimeInformation.ProcessArchitecture == Architecture.X64;
                int result = followLinks
                    ? (x64 ? stat_x64(path, out darwin) : stat_arm64(path, out darwin))
                    : (x64 ? lstat_x64(path, out darwin) : lstat_arm64(path, out darwin));
                if (result != 0)
                {
                    return MissingOrThrow(path);
                }

                return new UnixFileInfo(darwin.Mode & PermissionBits, darwin.UserId, darwin.GroupId, KindOf(darwin.Mode), (uint)darwin.Device, darwin.Inode, darwin.Size);
            }

            throw new PlatformNotSupportedException($"Reading the owner and mode of {path} is supported on Linux and macOS only.");
        }

        private static UnixFileInfo? MissingOrThrow(string path)
        {
            int errno = Marshal.GetLastWin32Error();
            if (errno == ENoEnt || errno == ENotDir)
            {
                return null;
            }

            throw new Win32Exception(errno, $"stat({path}) failed: {new Win32Exception(errno).Message}");
        }

        /// <summary>The kind of object at <paramref name="path"/>, following symbolic links (Windows too).</summary>
        public static FileKind KindOf(string path)
        {
            if (IsUnix)
            {
                return TryStat(path, followLinks: true)?.Kind ?? FileKind.Missing;
            }

            return Directory.Exists(path) ? FileKind.Directory : File.Exists(path) ? FileKind.Regular : FileKind.Missing;
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

        /// <summary>
        /// Makes <paramref name="directory"/> (and missing parents) a folder only this account can enter: created
        /// 0700; an existing one must be a real folder (not a symbolic link) owned by this account, and is made
        /// 0700 if it was more open. Throws <see cref="IOException"/> saying what is wrong otherwise.
        /// </summary>
        public static void EnsurePrivateDirectory(string directory)
        {
            if (!IsUnix)
            {
                Directory.CreateDirectory(directory);
                return;
            }

            UnixFileInfo? info = TryStat(directory, followLinks: false);
            if (info == null)
            {
                string? parent = Path.GetDirectoryName(directory);
                if (parent != null && TryStat(parent, followLinks: true) == null)
                {
                    EnsurePrivateDirectory(parent);
                }

                Directory.CreateDirectory(directory);
                SetMode(directory, 0x1C0 /* 0700 */);
                info = TryStat(directory, followLinks: false)!;
            }

            if (info.Kind != FileKind.Directory)
            {
                throw new IOException($"{directory} should be a private folder but is a {Describe(info.Kind)}; remove it so it can be made again.");
            }

            if (info.UserId != EffectiveUserId)
            {
                throw new IOException($"{directory} should be a private folder of user id {EffectiveUserId} but belongs to user id {info.UserId}; remove it so it can be made again.");
            }

            if ((info.Mode & 0x3F /* 0077 */) != 0)
            {
                SetMode(directory, 0x1C0);
            }
        }

        /// <summary>"regular file", "directory", "FIFO (named pipe)"... for messages.</summary>
        public static string Describe(FileKind kind)
        {
            switch (kind)
            {
                case FileKind.Regular: return "regular file";
                case FileKind.Directory: return "directory";
                case FileKind.SymbolicLink: return "symbolic link";
                case FileKind.Fifo: return "FIFO (named pipe)";
                case FileKind.CharacterDevice: return "character device";
                case FileKind.BlockDevice: return "block device";
                case FileKind.Socket: return "socket";
                default: return "missing file";
            }
        }

        public static uint EffectiveUserId => geteuid();

        /// <summary>
        /// The path with every symbolic link and ".."/"." resolved (realpath(3)); for a missing last component, its
        /// folder resolved and the name kept. Windows: the full path.
        /// </summary>
        public static string RealPath(string path)
        {
            string full = Path.GetFullPath(path);
            if (!IsUnix)
            {
                return full;
            }

            IntPtr resolved = realpath(full, IntPtr.Zero);
            if (resolved == IntPtr.Zero)
            {
                int errno = Marshal.GetLastWin32Error();
                string? parent = Path.GetDirectoryName(full);
                if ((errno == ENoEnt || errno == ENotDir) && parent != null && parent != full)
                {
                    return Path.Combine(RealPath(parent), Path.GetFileName(full));
                }

                throw new Win32Exception(errno, $"realpath({path}) failed: {new Win32Exception(errno).Message}");
            }

            try
            {
                return Utf8String(resolved);
            }
            finally
            {
                free(resolved);
            }
        }

        /// <summary>
        /// Copies every extended attribute of <paramref name="source"/> (user.*, and as root security.* and the
        /// POSIX ACLs in system.posix_acl_*) to <paramref name="destination"/>. Linux only; a file system
        /// without extended attributes has none to copy.
        /// </summary>
        public static void CopyExtendedAttributes(string source, string destination)
        {
            if (!IsLinux)
            {
                return;
            }

            foreach (string name in ExtendedAttributeNames(source))
            {
                byte[]? value = ExtendedAttribute(source, name);
                if (value != null)
                {
                    Check(setxattr(destination, name, value, (UIntPtr)value.Length, 0), "setxattr " + name, destination);
                }
            }
        }

        /// <summary>The names of a file's extended attributes; none where the file system has no such thing.</summary>
        public static IReadOnlyList<string> ExtendedAttributeNames(string path)
        {
            var names = new List<string>();
            if (!IsLinux)
            {
                return names;
            }

            for (int size = 1024; ; size *= 4)
            {
                var buffer = new byte[size];
                long length = (long)listxattr(path, buffer, (UIntPtr)size);
                if (length < 0)
                {
                    int errno = Marshal.GetLastWin32Error();
                    if (errno == ERange && size < 1 << 20)
                    {
                        continue;
                    }

                    if (errno == 95 /* ENOTSUP */)
                    {
                        return names;
                    }

                    throw new Win32Exception(errno, $"listxattr({path}) failed: {new Win32Exception(errno).Message}");
                }

                int start = 0;
                for (int i = 0; i < length; i++)
                {
                    if (buffer[i] == 0)
                    {
                        names.Add(Encoding.UTF8.GetString(buffer, start, i - start));
                        start = i + 1;
                    }
                }

                return names;
            }
        }

        /// <summary>true when a process with this id exists (kill(pid, 0) succeeds or is refused for permission).</summary>
        public static bool IsProcessAlive(int pid)
        {
            if (pid <= 0)
            {
                return false;
            }

            if (kill(pid, 0) == 0)
            {
                return true;
            }

            return Marshal.GetLastWin32Error() == EPerm;
        }

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

        private static byte[]? ExtendedAttribute(string path, string name)
        {
            for (int size = 256; size <= 1 << 20; size *= 4)
            {
                var buffer = new byte[size];
                long length = (long)getxattr(path, name, buffer, (UIntPtr)size);
                if (length >= 0)
                {
                    var value = new byte[length];
                    Array.Copy(buffer, value, length);
                    return value;
                }

                int errno = Marshal.GetLastWin32Error();
                if (errno == 61 /* ENODATA: gone meanwhile */)
                {
                    return null;
                }

                if (errno != ERange)
                {
                    throw new Win32Exception(errno, $"getxattr({path}, {name}) failed: {new Win32Exception(errno).Message}");
                }
            }

            throw new Win32Exception(ERange, $"getxattr({path}, {name}): the value is larger than 1 MiB.");
        }

        private static FileKind KindOf(int rawMode)
        {
            switch (rawMode & 0xf000)
            {
                case 0x8000: return FileKind.Regular;
                case 0x4000: return FileKind.Directory;
                case 0xa000: return FileKind.SymbolicLink;
                case 0x1000: return FileKind.Fifo;
                case 0x2000: return FileKind.CharacterDevice;
                case 0x6000: return FileKind.BlockDevice;
                case 0xc000: return FileKind.Socket;
                default: return FileKind.Regular;
            }
        }

        private static string Utf8String(IntPtr pointer)
        {
            int length = 0;
            while (Marshal.ReadByte(pointer, length) != 0)
            {
                length++;
            }

            var bytes = new byte[length];
            Marshal.Copy(pointer, bytes, 0, length);
            return Encoding.UTF8.GetString(bytes);
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

        [DllImport("libc", EntryPoint = "lstat$INODE64", SetLastError = true)]
        private static extern int lstat_x64(string path, out DarwinStat buffer);

        [DllImport("libc", EntryPoint = "lstat", SetLastError = true)]
        private static extern int lstat_arm64(string path, out DarwinStat buffer);

        [DllImport("libc", SetLastError = true)]
        private static extern int chmod(string path, uint mode);

        [DllImport("libc", SetLastError = true)]
        private static extern int chown(string path, uint owner, uint group);

        [DllImport("libc", SetLastError = true)]
        private static extern uint geteuid();

        [DllImport("libc", SetLastError = true)]
        private static extern IntPtr realpath(string path, IntPtr resolved);

        [DllImport("libc")]
        private static extern void free(IntPtr pointer);

        [DllImport("libc", SetLastError = true)]
        private static extern IntPtr listxattr(string path, byte[] list, UIntPtr size);

        [DllImport("libc", SetLastError = true)]
        private static extern IntPtr getxattr(string path, string name, byte[] value, UIntPtr size);

        [DllImport("libc", SetLastError = true)]
        private static extern int setxattr(string path, string name, byte[] value, UIntPtr size, int flags);

        [DllImport("libc", SetLastError = true)]
        private static extern int kill(int pid, int signal);

        [DllImport("libc", SetLastError = true)]
        private static extern int open(string path, int flags);

        [DllImport("libc", SetLastError = true)]
        private static extern int fsync(int fd);

        [DllImport("libc", SetLastError = true)]
        private static extern int close(int fd);

        /// <summary>struct statx (linux/stat.h), 256 bytes; the fields after stx_dev_minor are not read.</summary>
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
            public ulong Blocks;
            public ulong AttributesMask;
            private readonly StatxTimestamp accessed;
            private readonly StatxTimestamp born;
            private readonly StatxTimestamp changed;
            private readonly StatxTimestamp modified;
            public uint RdevMajor;
            public uint RdevMinor;
            public uint DeviceMajor;
            public uint DeviceMinor;
        }

        [StructLayout(LayoutKind.Sequential, Size = 16)]
        private struct StatxTimestamp
        {
            public long Seconds;
            public uint Nanoseconds;
        }

        /// <summary>macOS struct stat with 64-bit inodes (sys/stat.h), 144 bytes; the fields after st_size are not read.</summary>
        [StructLayout(LayoutKind.Sequential, Size = 144)]
        private struct DarwinStat
        {
            public int Device;
            public ushort Mode;
            public ushort LinkCount;
            public ulong Inode;
            public uint UserId;
            public uint GroupId;
            public int Rdev;
            private readonly long accessedSeconds;
            private readonly long accessedNanoseconds;
            private readonly long modifiedSeconds;
            private readonly long modifiedNanoseconds;
            private readonly long changedSeconds;
            private readonly long changedNanoseconds;
            private readonly long bornSeconds;
            private readonly long bornNanoseconds;
            public long Size;
        }
    }
}
