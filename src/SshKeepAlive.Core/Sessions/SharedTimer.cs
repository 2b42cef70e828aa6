using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>
    /// One timer for every periodic callback of the process (each session's keepalives, each jump host's): the
    /// callbacks wait in one queue ordered by when they are due, and a single <see cref="Timer"/> is armed for the
    /// earliest. A hundred sessions cost one timer, and a due callback runs on the thread pool, so a slow one (a
    /// keepalive blocked on a full socket) delays no other; a callback still running when it is due again skips that
    /// turn rather than taking a second thread.
    /// </summary>
    internal static class SharedTimer
    {
        private static readonly object Gate = new object();
        private static readonly Stopwatch Clock = Stopwatch.StartNew();
        private static readonly SortedSet<(long Due, long Id)> Queue = new SortedSet<(long, long)>();
        private static readonly Dictionary<long, Entry> Entries = new Dictionary<long, Entry>();
        private static readonly Timer Timer = new Timer(_ => Fire(), null, Timeout.Infinite, Timeout.Infinite);
        private static long lastId;
        private static long armedFor = long.MaxValue;

        /// <summary>The callbacks waiting now (for tests and the idle-cost benchmark).</summary>
        public static int Count
        {
            get
            {
                lock (Gate)
                {
                    return Entries.Count;
                }
            }
        }

        /// <summary>Calls <paramref name="tick"/> every <paramref name="period"/>, the first time one period from now, until disposed.</summary>
        public static IDisposable Start(TimeSpan period, Action tick)
        {
            if (period <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(period), period, "The period must be positive.");
            }

            lock (Gate)
            {
                var entry = new Entry(++lastId, period.Ticks, tick);
                Entries[entry.Id] = entry;
                Schedule(entry, Now() + entry.Period);
                return entry;
            }
        }

        private static long Now() => Clock.Elapsed.Ticks;

        // Caller holds the gate.
        private static void Schedule(Entry entry, long due)
        {
            entry.Due = due;
            Queue.Add((due, entry.Id));
            Arm();
        }

        // Caller holds the gate: the timer goes off when the earliest callback is due (to the millisecond, the
        // timer's own resolution, so a batch of callbacks due together re-arms it once).
        private static void Arm()
        {
            long next = Queue.Count == 0 ? long.MaxValue : Queue.Min.Due / TimeSpan.TicksPerMillisecond * TimeSpan.TicksPerMillisecond;
            if (next == armedFor)
            {
                return;
            }

            armedFor = next;
            long wait = next == long.MaxValue ? Timeout.Infinite : Math.Max(0, (next - Now()) / TimeSpan.TicksPerMillisecond);
            Timer.Change(Math.Min(wait, int.MaxValue - 1), Timeout.Infinite);
        }

        private static void Fire()
        {
            var due = new List<Entry>();
            lock (Gate)
            {
                armedFor = long.MaxValue;
                long now = Now();
                while (Queue.Count > 0 && Queue.Min.Due <= now + TimeSpan.TicksPerMillisecond)
                {
                    (long at, long id) = Queue.Min;
                    Queue.Remove(Queue.Min);
                    Entry entry = Entries[id];
                    if (Interlocked.CompareExchange(ref entry.Running, 1, 0) == 0)
                    {
                        due.Add(entry);
                    }

                    // The next tick one period after this one was due, or after now when the process fell behind.
                    Schedule(entry, Math.Max(at + entry.Period, now + 1));
                }

                Arm();
            }

            foreach (Entry entry in due)
            {
                ThreadPool.UnsafeQueueUserWorkItem(state => ((Entry)state!).Run(), entry);
            }
        }

        private sealed class Entry : IDisposable
        {
            public Entry(long id, long period, Action tick)
            {
                Id = id;
                Period = period;
                Tick = tick;
            }

            public long Id { get; }

            public long Period { get; }

            public Action Tick { get; }

            public long Due { get; set; }

            /// <summary>1 while the callback runs (then a turn that falls due is skipped).</summary>
            public int Running;

            public void Run()
            {
                try
                {
                    Tick();
                }
                finally
                {
                    Volatile.Write(ref Running, 0);
                }
            }

            public void Dispose()
            {
                lock (Gate)
                {
                    if (Entries.Remove(Id))
                    {
                        Queue.Remove((Due, Id));
                        Arm();
                    }
                }
            }
        }
    }
}
