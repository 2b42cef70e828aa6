using System;
using System.Collections.Generic;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>
    /// ServerAliveInterval/ServerAliveCountMax semantics: every tick, if CountMax keepalives in a row are
    /// unanswered the peer is dead; otherwise send one more. A reply clears the count (replies come in order,
    /// so it answers the oldest outstanding request, which gives the round-trip time). A dead path is thus
    /// declared within Interval × (CountMax + 1).
    /// </summary>
    internal sealed class KeepAliveMonitor
    {
        private readonly object gate = new object();
        private readonly Queue<DateTimeOffset> outstanding = new Queue<DateTimeOffset>();
        private readonly int countMax;
        private readonly Func<bool> send;
        private readonly Func<DateTimeOffset> clock;
        private bool sending;

        public KeepAliveMonitor(int countMax, Func<bool> send, Func<DateTimeOffset> clock)
        {
            if (countMax < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(countMax), countMax, "CountMax must be at least 1.");
            }

            this.countMax = countMax;
            this.send = send;
            this.clock = clock;
        }

        public DateTimeOffset? LastReplyAt { get; private set; }

        public TimeSpan? LastRoundTrip { get; private set; }

        /// <summary>Keepalives sent since the last reply.</summary>
        public int Unanswered
        {
            get
            {
                lock (gate)
                {
                    return outstanding.Count;
                }
            }
        }

        /// <summary>
        /// One interval has passed. Returns false when the peer must be declared dead. While an earlier keepalive is
        /// still being written (a send blocked behind a full socket), the interval counts but nothing more is sent, and
        /// this returns at once: the shared timer's thread is not held, and the dead peer is declared on time.
        /// </summary>
        public bool Tick()
        {
            lock (gate)
            {
                if (outstanding.Count >= countMax)
                {
                    return false;
                }

                outstanding.Enqueue(clock());
                if (sending)
                {
                    return true;
                }

                sending = true;
            }

            // Sent outside the lock: a reply may race in on SSH.NET's listener thread.
            try
            {
                return send();
            }
            finally
            {
                lock (gate)
                {
                    sending = false;
                }
            }
        }

        public void OnReply()
        {
            lock (gate)
            {
                DateTimeOffset now = clock();
                LastReplyAt = now;
                if (outstanding.Count > 0)
                {
                    LastRoundTrip = now - outstanding.Dequeue();
                }

                outstanding.Clear();
            }
        }
    }
}
