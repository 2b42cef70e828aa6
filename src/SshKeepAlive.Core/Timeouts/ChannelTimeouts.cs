using System;
using System.Collections.Generic;
using SshKeepAlive.Core.OpenSsh;

namespace SshKeepAlive.Core.Timeouts
{
    /// <summary>Reads sshd's ChannelTimeout value: whitespace-separated <c>type=interval</c> pairs, type patterns with wildcards.</summary>
    internal static class ChannelTimeouts
    {
        /// <summary>The channel type sshd gives an interactive shell.</summary>
        private const string InteractiveSessionType = "session:shell";

        /// <summary>
        /// Idle seconds after which sshd closes an interactive session's channel: the first entry whose type pattern
        /// matches the channel's type, or the "global" entry, whichever is sooner; null when none applies. An
        /// interval of 0 means no timeout.
        /// </summary>
        /// <remarks>
        /// sshd labels a shell's channel "session:shell" (a command's "session:command") and looks its timeout up
        /// by that label (channels.c, channel_set_xtype), so a plain "session=5m", which the manual shows, never
        /// matches it: "session:*" or "session:shell" does.
        /// </remarks>
        public static int? ForSession(string value)
        {
            int? session = null;
            int? global = null;
            foreach (string entry in value.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries))
            {
                int equals = entry.IndexOf('=');
                if (equals <= 0 || !OpenSshValues.TryParseTime(entry.Substring(equals + 1), out int seconds))
                {
                    continue;
                }

                string type = entry.Substring(0, equals);
                if (type == "global")
                {
                    global = global ?? seconds;
                }
                else if (session == null && OpenSshPattern.Matches(InteractiveSessionType, type))
                {
                    session = seconds;
                }
            }

            return Soonest(session, global);
        }

        /// <summary>The types of the entries that bound an interactive session (its session pattern and global), with a positive time.</summary>
        public static IReadOnlyList<string> SessionTypes(string value)
        {
            var types = new List<string>();
            foreach (string entry in value.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries))
            {
                int equals = entry.IndexOf('=');
                string type = equals > 0 ? entry.Substring(0, equals) : string.Empty;
                if (equals > 0 && OpenSshValues.TryParseTime(entry.Substring(equals + 1), out int seconds) && seconds > 0
                    && (type == "global" || OpenSshPattern.Matches(InteractiveSessionType, type)))
                {
                    types.Add(type);
                }
            }

            return types;
        }

        private static int? Soonest(int? a, int? b)
        {
            int? positiveA = a > 0 ? a : null;
            int? positiveB = b > 0 ? b : null;
            return positiveA == null ? positiveB : positiveB == null ? positiveA : Math.Min(positiveA.Value, positiveB.Value);
        }
    }
}
