using System;
using System.IO;
using System.Runtime.InteropServices;
using SshKeepAlive.Core.Platform;

namespace SshKeepAlive.Core.Files
{
    /// <summary>
    /// Replaces a file's content so that readers see the old bytes or the new, never a mix: write a temp
    /// file in the same folder, fsync it, give it the original's owner and mode, rename it over the
    /// original, fsync the folder.
    /// </summary>
    public static class AtomicFile
    {
        /// <summary>
        /// Writes <paramref name="content"/> to <paramref name="path"/>. A new file gets <paramref name="newFileMode"/>
        /// (Unix) and the caller's owner; an existing one keeps its owner and mode.
        /// </summary>
        public static void Write(string path, byte[] content, int newFileMode = 0x180 /* 0600 */)
        {
            string fullPath = Path.GetFullPath(path);
            string directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{path}' has no folder.", nameof(path));
            bool exists = File.Exists(fullPath);
            UnixFileInfo? original = exists && UnixFileSystem.IsUnix ? UnixFileSystem.Stat(fullPath) : null;
            string temp = Path.Combine(directory, "." + Path.GetFileName(fullPath) + ".sshka-" + Guid.NewGuid().ToString("N").Substring(0, 8));
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
                    }
                    else
                    {
                        UnixFileSystem.SetMode(temp, newFileMode);
                    }
                }

                if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                {
                    Rename(temp, fullPath);
                }
                else if (exists)
                {
                    // File.Replace keeps the original's ACL on Windows.
                    File.Replace(temp, fullPath, null);
                }
                else
                {
                    File.Move(temp, fullPath);
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

        /// <summary>Copies <paramref name="path"/> to a timestamped backup beside it and returns the backup's path.</summary>
        public static string Backup(string path, DateTimeOffset now)
        {
            string backup = path + ".sshka-" + now.UtcDateTime.ToString("yyyyMMddTHHmmssfffZ");
            File.Copy(path, backup, overwrite: false);
            if (UnixFileSystem.IsUnix)
            {
                UnixFileSystem.Apply(backup, UnixFileSystem.Stat(path));
            }

            return backup;
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
