using System;
using System.Collections.Generic;

namespace SshKeepAlive.Core.OpenSsh
{
    /// <summary>Value syntaxes shared by ssh_config and sshd_config, with OpenSSH's acceptance rules.</summary>
    public static class OpenSshValues
    {
        /// <summary>The value as ssh -G and sshd -T print it ("none", "yes", seconds, words; lists space-separated).</summary>
        public static string Format(object? value) => value switch
        {
            null => "none",
            bool flag => flag ? "yes" : "no",
            IEnumerable<string> list => string.Join(" ", list),
            _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
        };

        /// <summary>
        /// Parses an OpenSSH time value to seconds as convtime does: one or more "number[unit]" parts summed, units
        /// s, m, h, d, w in either case (no unit = seconds), e.g. "90", "1m30s", "1h30". Rejects empty text,
        /// negative numbers, unknown units and totals above Int32.MaxValue. "none" is not a time: callers handle it.
        /// </summary>
        public static bool TryParseTime(string text, out int seconds)
        {
            seconds = 0;
            if (string.IsNullOrEmpty(text))
            {
                return false;
            }

            long total = 0;
            int position = 0;
            while (position < text.Length)
            {
                if (!TryParseDecimal(text, ref position, out long number) || number < 0)
                {
                    return false;
                }

                long multiplier = 1;
                if (position < text.Length)
                {
                    switch (char.ToLowerInvariant(text[position]))
                    {
                        case 's': multiplier = 1; break;
                        case 'm': multiplier = 60; break;
                        case 'h': multiplier = 3600; break;
                        case 'd': multiplier = 86400; break;
                        case 'w': multiplier = 604800; break;
                        default: return false;
                    }

                    position++;
                }

                if (number > int.MaxValue / multiplier)
                {
                    return false;
                }

                total += number * multiplier;
                if (total > int.MaxValue)
                {
                    return false;
                }
            }

            seconds = (int)total;
            return true;
        }

        /// <summary>One ChannelTimeout entry, "type=interval" (e.g. "session=5m"): a non-empty type and a valid time.</summary>
        public static bool IsChannelTimeout(string item)
        {
            int equals = item.IndexOf('=');
            return equals > 0 && TryParseTime(item.Substring(equals + 1), out _);
        }

        /// <summary>yes/no (and OpenSSH's synonyms true/false), case-insensitive.</summary>
        public static bool TryParseFlag(string text, out bool value)
        {
            value = false;
            switch (text.ToLowerInvariant())
            {
                case "yes":
                case "true":
                    value = true;
                    return true;
                case "no":
                case "false":
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>A non-negative decimal integer up to Int32.MaxValue, as OpenSSH's strtonum-based parsing accepts it.</summary>
        public static bool TryParseInteger(string text, out int value)
        {
            value = 0;
            int position = 0;
            if (!TryParseDecimal(text, ref position, out long number) || position != text.Length || number < 0 || number > int.MaxValue)
            {
                return false;
            }

            value = (int)number;
            return true;
        }

        /// <summary>A TCP port 1–65535 given as a number (the client resolver also accepts /etc/services names, as OpenSSH does).</summary>
        public static bool TryParsePort(string text, out int port) => TryParseInteger(text, out port) && port >= 1 && port <= 65535;

        // strtol: optional leading whitespace and sign, then decimal digits; saturates instead of overflowing.
        private static bool TryParseDecimal(string text, ref int position, out long number)
        {
            number = 0;
            int i = position;
            while (i < text.Length && (text[i] == ' ' || (text[i] >= '\t' && text[i] <= '\r')))
            {
                i++;
            }

            bool negative = false;
            if (i < text.Length && (text[i] == '+' || text[i] == '-'))
            {
                negative = text[i] == '-';
                i++;
            }

            int digitsStart = i;
            while (i < text.Length && text[i] >= '0' && text[i] <= '9')
            {
                // Saturate far above Int32 range: such values are rejected anyway.
                number = number > int.MaxValue ? number : number * 10 + (text[i] - '0');
                i++;
            }

            if (i == digitsStart)
            {
                return false;
            }

            number = negative ? -number : number;
            position = i;
            return true;
        }
    }
}
