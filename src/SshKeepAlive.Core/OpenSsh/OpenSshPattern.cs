namespace SshKeepAlive.Core.OpenSsh
{
    /// <summary>OpenSSH's wildcard matching (match.c): '*' and '?' only, comma lists with '!' negation.</summary>
    public static class OpenSshPattern
    {
        /// <summary>Whole-string match of <paramref name="text"/> against one pattern with '*' and '?', case-sensitive.</summary>
        public static bool Matches(string text, string pattern) => Matches(text, 0, pattern, 0, pattern.Length, lowercasePattern: false);

        /// <summary>
        /// Matches against a comma-separated list: 1 when a positive pattern matches and no negated one does,
        /// -1 when a negated ("!pattern") pattern matches, 0 otherwise. <paramref name="lowercasePatterns"/>
        /// lowercases the patterns first (hostnames).
        /// </summary>
        public static int MatchList(string text, string patternList, bool lowercasePatterns)
        {
            // Walks the list in place: resolving thousands of hosts must not allocate per pattern.
            int result = 0;
            for (int start = 0; start <= patternList.Length;)
            {
                int end = patternList.IndexOf(',', start);
                if (end < 0)
                {
                    end = patternList.Length;
                }

                bool negated = start < end && patternList[start] == '!';
                if (Matches(text, 0, patternList, negated ? start + 1 : start, end, lowercasePatterns))
                {
                    if (negated)
                    {
                        return -1;
                    }

                    result = 1;
                }

                start = end + 1;
            }

            return result;
        }

        /// <summary>Host name against a pattern list, case-insensitively (match_hostname).</summary>
        public static bool MatchHostName(string host, string patternList) => MatchList(host.ToLowerInvariant(), patternList, lowercasePatterns: true) == 1;

        /// <summary>True when the pattern holds no '*' or '?' (a literal host name).</summary>
        public static bool IsLiteral(string pattern) => pattern.IndexOfAny(new[] { '*', '?' }) < 0;

        /// <summary>Matches <paramref name="text"/> from <paramref name="t"/> against pattern[p..end).</summary>
        internal static bool Matches(string text, int t, string pattern, int p, int end, bool lowercasePattern)
        {
            while (p < end)
            {
                char c = lowercasePattern ? char.ToLowerInvariant(pattern[p]) : pattern[p];
                if (c == '*')
                {
                    // Consecutive stars are one star; a trailing star matches the rest.
                    while (p < end && pattern[p] == '*')
                    {
                        p++;
                    }

                    if (p == end)
                    {
                        return true;
                    }

                    for (int rest = t; rest < text.Length; rest++)
                    {
                        if (Matches(text, rest, pattern, p, end, lowercasePattern))
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
