using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SshKeepAlive.Core.Errors;

namespace SshKeepAlive.Core.Editing
{
    /// <summary>The settings the keepalive and timeout parameters stand for, per scope, their values checked.</summary>
    public static class TimeoutChanges
    {
        /// <summary>
        /// The keepalive settings for a scope (only those given, at least one): the interval (seconds or an OpenSSH
        /// time), the number of unanswered keepalives before disconnecting, and TCPKeepAlive. With
        /// <paramref name="reloadOnly"/> (a server edit that reloads sshd) none at all is a reload alone.
        /// </summary>
        public static IReadOnlyList<SettingChange> KeepAlive(EditScope scope, string? interval, int? countMax, bool? tcpKeepAlive, bool reloadOnly = false)
        {
            string prefix = KeepAlivePrefix(scope);
            var changes = new List<SettingChange>();
            if (interval != null)
            {
                int seconds = EditRules.ParseKeepAliveInterval(interval, prefix + "Interval");
                changes.Add(SettingChange.Set(prefix + "Interval", SettingKind.Time, seconds.ToString(CultureInfo.InvariantCulture)));
            }

            if (countMax != null)
            {
                changes.Add(SettingChange.Set(prefix + "CountMax", SettingKind.Count, EditRules.CheckCountMax(countMax.Value, prefix + "CountMax").ToString(CultureInfo.InvariantCulture)));
            }

            if (tcpKeepAlive != null)
            {
                changes.Add(SettingChange.Set("TCPKeepAlive", SettingKind.Flag, tcpKeepAlive.Value ? "yes" : "no"));
            }

            if (changes.Count == 0 && !(reloadOnly && scope == EditScope.Server))
            {
                throw SettingMissing();
            }

            return changes;
        }

        // ssh's keepalive keywords name what it probes (ServerAlive*), sshd's likewise (ClientAlive*).
        private static string KeepAlivePrefix(EditScope scope) => scope == EditScope.Client ? "ServerAlive" : "ClientAlive";

        /// <summary>Removals of every keepalive keyword of a scope.</summary>
        public static IReadOnlyList<SettingChange> KeepAliveRemoval(EditScope scope)
        {
            string prefix = KeepAlivePrefix(scope);
            return new[]
            {
                SettingChange.Remove(prefix + "Interval", SettingKind.Time),
                SettingChange.Remove(prefix + "CountMax", SettingKind.Count),
                SettingChange.Remove("TCPKeepAlive", SettingKind.Flag),
            };
        }

        /// <summary>
        /// The other timeouts (only those given): ConnectTimeout for the client; LoginGraceTime, ChannelTimeout's
        /// type=time entries and UnusedConnectionTimeout for the server. Refuses none at all, or one of the other scope.
        /// </summary>
        public static IReadOnlyList<SettingChange> Timeouts(EditScope scope, string? connectTimeout, string? loginGraceTime, IReadOnlyList<string>? channelTimeout, string? unusedConnectionTimeout)
        {
            var changes = new List<SettingChange>();
            if (connectTimeout != null)
            {
                changes.Add(Timeout("ConnectTimeout", connectTimeout, allowsNone: true));
            }

            if (loginGraceTime != null)
            {
                changes.Add(Timeout("LoginGraceTime", loginGraceTime, allowsNone: false));
            }

            if (channelTimeout != null)
            {
                changes.Add(ChannelTimeout(channelTimeout));
            }

            if (unusedConnectionTimeout != null)
            {
                changes.Add(Timeout("UnusedConnectionTimeout", unusedConnectionTimeout, allowsNone: true));
            }

            CheckScope(scope, changes);
            return changes;
        }

        /// <summary>
        /// Checks that every change belongs to the scope (ConnectTimeout is the client's; LoginGraceTime,
        /// ChannelTimeout and UnusedConnectionTimeout the server's) and that there is at least one.
        /// </summary>
        private static void CheckScope(EditScope scope, IReadOnlyList<SettingChange> changes)
        {
            if (changes.Count == 0)
            {
                throw SettingMissing();
            }

            foreach (SettingChange change in changes)
            {
                bool isClient = change.Keyword == "ConnectTimeout";
                if (isClient != (scope == EditScope.Client))
                {
                    throw new ConfigEditException(ErrorId.SettingNotInScope, $"{change.Keyword} is a {(isClient ? "client (ssh_config)" : "server (sshd_config)")} setting, not a {(isClient ? "server" : "client")} one.");
                }
            }
        }

        /// <summary>
        /// ChannelTimeout's type=time entries (times written in seconds), merged into the list in force type by type;
        /// "none" alone clears the list, as sshd accepts it.
        /// </summary>
        public static SettingChange ChannelTimeout(IReadOnlyList<string> entries)
        {
            if (entries.Any(e => string.Equals(e.Trim(), "none", StringComparison.OrdinalIgnoreCase)))
            {
                if (entries.Count != 1)
                {
                    throw new ConfigEditException(ErrorId.ChannelTimeoutInvalid, "ChannelTimeout none clears every channel timeout and must stand alone.");
                }

                return SettingChange.Set("ChannelTimeout", SettingKind.TimeList, "none");
            }

            return SettingChange.Set("ChannelTimeout", SettingKind.TimeList, entries.Select(EditRules.NormalizeChannelTimeout).ToArray());
        }

        private static ConfigEditException SettingMissing() =>
            new ConfigEditException(ErrorId.SettingMissing, "Give at least one setting to change.");

        /// <summary>
        /// A time setting written in seconds ("none" kept where the keyword allows it). ssh reads "ConnectTimeout none"
        /// as not set at all, so a later line or Host * would still win; ConnectTimeout 0 is what ssh takes as "no
        /// timeout" (a plain connect) and holds like any value, so "none" is written as 0 there.
        /// </summary>
        public static SettingChange Timeout(string keyword, string value, bool allowsNone)
        {
            int? seconds = EditRules.ParseTimeout(value, keyword, allowsNone);
            if (seconds == null && string.Equals(keyword, "ConnectTimeout", StringComparison.OrdinalIgnoreCase))
            {
                seconds = 0;
            }

            return SettingChange.Set(keyword, SettingKind.TimeOrNone, seconds?.ToString(CultureInfo.InvariantCulture) ?? "none");
        }
    }
}
