using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using SshKeepAlive.Core.Platform;

namespace SshKeepAlive.Core.Files
{
    /// <summary>
    /// Replaces a file's content so that readers see the old bytes or the new, never a mix: write a temp file
    /// beside the real file (a symbolic link is followed and kept), fsync it, give it the original's owner, mode
    /// and extended attributes (ACLs, security labels), rename it over the original, fsync the folder. Only
    /// regular files are replaced. The temp file is a dot file named after its writer's process, so one left by
    /// a killed writer is recognised and removed by the next write of the same file.
    /// </summary>
    public static class AtomicFile
    {
        private const string TemporaryMarker = ".sshka-tmp.";

        /// <summary>
        /// Writes <paramref name="content"/> to <paramref name="path"/> (to the file a symbolic link points at). A new
        /// file gets <paramref name="newFileMode"/> (Unix) and the caller's owner; an existing one keeps its owner,
        /// mode and extended attributes. Throws <see cref="IOException"/> for anything but a regular file.
        /// </summary>
        public static void Write(string path, byte[] content, int newFileMode = 0x180 /* 0600 */)
        {
            string target = UnixFileSystem.RealPath(path);
            string directory = Path.GetDirectoryName(target) ?? throw new ArgumentException($"'{path}' has no folder.", nameof(path));
            FileKind kind = UnixFileSystem.KindOf(target);
            if (kind != FileKind.Regular && kind != FileKind.Missing)
            {
                throw new IOException($"{path} is a {UnixFileSystem.Describe(kind)}, not a regular file; it is not replaced.");
            }

            bool exists = kind == FileKind.Regular;
            UnixFileInfo? original = exists && UnixFileSystem.IsUnix ? UnixFileSystem.Stat(target) : null;
            RemoveStaleTemporaryFiles(target);
            string temp = TemporaryPathFor(target);
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    stream.Write(content, 0, content.Length);
                    stream.Flush(flushToDisk: true);
                }

                if (UnixFileSystem.IsUnix)
                {
                    if (original != null)
                    {
                        UnixFileSystem.Apply(temp, original);
                        UnixFileSystem.CopyExtendedAttributes(target, temp);
                    }
                    else
                    {
                        UnixFileSystem.SetMode(temp, newFileMode);
                    }
                }

                if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                {
                    Rename(temp, target);
                }
                else if (exists)
                {
                    // File.Replace keeps the original's ACL on Windows.
                    File.Replace(temp, target, null);
                }
                else
                {
                    File.Move(temp, target);
                }

                if (UnixFileSystem.IsUnix)
                {
                    UnixFileSystem.SyncDirectory(directory);
                }
            }
            finally
            {
                if (File.Exists(temp))
                {
                    File.Delete(temp);
                }
            }
        }

        /// <summary>
        /// Where this process writes the new content of <paramref name="path"/> before the rename: a dot file in the
        /// same folder, ".name.sshka-tmp.pid.random" (a wildcard in an Include pattern never matches a leading dot).
        /// </summary>
        public static string TemporaryPathFor(string path) =>
            Path.Combine(Path.GetDirectoryName(path) ?? ".", "." + Path.GetFileName(path) + TemporaryMarker +
                ProcessId.ToString(CultureInfo.InvariantCulture) + "." + Guid.NewGuid().ToString("N").Substring(0, 8));

        /// <summary>
        /// Deletes temp files of <paramref name="path"/> whose writing process is gone (killed mid-write). Those of a
        /// live process are kept: a writer holds the edit lock, so they can only be an edit still under way.
        /// </summary>
        public static void RemoveStaleTemporaryFiles(string path)
        {
            string? directory = Path.GetDirectoryName(path);
            string prefix = "." + Path.GetFileName(path) + TemporaryMarker;
            if (directory == null || !Directory.Exists(directory))
            {
                return;
            }

            foreach (string temp in Directory.EnumerateFiles(directory, prefix + "*").ToList())
            {
                string rest = Path.GetFileName(temp).Substring(prefix.Length);
                int dot = rest.IndexOf('.');
                if (dot > 0 && int.TryParse(rest.Substring(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && !IsAlive(pid))
                {
                    try
                    {
                        File.Delete(temp);
                    }
                    catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                    {
                        // Someone else's debris we may not remove; it does not stop this write.
                    }
                }
            }
        }

        private static int ProcessId
        {
            get
            {
                using var process = System.Diagnostics.Process.GetCurrentProcess();
                return process.Id;
            }
        }

        private static bool IsAlive(int pid)
        {
            if (UnixFileSystem.IsUnix)
            {
                return UnixFileSystem.IsProcessAlive(pid);
            }

            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                return !process.HasExited;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }

        // rename(2) replaces atomically; File.Move with overwrite does the same on .NET Core, but
        // netstandard2.0 lacks that overload, so go to libc.
        private static void Rename(string source, string destination)
        {
            if (rename(source, destination) != 0)
            {
                int errno = Marshal.GetLastWin32Error();
                throw new IOException($"Could not replace {destination}: {new System.ComponentModel.Win32Exception(errno).Message}");
            }
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int rename(string oldPath, string newPath);
    }
}
