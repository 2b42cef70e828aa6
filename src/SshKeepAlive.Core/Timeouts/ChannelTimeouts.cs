using System;
using SshKeepAlive.Core.OpenSsh;

namespace SshKeepAlive.Core.Timeouts
{
    /// <summary>Reads sshd's ChannelTimeout value: whitespace-separated <c>type=interval</c> pairs, type patterns with wildcards.</summary>
    internal static class ChannelTimeouts
    {
        /// <summary>
        /// Idle seconds after which sshd closes an interactive session's channel: the first entry whose type pattern
        /// matches the session channel (sshd names it "session:shell"; the manual calls it "session"), or the
        /// "global" entry, whichever is sooner; null when none applies. An interval of 0 means no timeout.
        /// </summary>
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
                else if (session == null && (OpenSshPattern.Matches("session", type) || OpenSshPattern.Matches("session:shell", type)))
                {
                    session = seconds;
                }
            }

            return Soonest(session, global);
        }

        private static int? Soonest(int? a, int? b)
        {
            int? positiveA = a > 0 ? a : null;
            int? positiveB = b > 0 ? b : null;
            return positiveA == null ? positiveB : positiveB == null ? positiveA : Math.Min(positiveA.Value, positiveB.Value);
        }
    }
}
