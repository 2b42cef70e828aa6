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
            Names = keyword == "TCPKeepAlive" ? new[] { keyword, "KeepAlive" } : new[] { keyword };
        }

        /// <summary>The keyword in OpenSSH's spelling, e.g. ServerAliveInterval.</summary>
        public string Keyword { get; }

        /// <summary>The keyword and the other names OpenSSH reads as it (TCPKeepAlive's obsolete "KeepAlive").</summary>
        public IReadOnlyList<string> Names { get; }

        public SettingKind Kind { get; }

        /// <summary>The arguments to write; null when the setting is to be removed.</summary>
        public IReadOnlyList<string>? Arguments { get; }

        public bool IsRemoval => Arguments == null;

        /// <summary>The value as written, e.g. "60" or "yes"; null for a removal.</summary>
        public string? Value => Arguments == null ? null : string.Join(" ", Arguments);

        public static SettingChange Set(string keyword, SettingKind kind, params string[] arguments) => new SettingChange(keyword, kind, arguments);

        public static SettingChange Remove(string keyword, SettingKind kind) => new SettingChange(keyword, kind, null);

        /// <summary>True when <paramref name="line"/> sets this keyword (or one of its other <see cref="Names"/>).</summary>
        public bool Sets(ConfigLine line)
        {
            for (int i = 0; i < Names.Count; i++)
            {
                if (line.IsKeyword(Names[i]))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The arguments to write where <paramref name="current"/> gives the value today (null: nothing does). A
        /// ChannelTimeout's type=time entries are merged into the current list, type by type (the list is read
        /// whole from one line, so a new line must carry the other types too); "none" replaces the list.
        /// </summary>
        public IReadOnlyList<string> ArgumentsOver(ConfigLine? current)
        {
            if (Arguments == null || Kind != SettingKind.TimeList || current == null || IsNone(Arguments) || IsNone(current.Arguments))
            {
                return Arguments ?? throw new InvalidOperationException($"{Keyword} is to be removed; it has no arguments to write.");
            }

            var merged = current.Arguments.ToList();
            foreach (string entry in Arguments)
            {
                int same = merged.FindIndex(held => TypeOf(held) == TypeOf(entry));
                if (same >= 0)
                {
                    merged[same] = entry;
                }
                else
                {
                    merged.Add(entry);
                }
            }

            return merged;
        }

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
                    IReadOnlyList<string> merged = ArgumentsOver(line);
                    return line.Arguments.Count == merged.Count && line.Arguments.Zip(merged, SameTimeEntry).All(same => same);
                default:
                    return SameTime(line.Arguments[0], Arguments[0]);
            }
        }

        public override string ToString() => Keyword + " " + (Value ?? "(removed)");

        // Counts compare as times too: both are plain non-negative integers then.
        private static bool SameTime(string held, string wanted) =>
            string.Equals(held, wanted, StringComparison.OrdinalIgnoreCase) ||
            (OpenSshValues.TryParseTime(held, out int a) && OpenSshValues.TryParseTime(wanted, out int b) && a == b);

        private static bool IsNone(IReadOnlyList<string> arguments) => arguments.Count == 1 && string.Equals(arguments[0], "none", StringComparison.OrdinalIgnoreCase);

        private static string TypeOf(string entry)
        {
            int equals = entry.IndexOf('=');
            return equals > 0 ? entry.Substring(0, equals) : entry;
        }

        private static bool SameTimeEntry(string held, string wanted)
        {
            if (string.Equals(held, wanted, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            int heldEquals = held.IndexOf('='), wantedEquals = wanted.IndexOf('=');
            return heldEquals > 0 && wantedEquals > 0 &&
                string.Equals(held.Substring(0, heldEquals), wanted.Substring(0, wantedEquals), StringComparison.Ordinal) &&
                SameTime(held.Substring(heldEquals + 1), wanted.Substring(wantedEquals + 1));
        }
    }
}
