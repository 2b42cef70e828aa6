using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace SshKeepAlive.Core.OpenSsh
{
    /// <summary>
    /// Expands an Include pattern the way glob(3) does for OpenSSH: '*', '?' and '[...]' per path segment,
    /// wildcards never match a leading '.', results sorted by byte order (OpenSSH runs in the C collation);
    /// a pattern without wildcards yields the path only when it exists.
    /// </summary>
    internal static class ConfigGlob
    {
        public static IReadOnlyList<string> Expand(string pattern)
        {
            if (!HasWildcard(pattern))
            {
                return File.Exists(pattern) || Directory.Exists(pattern) ? new[] { pattern } : Array.Empty<string>();
            }

            char separator = pattern.IndexOf('/') >= 0 ? '/' : System.IO.Path.DirectorySeparatorChar;
            string root = System.IO.Path.GetPathRoot(pattern) ?? string.Empty;
            string[] segments = pattern.Substring(root.Length).Split(new[] { '/', '\\' }, StringSplitOptions.RemoveEmptyEntries);
            var candidates = new List<string> { root };
            for (int i = 0; i < segments.Length; i++)
            {
                bool last = i == segments.Length - 1;
                var next = new List<string>();
                foreach (string directory in candidates)
                {
                    next.AddRange(ExpandSegment(directory, segments[i], separator, last));
                }

                candidates = next;
            }

            return candidates.OrderBy(p => p, StringComparer.Ordinal).ToList();
        }

        private static IEnumerable<string> ExpandSegment(string directory, string segment, char separator, bool last)
        {
            string prefix = directory.Length == 0 || directory.EndsWith("/", StringComparison.Ordinal) || directory.EndsWith("\\", StringComparison.Ordinal)
                ? directory
                : directory + separator;
            if (!HasWildcard(segment))
            {
                string path = prefix + segment;
                return (last ? File.Exists(path) || Directory.Exists(path) : Directory.Exists(path)) ? new[] { path } : Array.Empty<string>();
            }

            string listed = directory.Length == 0 ? "." : directory;
            if (!Directory.Exists(listed))
            {
                return Array.Empty<string>();
            }

            try
            {
                IEnumerable<string> entries = last ? Directory.EnumerateFileSystemEntries(listed) : Directory.EnumerateDirectories(listed);
                return entries.Select(System.IO.Path.GetFileName)
                    .Where(name => name.Length > 0 && Matches(name!, segment))
                    .Select(name => prefix + name)
                    .ToList();
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return Array.Empty<string>();
            }
        }

        /// <summary>
        /// True when <see cref="Expand"/> of <paramref name="pattern"/> would list <paramref name="path"/> were it to
        /// exist: the same number of segments, each matched as glob(3) matches one (leading-period rule included).
        /// </summary>
        public static bool CouldMatch(string pattern, string path)
        {
            string[] patternSegments = pattern.Split(new[] { '/', '\\' }, StringSplitOptions.RemoveEmptyEntries);
            string[] pathSegments = path.Split(new[] { '/', '\\' }, StringSplitOptions.RemoveEmptyEntries);
            if (patternSegments.Length != pathSegments.Length)
            {
                return false;
            }

            for (int i = 0; i < patternSegments.Length; i++)
            {
                bool matches = HasWildcard(patternSegments[i]) ? Matches(pathSegments[i], patternSegments[i]) : patternSegments[i] == pathSegments[i];
                if (!matches)
                {
                    return false;
                }
            }

            return true;
        }

        private static bool HasWildcard(string text) => text.IndexOfAny(new[] { '*', '?', '[' }) >= 0;

        /// <summary>fnmatch for one path segment with glob's leading-period rule.</summary>
        internal static bool Matches(string name, string pattern)
        {
            if (name.StartsWith(".", StringComparison.Ordinal) && !pattern.StartsWith(".", StringComparison.Ordinal))
            {
                return false;
            }

            return Match(name, 0, pattern, 0);
        }

        private static bool Match(string name, int n, string pattern, int p)
        {
            while (p < pattern.Length)
            {
                char c = pattern[p];
                if (c == '*')
                {
                    for (int rest = n; rest <= name.Length; rest++)
                    {
                        if (Match(name, rest, pattern, p + 1))
                        {
                            return true;
                        }
                    }

                    return false;
                }

                if (n >= name.Length)
                {
                    return false;
                }

                if (c == '?')
                {
                    n++;
                    p++;
                    continue;
                }

                if (c == '[' && TryMatchClass(name[n], pattern, p, out int afterClass, out bool inClass))
                {
                    if (!inClass)
                    {
                        return false;
                    }

                    n++;
                    p = afterClass;
                    continue;
                }

                if (c == '\\' && p + 1 < pattern.Length)
                {
                    p++;
                    c = pattern[p];
                }

                if (name[n] != c)
                {
                    return false;
                }

                n++;
                p++;
            }

            return n == name.Length;
        }

        // A bracket expression "[abc]", "[a-z]", "[!x]" or "[^x]"; false when unterminated (then '[' is literal).
        private static bool TryMatchClass(char c, string pattern, int open, out int after, out bool matched)
        {
            after = open;
            matched = false;
            int i = open + 1;
            bool negate = i < pattern.Length && (pattern[i] == '!' || pattern[i] == '^');
            if (negate)
            {
                i++;
            }

            bool first = true;
            for (; i < pattern.Length && (first || pattern[i] != ']'); i++, first = false)
            {
                if (i + 2 < pattern.Length && pattern[i + 1] == '-' && pattern[i + 2] != ']')
                {
                    matched |= c >= pattern[i] && c <= pattern[i + 2];
                    i += 2;
                }
                else
                {
                    matched |= c == pattern[i];
                }
            }

            if (i >= pattern.Length)
            {
                return false;
            }

            after = i + 1;
            matched ^= negate;
            return true;
        }
    }
}
