using System;
using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.OpenSsh;

namespace SshKeepAlive.Core.Editing
{
    /// <summary>How a keyword's value is written and compared.</summary>
    public enum SettingKind
    {
        /// <summary>An OpenSSH time ("90", "1m30s"), compared in seconds.</summary>
        Time,

        /// <summary>A time or "none".</summary>
        TimeOrNone,

        /// <summary>A non-negative integer.</summary>
        Count,

        /// <summary>yes or no.</summary>
        Flag,

        /// <summary>ChannelTimeout's list of type=time entries.</summary>
        TimeList,
    }

    /// <summary>One keyword to set to a value, or (value null) to remove.</summary>
    public sealed class SettingChange
    {
        private SettingChange(string keyword, SettingKind kind, IReadOnlyList<string>? arguments)
        {
            Keyword = keyword;
            Kind = kind;
            Arguments = arguments;
        }

        /// <summary>The keyword in OpenSSH's spelling, e.g. ServerAliveInterval.</summary>
        public string Keyword { get; }

        public SettingKind Kind { get; }

        /// <summary>The arguments to write; null when the setting is to be removed.</summary>
        public IReadOnlyList<string>? Arguments { get; }

        public bool IsRemoval => Arguments == null;

        /// <summary>The value as written, e.g. "60" or "yes"; null for a removal.</summary>
        public string? Value => Arguments == null ? null : string.Join(" ", Arguments);

        public static SettingChange Set(string keyword, SettingKind kind, params string[] arguments) => new SettingChange(keyword, kind, arguments);

        public static SettingChange Remove(string keyword, SettingKind kind) => new SettingChange(keyword, kind, null);

        /// <summary>True when <paramref name="line"/> already gives this keyword the requested value (60 equals 1m).</summary>
        public bool IsHeldBy(ConfigLine line)
        {
            if (Arguments == null || line.Arguments.Count == 0)
            {
                return false;
            }

            switch (Kind)
            {
                case SettingKind.Flag:
                    return OpenSshValues.TryParseFlag(line.Arguments[0], out bool held) && OpenSshValues.TryParseFlag(Arguments[0], out bool wanted) && held == wanted;
                case SettingKind.TimeList:
                    return line.Arguments.Count == Arguments.Count && line.Arguments.Zip(Arguments, SameTimeEntry).All(same => same);
                default:
                    return SameTime(line.Arguments[0], Arguments[0]);
            }
        }

        public override string ToString() => Keyword + " " + (Value ?? "(removed)");

        // Counts compare as times too: both are plain non-negative integers then.
        private static bool SameTime(string held, string wanted) =>
            string.Equals(held, wanted, StringComparison.OrdinalIgnoreCase) ||
            (OpenSshValues.TryParseTime(held, out int a) && OpenSshValues.TryParseTime(wanted, out int b) && a == b);

        private static bool SameTimeEntry(string held, string wanted)
        {
            int heldEquals = held.IndexOf('='), wantedEquals = wanted.IndexOf('=');
            return heldEquals > 0 && wantedEquals > 0 &&
                string.Equals(held.Substring(0, heldEquals), wanted.Substring(0, wantedEquals), StringComparison.Ordinal) &&
                SameTime(held.Substring(heldEquals + 1), wanted.Substring(wantedEquals + 1));
        }
    }
}
