using System;
using SshKeepAlive.Core.Sessions;

namespace SshKeepAlive.Core.Terminal
{
    /// <summary>
    /// The status line of an outage in an interactive shell: how long the connection has been gone, which
    /// reconnect attempt is next and when, and how to give up. Fed the session's Reconnecting events.
    /// </summary>
    public sealed class OutageStatus
    {
        /// <summary>What the status line promises: both end the wait at once.</summary>
        public const string GiveUpKeys = "Ctrl-C or ~. to give up";

        private readonly object gate = new object();
        private readonly string target;
        private readonly DateTimeOffset lostAt;
        private SessionEvent? planned;

        public OutageStatus(string target, DateTimeOffset lostAt)
        {
            this.target = target;
            this.lostAt = lostAt;
        }

        /// <summary>Takes note of a reconnect attempt the session plans (a Reconnecting event with a delay).</summary>
        public void Note(SessionEvent sessionEvent)
        {
            if (sessionEvent.Kind == SessionEventKind.Reconnecting && sessionEvent.Delay != null)
            {
                lock (gate)
                {
                    planned = sessionEvent;
                }
            }
        }

        /// <summary>The line at <paramref name="now"/>, e.g. "Connection to web01 lost 12 s ago; attempt 3 in 4 s (Ctrl-C or ~. to give up)".</summary>
        public string Render(DateTimeOffset now)
        {
            SessionEvent? next;
            lock (gate)
            {
                next = planned;
            }

            string attempt = "reconnecting";
            if (next != null)
            {
                TimeSpan untilTry = next.Time + next.Delay!.Value - now;
                attempt = untilTry > TimeSpan.Zero
                    ? $"attempt {next.Attempt} in {Math.Ceiling(untilTry.TotalSeconds):0} s"
                    : $"attempt {next.Attempt} under way";
            }

            double lost = Math.Max(0, (now - lostAt).TotalSeconds);
            return $"Connection to {target} lost {Math.Floor(lost):0} s ago; {attempt} ({GiveUpKeys})";
        }
    }
}
