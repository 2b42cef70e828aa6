using System;
using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Platform;

namespace SshKeepAlive.Core.ConfigDocuments
{
    /// <summary>
    /// Expands an Include pattern the way glob(3) does for OpenSSH, against the files of the machine the config is
    /// read on: '*', '?' and '[...]' per path segment (<see cref="ConfigGlob"/>), wildcards never match a leading '.',
    /// results sorted by byte order (OpenSSH runs in the C collation); a pattern without wildcards yields the path only
    /// when it exists.
    /// </summary>
    internal static class IncludeGlob
    {
        public static IReadOnlyList<string> Expand(string pattern, IReadOnlyFileSystem files)
        {
            if (!ConfigGlob.HasWildcard(pattern))
            {
                return files.KindOf(pattern) != FileKind.Missing ? new[] { pattern } : Array.Empty<string>();
            }

            // A POSIX path keeps its '/' also where this process runs on Windows (a remote machine's files).
            bool posix = pattern.StartsWith("/", StringComparison.Ordinal);
            char separator = posix || pattern.IndexOf('/') >= 0 ? '/' : System.IO.Path.DirectorySeparatorChar;
            string root = posix ? "/" : System.IO.Path.GetPathRoot(pattern) ?? string.Empty;
            string[] segments = pattern.Substring(root.Length).Split(posix ? new[] { '/' } : new[] { '/', '\\' }, StringSplitOptions.RemoveEmptyEntries);

            // The folders before the first wildcard are one path, listed as it is (a missing one lists nothing): on a
            // remote machine every question is a round trip.
            int first = Array.FindIndex(segments, ConfigGlob.HasWildcard);
            string start = root + string.Join(separator.ToString(), segments.Take(first));
            var candidates = new List<string> { start };
            for (int i = first; i < segments.Length; i++)
            {
                bool last = i == segments.Length - 1;
                var next = new List<string>();
                foreach (string directory in candidates)
                {
                    next.AddRange(ExpandSegment(files, directory, segments[i], separator, last));
                }

                candidates = next;
            }

            return candidates.OrderBy(p => p, StringComparer.Ordinal).ToList();
        }

        private static IEnumerable<string> ExpandSegment(IReadOnlyFileSystem files, string directory, string segment, char separator, bool last)
        {
            string prefix = directory.Length == 0 || directory.EndsWith("/", StringComparison.Ordinal) || directory.EndsWith("\\", StringComparison.Ordinal)
                ? directory
                : directory + separator;
            if (!ConfigGlob.HasWildcard(segment))
            {
                string path = prefix + segment;
                FileKind kind = files.KindOf(path);
                return (last ? kind != FileKind.Missing : kind == FileKind.Directory) ? new[] { path } : Array.Empty<string>();
            }

            string listed = directory.Length == 0 ? "." : directory;
            return files.EntriesOf(listed)
                .Where(name => name.Length > 0 && ConfigGlob.Matches(name, segment))
                .Select(name => prefix + name)
                .Where(path => last || files.KindOf(path) == FileKind.Directory)
                .ToList();
        }
    }
}
