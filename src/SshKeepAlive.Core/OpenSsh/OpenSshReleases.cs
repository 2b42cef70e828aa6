using System;
using System.Collections.Generic;

namespace SshKeepAlive.Core.OpenSsh
{
    /// <summary>Which program's configuration: ssh_config or sshd_config.</summary>
    public enum OpenSshProgram
    {
        Client,
        Server,
    }

    /// <summary>
    /// What differs between OpenSSH releases, in one place: the first release whose ssh or sshd accepts each
    /// keyword that not every release since 8.0 knows. Found with git log -S over OpenSSH portable's readconf.c
    /// and servconf.c, and held against Debian's 8.4p1, 9.2p1 and 10.0p2 by the oracle tests (ssh -G, sshd -T
    /// of each). An older release refuses a file that uses one ("Bad configuration option"). Every keyword the
    /// resolvers know is accepted by every release from 8.0 on unless it is listed here.
    /// </summary>
    public static class OpenSshReleases
    {
        private static readonly Dictionary<string, OpenSshVersion> ClientKeywordsSince = new Dictionary<string, OpenSshVersion>(StringComparer.OrdinalIgnoreCase)
        {
            ["KnownHostsCommand"] = new OpenSshVersion(8, 5),
            ["LogVerbose"] = new OpenSshVersion(8, 5),
            ["PermitRemoteOpen"] = new OpenSshVersion(8, 5),
            ["PubkeyAcceptedAlgorithms"] = new OpenSshVersion(8, 5),
            ["ForkAfterAuthentication"] = new OpenSshVersion(8, 7),
            ["HostbasedAcceptedAlgorithms"] = new OpenSshVersion(8, 7),
            ["SessionType"] = new OpenSshVersion(8, 7),
            ["StdinNull"] = new OpenSshVersion(8, 7),
            ["RequiredRSASize"] = new OpenSshVersion(9, 1),
            ["EnableEscapeCommandline"] = new OpenSshVersion(9, 2),
            ["Tag"] = new OpenSshVersion(9, 4),
            ["ObscureKeystrokeTiming"] = new OpenSshVersion(9, 5),
            ["ChannelTimeout"] = new OpenSshVersion(9, 6),
            ["RefuseConnection"] = new OpenSshVersion(10, 1),
            ["WarnWeakCrypto"] = new OpenSshVersion(10, 1),
        };

        private static readonly Dictionary<string, OpenSshVersion> ServerKeywordsSince = new Dictionary<string, OpenSshVersion>(StringComparer.OrdinalIgnoreCase)
        {
            ["HostbasedAcceptedAlgorithms"] = new OpenSshVersion(8, 5),
            ["LogVerbose"] = new OpenSshVersion(8, 5),
            ["PerSourceMaxStartups"] = new OpenSshVersion(8, 5),
            ["PerSourceNetBlockSize"] = new OpenSshVersion(8, 5),
            ["PubkeyAcceptedAlgorithms"] = new OpenSshVersion(8, 5),
            ["ModuliFile"] = new OpenSshVersion(8, 6),
            ["RequiredRSASize"] = new OpenSshVersion(9, 1),
            ["ChannelTimeout"] = new OpenSshVersion(9, 2),
            ["UnusedConnectionTimeout"] = new OpenSshVersion(9, 2),
            ["PAMServiceName"] = new OpenSshVersion(9, 8),
            ["PerSourcePenalties"] = new OpenSshVersion(9, 8),
            ["PerSourcePenaltyExemptList"] = new OpenSshVersion(9, 8),
            ["SshdSessionPath"] = new OpenSshVersion(9, 8),
            ["RefuseConnection"] = new OpenSshVersion(9, 9),
            ["SshdAuthPath"] = new OpenSshVersion(10, 0),
        };

        // 8.7 moved both parsers to argv_split: single quotes, backslash escapes and comments after the arguments.
        // Before it, a line was split at whitespace with double quotes only, and what was left over refused.
        private static readonly OpenSshVersion ArgvSplitSince = new OpenSshVersion(8, 7);

        // 10.0 expands %-tokens and ${VAR}s in SetEnv's values (ssh.c); before it, they are sent as written.
        private static readonly OpenSshVersion SetEnvExpandedSince = new OpenSshVersion(10, 0);

        // ssh tries ~/.ssh/id_dsa second until 8.8, last from 8.9 on, and not at all from 9.8, which stopped
        // building DSA keys in by default (9.7 made them optional).
        private static readonly OpenSshVersion DsaLastSince = new OpenSshVersion(8, 9);
        private static readonly OpenSshVersion WithoutDsaSince = new OpenSshVersion(9, 8);

        /// <summary>Whether ssh of <paramref name="version"/> (null: the newest release) expands SetEnv's values as it expands IdentityFile.</summary>
        public static bool ExpandsSetEnv(OpenSshVersion? version) => version == null || version.IsAtLeast(SetEnvExpandedSince);

        /// <summary>
        /// The identity files ssh tries when none is configured, in its order, for <paramref name="version"/> (null:
        /// the newest release).
        /// </summary>
        public static IReadOnlyList<string> DefaultIdentityFiles(OpenSshVersion? version)
        {
            var files = new List<string> { "id_rsa", "id_ecdsa", "id_ecdsa_sk", "id_ed25519", "id_ed25519_sk", "id_xmss" };
            if (version != null && !version.IsAtLeast(WithoutDsaSince))
            {
                files.Insert(version.IsAtLeast(DsaLastSince) ? files.Count : 1, "id_dsa");
            }

            return files.ConvertAll(f => "~/.ssh/" + f);
        }

        /// <summary>True for releases before 8.7, whose line splitting <see cref="LineSplittingRefusal"/> checks (ask before making its text).</summary>
        public static bool SplitsLinesTheOldWay(OpenSshVersion? version) => version != null && !version.IsAtLeast(ArgvSplitSince);

        /// <summary>
        /// Why <paramref name="version"/> refuses a directive that the line splitting of 8.7 and later reads fine, or
        /// null. Before 8.7 a line was split at whitespace with double quotes only, so single quotes, backslash
        /// escapes and (in ssh_config) a comment after the arguments leave words over: "garbage at end of line".
        /// sshd cut every line at its first "#" before splitting, so trailing comments were fine there. Host lines
        /// are exempt: their words are all patterns, taken literally.
        /// </summary>
        /// <param name="program">Whose config the line is in.</param>
        /// <param name="keyword">The line's keyword.</param>
        /// <param name="textAfterKeyword">Everything after the keyword and its separator: arguments and any comment.</param>
        /// <param name="argumentCount">How many arguments 8.7's splitting finds there.</param>
        /// <param name="version">The release reading the line; null: the newest.</param>
        public static string? LineSplittingRefusal(OpenSshProgram program, string keyword, string textAfterKeyword, int argumentCount, OpenSshVersion? version)
        {
            if (version == null || version.IsAtLeast(ArgvSplitSince) || string.Equals(keyword, "Host", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            string rest = textAfterKeyword;
            int comment = rest.IndexOf('#');
            if (program == OpenSshProgram.Server && comment >= 0)
            {
                rest = rest.Substring(0, comment);
            }

            return OldSplit(rest).Count != argumentCount
                ? $"garbage at end of line (OpenSSH {version} splits lines without single quotes, backslash escapes{(program == OpenSshProgram.Client ? " or comments after the arguments" : string.Empty)}, which came in 8.7)"
                : null;
        }

        // How releases before 8.7 split the arguments (strdelim): at spaces and tabs, a double-quoted word whole;
        // nothing else is special, so "#", "'" and "\" are parts of words.
        private static List<string> OldSplit(string text)
        {
            var words = new List<string>();
            int i = 0;
            while (i < text.Length)
            {
                if (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n')
                {
                    i++;
                    continue;
                }

                int end = text[i] == '"' ? text.IndexOf('"', i + 1) : text.IndexOfAny(new[] { ' ', '\t', '\r', '\n' }, i);
                end = end < 0 ? text.Length : end + (text[i] == '"' ? 1 : 0);
                words.Add(text.Substring(i, end - i));
                i = end;
            }

            return words;
        }

        /// <summary>The keywords of <paramref name="program"/> that not every release accepts.</summary>
        public static IEnumerable<string> KeywordsNotInEveryRelease(OpenSshProgram program) =>
            (program == OpenSshProgram.Client ? ClientKeywordsSince : ServerKeywordsSince).Keys;

        /// <summary>The first release whose ssh (client) or sshd (server) accepts <paramref name="keyword"/>, or null when every release does.</summary>
        public static OpenSshVersion? KeywordSince(OpenSshProgram program, string keyword) =>
            (program == OpenSshProgram.Client ? ClientKeywordsSince : ServerKeywordsSince).TryGetValue(keyword, out OpenSshVersion? since) ? since : null;

        /// <summary>Whether <paramref name="version"/> (null: the newest release) accepts a keyword the resolvers know.</summary>
        public static bool AcceptsKeyword(OpenSshProgram program, string keyword, OpenSshVersion? version) =>
            version == null || !(KeywordSince(program, keyword) is OpenSshVersion since) || version.IsAtLeast(since);

        /// <summary>
        /// Why <paramref name="version"/>'s program refuses <paramref name="keyword"/>, for a diagnostic:
        /// "OpenSSH 9.2p1's ssh does not know it (new in 9.6)".
        /// </summary>
        public static string RefusalReason(OpenSshProgram program, string keyword, OpenSshVersion version) =>
            $"OpenSSH {version}'s {(program == OpenSshProgram.Client ? "ssh" : "sshd")} does not know it" +
            (KeywordSince(program, keyword) is OpenSshVersion since ? $" (new in {since})" : string.Empty) + " and refuses the file";
    }
}
