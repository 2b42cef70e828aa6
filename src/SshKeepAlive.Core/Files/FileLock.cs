using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Threading;

namespace SshKeepAlive.Core.Files
{
    /// <summary>
    /// An exclusive lock on a config file's path, across threads and processes, so that two edits of one
    /// file both land. The lock file lives in the temp folder and is never deleted: deleting it would let
    /// a waiter lock an unlinked file while a newcomer locks a fresh one.
    /// </summary>
    public sealed class FileLock : IDisposable
    {
        private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(25);
        private readonly FileStream stream;

        private FileLock(FileStream stream) => this.stream = stream;

        public static FileLock Acquire(string path, TimeSpan timeout)
        {
            string lockPath = LockPathFor(path);
            Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
            DateTime deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                try
                {
                    // FileShare.None is an exclusive flock on Unix and a sharing lock on Windows.
                    return new FileLock(new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
                }
                catch (IOException) when (DateTime.UtcNow < deadline)
                {
                    Thread.Sleep(Poll);
                }
                catch (IOException ex)
                {
                    throw new TimeoutException($"Another edit of {path} has held its lock ({lockPath}) for over {timeout.TotalSeconds:0} s.", ex);
                }
            }
        }

        public void Dispose() => stream.Dispose();

        private static string LockPathFor(string path)
        {
            using var sha = SHA256.Create();
            byte[] hash = sha.ComputeHash(Encoding.UTF8.GetBytes(Path.GetFullPath(path)));
            string name = BitConverter.ToString(hash, 0, 12).Replace("-", string.Empty).ToLowerInvariant();
            return Path.Combine(Path.GetTempPath(), "sshkeepalive-locks", name + ".lock");
        }
    }
}
