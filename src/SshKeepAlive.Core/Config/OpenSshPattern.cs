namespace SshKeepAlive.Core.Config
{
    /// <summary>OpenSSH's wildcard matching (match.c): '*' and '?' only, comma lists with '!' negation.</summary>
    public static class OpenSshPattern
    {
        /// <summary>Whole-string match of <paramref name="text"/> against one pattern with '*' and '?', case-sensitive.</summary>
        public static bool Matches(string text, string pattern) => Matches(text, 0, pattern, 0);

        /// <summary>
        /// Matches against a comma-separated list: 1 when a positive pattern matches and no negated one does,
        /// -1 when a negated ("!pattern") pattern matches, 0 otherwise. <paramref name="lowercasePatterns"/>
        /// lowercases the patterns first (hostnames).
        /// </summary>
        public static int MatchList(string text, string patternList, bool lowercasePatterns)
        {
            int result = 0;
            foreach (string item in patternList.Split(','))
            {
                bool negated = item.StartsWith("!", System.StringComparison.Ordinal);
                string pattern = negated ? item.Substring(1) : item;
                if (lowercasePatterns)
                {
                    pattern = pattern.ToLowerInvariant();
                }

                if (Matches(text, pattern))
                {
                    if (negated)
                    {
                        return -1;
                    }

                    result = 1;
                }
            }

            return result;
        }

        /// <summary>Host name against a pattern list, case-insensitively (match_hostname).</summary>
        public static bool MatchHostName(string host, string patternList) => MatchList(host.ToLowerInvariant(), patternList, lowercasePatterns: true) == 1;

        /// <summary>True when the pattern holds no '*' or '?' (a literal host name).</summary>
        public static bool IsLiteral(string pattern) => pattern.IndexOfAny(new[] { '*', '?' }) < 0;

        private static bool Matches(string text, int t, string pattern, int p)
        {
            while (p < pattern.Length)
            {
                char c = pattern[p];
                if (c == '*')
                {
                    // Consecutive stars are one star; a trailing star matches the rest.
                    while (p < pattern.Length && pattern[p] == '*')
                    {
                        p++;
                    }

                    if (p == pattern.Length)
                    {
                        return true;
                    }

                    for (int rest = t; rest < text.Length; rest++)
                    {
                        if (Matches(text, rest, pattern, p))
                        {
                            return true;
                        }
                    }

                    return false;
                }

                if (t >= text.Length || (c != '?' && c != text[t]))
                {
                    return false;
                }

                t++;
                p++;
            }

            return t == text.Length;
        }
    }
}
