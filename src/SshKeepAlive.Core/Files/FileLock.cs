using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using SshKeepAlive.Core.Platform;

namespace SshKeepAlive.Core.Files
{
    /// <summary>
    /// An exclusive lock on a file, across threads and processes, so that two edits of one file both land. It is
    /// keyed by the file's real path (symbolic links and "..", "." resolved), so every spelling of one file takes
    /// one lock. The lock files live in a private folder of this account (<see cref="DefaultDirectory"/>, 0700,
    /// checked to be a real folder of ours), where no one else can plant a file or link, and are never deleted:
    /// deleting one would let a waiter lock an unlinked file while a newcomer locks a fresh one. (Not the config
    /// file itself: .NET readers take a shared flock on every file they open and would fail while it is held.)
    /// </summary>
    public sealed class FileLock : IDisposable
    {
        private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(25);
        private readonly FileStream stream;

        private FileLock(FileStream stream, string path)
        {
            this.stream = stream;
            Path = path;
        }

        /// <summary>~/.local/state/sshkeepalive/locks (Windows: %LOCALAPPDATA%\SshKeepAlive\locks).</summary>
        public static string DefaultDirectory => System.IO.Path.Combine(SshPlatform.StateDirectory, "locks");

        /// <summary>The real path of the locked file.</summary>
        public string Path { get; }

        /// <summary>
        /// Waits up to <paramref name="timeout"/> for the lock of <paramref name="path"/>. Throws
        /// <see cref="TimeoutException"/> (naming the file and, where the system tells, the process holding it)
        /// when it stays held, <see cref="IOException"/> when the lock folder cannot be made private.
        /// </summary>
        public static FileLock Acquire(string path, TimeSpan timeout) => Acquire(path, timeout, DefaultDirectory);

        /// <summary>As <see cref="Acquire(string, TimeSpan)"/>, with the lock files in <paramref name="lockDirectory"/>.</summary>
        public static FileLock Acquire(string path, TimeSpan timeout, string lockDirectory)
        {
            string real = UnixFileSystem.RealPath(path);
            try
            {
                UnixFileSystem.EnsurePrivateDirectory(lockDirectory);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is System.ComponentModel.Win32Exception)
            {
                throw new IOException($"Cannot lock {path} for editing: the lock folder {lockDirectory} is not usable ({e.Message}).", e);
            }

            string lockPath = System.IO.Path.Combine(lockDirectory, LockNameFor(real));
            DateTime deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                try
                {
                    // FileShare.None is an exclusive flock on Unix and a sharing lock on Windows.
                    return new FileLock(new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None), real);
                }
                catch (IOException) when (DateTime.UtcNow < deadline)
                {
                    Thread.Sleep(Poll);
                }
                catch (IOException ex) when (File.Exists(lockPath))
                {
                    throw new TimeoutException($"Another edit of {path} has held its lock for over {timeout.TotalSeconds:0.#} s{HolderText(lockPath)}.", ex);
                }
                catch (UnauthorizedAccessException ex)
                {
                    throw new IOException($"Cannot lock {path} for editing: {ex.Message}", ex);
                }
            }
        }

        public void Dispose() => stream.Dispose();

        /// <summary>The lock file's name for a file's real path (also on another machine, where the same name is locked).</summary>
        internal static string LockNameFor(string realPath)
        {
            using var sha = SHA256.Create();
            byte[] hash = sha.ComputeHash(Encoding.UTF8.GetBytes(realPath));
            return string.Concat(hash.Take(12).Select(b => b.ToString("x2", CultureInfo.InvariantCulture))) + ".lock";
        }

        // Linux lists every flock in /proc/locks with the holder's pid and the file's device and inode.
        private static string HolderText(string lockPath)
        {
            if (!File.Exists("/proc/locks"))
            {
                return string.Empty;
            }

            try
            {
                UnixFileInfo info = UnixFileSystem.Stat(lockPath);
                string id = string.Format(CultureInfo.InvariantCulture, "{0:x2}:{1:x2}:{2}", info.Device >> 32, info.Device & 0xffffffff, info.Inode);
                foreach (string line in File.ReadAllLines("/proc/locks"))
                {
                    string[] fields = line.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
                    int pidField = Array.IndexOf(fields, "WRITE") + 1;
                    if (pidField > 0 && pidField + 1 < fields.Length && fields[pidField + 1] == id && int.TryParse(fields[pidField], out int pid))
                    {
                        string command = File.Exists($"/proc/{pid}/cmdline")
                            ? File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim()
                            : string.Empty;
                        return $" (process {pid}{(command.Length > 0 ? ": " + (command.Length > 80 ? command.Substring(0, 80) + "..." : command) : string.Empty)})";
                    }
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is System.ComponentModel.Win32Exception)
            {
                // Who holds it is a courtesy; the timeout stands without it.
            }

            return string.Empty;
        }
    }
}
