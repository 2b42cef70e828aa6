using System;

namespace SshKeepAlive.Core.Config
{
    /// <summary>How a comma-separated OpenSSH pattern list judged a string.</summary>
    public enum PatternListResult
    {
        /// <summary>A negated entry ("!pattern") matched: the list rejects the string outright.</summary>
        NegatedMatch = -1,

        NoMatch = 0,

        Match = 1,
    }

    /// <summary>
    /// OpenSSH's wildcard patterns: '*' matches any run of characters, '?' exactly one, everything else itself.
    /// Lists are comma-separated; an entry starting with '!' rejects the string when it matches, whatever the
    /// other entries say.
    /// </summary>
    public static class OpenSshPattern
    {
        /// <summary>True when the whole of <paramref name="text"/> matches <paramref name="pattern"/>.</summary>
        public static bool Matches(string text, string pattern, bool ignoreCase = false) =>
            MatchesAt(text, 0, pattern, 0, ignoreCase);

        /// <summary>Judges <paramref name="text"/> against every entry of a comma-separated list.</summary>
        public static PatternListResult MatchList(string text, string patternList, bool ignoreCase = false)
        {
            var result = PatternListResult.NoMatch;
            foreach (string entry in patternList.Split(','))
            {
                bool negated = entry.StartsWith("!", StringComparison.Ordinal);
                string pattern = negated ? entry.Substring(1) : entry;
                if (!Matches(text, pattern, ignoreCase))
                {
                    continue;
                }

                if (negated)
                {
                    return PatternListResult.NegatedMatch;
                }

                result = PatternListResult.Match;
            }

            return result;
        }

        private static bool MatchesAt(string text, int t, string pattern, int p, bool ignoreCase)
        {
            while (p < pattern.Length)
            {
                char c = pattern[p];
                if (c == '*')
                {
                    // Collapse runs of '*'; a trailing '*' matches whatever remains.
                    while (p < pattern.Length && pattern[p] == '*')
                    {
                        p++;
                    }

                    if (p == pattern.Length)
                    {
                        return true;
                    }

                    for (int start = t; start <= text.Length; start++)
                    {
                        if (MatchesAt(text, start, pattern, p, ignoreCase))
                        {
                            return true;
                        }
                    }

                    return false;
                }

                if (t == text.Length || (c != '?' && !SameChar(text[t], c, ignoreCase)))
                {
                    return false;
                }

                t++;
                p++;
            }

            return t == text.Length;
        }

        private static bool SameChar(char a, char b, bool ignoreCase) =>
            a == b || (ignoreCase && char.ToLowerInvariant(a) == char.ToLowerInvariant(b));
    }
}
