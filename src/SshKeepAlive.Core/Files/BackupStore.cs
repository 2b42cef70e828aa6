using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using SshKeepAlive.Core.Platform;

namespace SshKeepAlive.Core.Files
{
    /// <summary>
    /// Copies of config files taken before an edit, in a private folder of our own (0700) rather than beside the
    /// file, where an Include glob of the edited tree could read them as one more config file. One folder per
    /// edited tree (named after its top file), the files below it at their own path, each copy suffixed with the
    /// UTC time of the edit: backups/etc_ssh_sshd_config-1a2b3c4d/etc/ssh/sshd_config.d/50-keepalive.conf.20261125T101500123Z.
    /// A copy is written to a temp name, flushed and renamed, so a full disk never leaves a truncated copy under a
    /// backup's name; only the newest <see cref="Kept"/> copies of each file are kept.
    /// </summary>
    public sealed class BackupStore
    {
        /// <summary>How many copies of each file are kept unless told otherwise.</summary>
        public const int DefaultKept = 10;

        /// <summary>The UTC time suffix of each copy: sorting the names sorts the copies by age.</summary>
        internal const string TimestampFormat = "yyyyMMdd'T'HHmmssfff'Z'";

        public BackupStore(string root, int kept = DefaultKept)
        {
            if (kept < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(kept), kept, "At least one backup is kept.");
            }

            Root = root;
            Kept = kept;
        }

        /// <summary>~/.local/state/sshkeepalive/backups (Windows: %LOCALAPPDATA%\SshKeepAlive\backups).</summary>
        public static string DefaultRoot => Path.Combine(SshPlatform.StateDirectory, "backups");

        public string Root { get; }

        public int Kept { get; }

        /// <summary>The folder holding the backups of the tree whose top file is <paramref name="topFile"/>.</summary>
        public string FolderFor(string topFile) => Path.Combine(Root, FolderNameFor(UnixFileSystem.RealPath(topFile)));

        /// <summary>The name of the folder of a tree whose top file's real path is <paramref name="realTopFile"/> (also on another machine).</summary>
        internal static string FolderNameFor(string realTopFile)
        {
            string name = new string(realTopFile.Select(c => char.IsLetterOrDigit(c) || c == '.' || c == '-' ? c : '_').ToArray()).Trim('_');
            using var sha = SHA256.Create();
            string hash = string.Concat(sha.ComputeHash(Encoding.UTF8.GetBytes(realTopFile)).Take(4).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
            return (name.Length > 80 ? name.Substring(name.Length - 80) : name) + "-" + hash;
        }

        /// <summary>A file's real path without its root, as it lies below its tree's folder.</summary>
        internal static string RelativePathOf(string realFile) => realFile.Substring(Path.GetPathRoot(realFile)?.Length ?? 0).TrimStart('/').Replace(':', '_');

        /// <summary>Where a backup of <paramref name="file"/> (of the tree of <paramref name="topFile"/>) taken at <paramref name="time"/> goes.</summary>
        public string PathFor(string topFile, string file, DateTimeOffset time) =>
            BaseFor(topFile, file) + "." + time.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

        /// <summary>
        /// Saves <paramref name="content"/> (the bytes of <paramref name="file"/> before the edit) and returns the
        /// backup's path; then removes all but the newest <see cref="Kept"/> copies of that file.
        /// </summary>
        public string Save(string topFile, string file, byte[] content, DateTimeOffset time)
        {
            string backup = PathFor(topFile, file, time);
            string folder = Path.GetDirectoryName(backup)!;
            UnixFileSystem.EnsurePrivateDirectory(Root);
            UnixFileSystem.EnsurePrivateDirectory(folder);
            for (int n = 1; File.Exists(backup); n++)
            {
                backup = PathFor(topFile, file, time) + "-" + n.ToString(CultureInfo.InvariantCulture);
            }

            AtomicFile.Write(backup, content);
            Prune(BaseFor(topFile, file));
            return backup;
        }

        /// <summary>The copies kept of <paramref name="file"/>, newest first.</summary>
        public IReadOnlyList<string> BackupsOf(string topFile, string file) => CopiesOf(BaseFor(topFile, file));

        private void Prune(string stem)
        {
            foreach (string old in CopiesOf(stem).Skip(Kept))
            {
                File.Delete(old);
            }
        }

        private static IReadOnlyList<string> CopiesOf(string stem)
        {
            string? folder = Path.GetDirectoryName(stem);
            if (folder == null || !Directory.Exists(folder))
            {
                return Array.Empty<string>();
            }

            string prefix = Path.GetFileName(stem) + ".";
            return Directory.EnumerateFiles(folder, prefix + "*")
                .Where(p => IsBackupName(Path.GetFileName(p).Substring(prefix.Length)))
                .OrderByDescending(p => Path.GetFileName(p), StringComparer.Ordinal)
                .ToList();
        }

        // "20261125T101500123Z" or "20261125T101500123Z-2".
        private static bool IsBackupName(string suffix) =>
            suffix.Length >= 19 && suffix[8] == 'T' && suffix[18] == 'Z' && suffix.Take(8).All(char.IsDigit) &&
            (suffix.Length == 19 || (suffix[19] == '-' && suffix.Skip(20).All(char.IsDigit)));

        // The tree's folder, then the file's own path without its root.
        private string BaseFor(string topFile, string file)
        {
            return Path.Combine(FolderFor(topFile), RelativePathOf(UnixFileSystem.RealPath(file)));
        }
    }
}
