using System;

namespace SshKeepAlive.Core.OpenSsh
{
    /// <summary>
    /// glob(3)'s matching, as OpenSSH's Include uses it: '*', '?' and '[...]' per path segment, wildcards never
    /// match a leading '.'. Expanding a pattern against a machine's files is <c>IncludeGlob</c>'s (ConfigDocuments).
    /// </summary>
    internal static class ConfigGlob
    {
        /// <summary>
        /// True when expanding <paramref name="pattern"/> would list <paramref name="path"/> were it to
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

        public static bool HasWildcard(string text) => text.IndexOfAny(new[] { '*', '?', '[' }) >= 0;

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
