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

    /// <summary>
    /// The few POSIX calls .NET (netstandard2.0) lacks: stat and lstat for kind, owner and mode, chmod, chown,
    /// realpath, extended attributes (which carry ACLs and security labels), fsync of a directory so a rename
    /// survives a crash, and whether a process lives. Linux uses statx, whose layout is the same on every
    /// architecture; macOS its 64-bit-inode stat.
    /// </summary>
    internal static class UnixFileSystem
    {
        private const int AtFdCwd = -100;
        private const int AtSymlinkNoFollow = 0x100;
        private const uint StatxBasicStats = 0x7ff;
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
            var buffer = new byte[256];
            int result = IsLinux
                ? statx(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxBasicStats, buffer)
                : followLinks ? stat(path, buffer) : lstat(path, buffer);
            if (result != 0)
            {
                int errno = Marshal.GetLastWin32Error();
                if (errno == ENoEnt || errno == ENotDir)
                {
                    return null;
                }

                throw new Win32Exception(errno, $"stat({path}) failed: {new Win32Exception(errno).Message}");
            }

            if (IsLinux)
            {
                // struct statx: stx_uid at 20, stx_gid at 24, stx_mode (u16) at 28, stx_ino at 32, stx_size at 40,
                // stx_dev_major at 136, stx_dev_minor at 140.
                int rawMode = BitConverter.ToUInt16(buffer, 28);
                ulong device = ((ulong)BitConverter.ToUInt32(buffer, 136) << 32) | BitConverter.ToUInt32(buffer, 140);
                return new UnixFileInfo(rawMode & 0xfff, BitConverter.ToUInt32(buffer, 20), BitConverter.ToUInt32(buffer, 24), KindOf(rawMode), device, BitConverter.ToUInt64(buffer, 32), BitConverter.ToInt64(buffer, 40));
            }

            // macOS struct stat: st_dev (i32) at 0, st_mode (u16) at 4, st_ino at 8, st_uid at 16, st_gid at 20, st_size at 96.
            int mode = BitConverter.ToUInt16(buffer, 4);
            return new UnixFileInfo(mode & 0xfff, BitConverter.ToUInt32(buffer, 16), BitConverter.ToUInt32(buffer, 20), KindOf(mode), BitConverter.ToUInt32(buffer, 0), BitConverter.ToUInt64(buffer, 8), BitConverter.ToInt64(buffer, 96));
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
        private static extern int statx(int dirfd, string path, int flags, uint mask, byte[] buffer);

        [DllImport("libc", SetLastError = true)]
        private static extern int stat(string path, byte[] buffer);

        [DllImport("libc", SetLastError = true)]
        private static extern int lstat(string path, byte[] buffer);

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
    }
}
