using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace SshKeepAlive.Core.ConfigDocuments
{
    /// <summary>
    /// When each file of loaded config trees (and each folder an included file came from) was last written, so a
    /// reader can tell whether loading them again could give a different answer: a changed, created or deleted file,
    /// or a file added to an Include folder.
    /// </summary>
    public sealed class ConfigFilesStamp
    {
        // A file written this shortly before the stamp may change again within the same clock tick unseen.
        private static readonly TimeSpan ClockTick = TimeSpan.FromSeconds(2);

        private readonly IReadOnlyList<KeyValuePair<string, DateTime>> writes;
        private readonly DateTime takenUtc;

        private ConfigFilesStamp(IReadOnlyList<KeyValuePair<string, DateTime>> writes, DateTime takenUtc)
        {
            this.writes = writes;
            this.takenUtc = takenUtc;
        }

        /// <summary>
        /// The stamp of <paramref name="configs"/> and everything they include; <paramref name="loadStartedUtc"/> is
        /// when their loading began.
        /// </summary>
        public static ConfigFilesStamp Of(IEnumerable<LoadedConfig> configs, DateTime loadStartedUtc)
        {
            var files = configs.SelectMany(c => c.AllFiles()).ToList();
            IEnumerable<string> folders = files.Where(f => f.Depth > 0).Select(f => Path.GetDirectoryName(Path.GetFullPath(f.Document.Path))!);
            var writes = files.Select(f => f.Document.Path).Concat(folders)
                .Distinct(StringComparer.Ordinal)
                .Select(path => new KeyValuePair<string, DateTime>(path, LastWriteUtc(path)))
                .ToList();
            return new ConfigFilesStamp(writes, loadStartedUtc);
        }

        /// <summary>
        /// True while loading again would read exactly what was read: no file or folder has been written since, and none
        /// was written so close to the load that a change within the same clock tick could have gone unseen.
        /// </summary>
        public bool IsCurrent() =>
            writes.All(w => w.Value < takenUtc - ClockTick && LastWriteUtc(w.Key) == w.Value);

        // A missing file or folder reads as the same fixed early time, so its creation counts as a change.
        private static DateTime LastWriteUtc(string path) =>
            Directory.Exists(path) ? Directory.GetLastWriteTimeUtc(path) : File.GetLastWriteTimeUtc(path);
    }
}
