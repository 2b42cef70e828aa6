using System;
using System.Globalization;
using System.Linq;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.OpenSsh;

namespace SshKeepAlive.Core.Editing
{
    /// <summary>
    /// What the editor accepts as values and host patterns. Every rule rejects with a <see cref="ConfigEditException"/>
    /// naming the value before anything is read or written.
    /// </summary>
    public static class EditRules
    {
        /// <summary>Keepalive intervals above a day cannot keep any idle timeout at bay; such a value is a mistake.</summary>
        public const int MaxKeepAliveIntervalSeconds = 86400;

        /// <summary>More unanswered probes than this before giving up is never what anyone wants.</summary>
        public const int MaxCountMax = 100;

        // ChannelTimeout types: OpenSSH channel type names and patterns over them.
        private const string ChannelTypeCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@.:*?_-";

        /// <summary>A keepalive interval in seconds from "60" or an OpenSSH time string ("5m"); 0 turns keepalives off.</summary>
        public static int ParseKeepAliveInterval(string text, string keyword)
        {
            int seconds = ParseTime(text, keyword, ErrorId.IntervalInvalid);
            if (seconds > MaxKeepAliveIntervalSeconds)
            {
                throw Invalid(ErrorId.IntervalInvalid, $"{keyword} {text} is {seconds} s; a keepalive interval above {MaxKeepAliveIntervalSeconds} s (one day) cannot keep a connection alive.");
            }

            return seconds;
        }

        /// <summary>A timeout in seconds from an OpenSSH time string; "none" gives null when <paramref name="allowsNone"/>.</summary>
        public static int? ParseTimeout(string text, string keyword, bool allowsNone)
        {
            if (allowsNone && string.Equals(text.Trim(), "none", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            return ParseTime(text, keyword, ErrorId.TimeoutInvalid);
        }

        /// <summary>Checks a CountMax (number of unanswered keepalives before disconnecting).</summary>
        public static int CheckCountMax(int count, string keyword)
        {
            if (count < 0 || count > MaxCountMax)
            {
                throw Invalid(ErrorId.CountMaxInvalid, $"{keyword} {count} is out of range: use 0 to {MaxCountMax}.");
            }

            return count;
        }

        /// <summary>
        /// Checks a ChannelTimeout entry "type=time" (e.g. "session=5m") and returns it with the time in seconds.
        /// </summary>
        public static string NormalizeChannelTimeout(string entry)
        {
            int equals = entry.IndexOf('=');
            string type = equals > 0 ? entry.Substring(0, equals) : string.Empty;
            if (type.Length == 0 || type.Any(c => ChannelTypeCharacters.IndexOf(c) < 0))
            {
                throw Invalid(ErrorId.ChannelTimeoutInvalid, $"ChannelTimeout entry '{entry}' is not type=time (e.g. session=30m, global=1h).");
            }

            string time = entry.Substring(equals + 1);
            return type + "=" + ParseTime(time, "ChannelTimeout " + type, ErrorId.ChannelTimeoutInvalid).ToString(CultureInfo.InvariantCulture);
        }

        /// <summary>
        /// Checks a client Host pattern: one pattern, no whitespace, control characters, '#', quotes, '=' or ','
        /// (which OpenSSH would read as something else), and not a negation (which matches no host by itself).
        /// </summary>
        public static string CheckHostPattern(string pattern)
        {
            if (string.IsNullOrEmpty(pattern))
            {
                throw Invalid(ErrorId.HostPatternInvalid, "The host pattern is empty.");
            }

            char bad = pattern.FirstOrDefault(c => char.IsWhiteSpace(c) || char.IsControl(c) || "#\"'=,".IndexOf(c) >= 0);
            if (bad != '\0')
            {
                throw Invalid(ErrorId.HostPatternInvalid, $"The host pattern '{Printable(pattern)}' contains {Describe(bad)}; give one pattern such as web01 or *.example.com.");
            }

            if (pattern[0] == '!')
            {
                throw Invalid(ErrorId.HostPatternInvalid, $"The host pattern '{pattern}' is a negation, which matches no host on its own.");
            }

            return pattern;
        }

        private static int ParseTime(string text, string keyword, ErrorId errorId)
        {
            string trimmed = (text ?? string.Empty).Trim();
            if (trimmed.StartsWith("-", StringComparison.Ordinal))
            {
                throw Invalid(errorId, $"{keyword} cannot be negative ('{trimmed}').");
            }

            if (!OpenSshValues.TryParseTime(trimmed, out int seconds) || trimmed.Any(char.IsWhiteSpace))
            {
                throw Invalid(errorId, $"{keyword} '{Printable(trimmed)}' is not a time: give seconds (60) or an OpenSSH time such as 5m or 1h30m.");
            }

            return seconds;
        }

        private static ConfigEditException Invalid(ErrorId id, string message) => new ConfigEditException(id, message);

        private static string Describe(char c) =>
            char.IsWhiteSpace(c) || char.IsControl(c) ? $"whitespace or a control character (U+{(int)c:X4})" : $"'{c}'";

        private static string Printable(string text) => new string(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }
}
