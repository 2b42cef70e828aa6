using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>
    /// One timer for every periodic callback of the process (each session's keepalives, each jump host's): the
    /// callbacks wait in one queue ordered by when they are due, and one scheduler thread sleeps until the earliest
    /// and runs it. A hundred sessions cost one thread, and a keepalive costs what ssh's does, one wake-up: the thread
    /// pool's workers spin before they sleep, which for twenty small callbacks a second costs ten times the
    /// keepalives themselves.
    /// </summary>
    /// <remarks>
    /// Callbacks must be short. One that blocks (a keepalive stuck behind a full socket) is left to its thread: past
    /// <see cref="StallLimit"/> a new scheduler thread takes over the queue, so no other callback waits for it; the
    /// stuck thread ends once its callback returns. A callback keeps its turns while a run of it is stuck, so it must
    /// return at once when it finds its previous run still going (the keepalive monitor counts the turn and sends
    /// nothing, so a dead peer is still declared dead on time).
    /// </remarks>
    internal static class SharedTimer
    {
        /// <summary>How long one callback may hold the scheduler before another thread takes over (checked this often).</summary>
        internal static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(1);

        private static readonly object Gate = new object();
        private static readonly Stopwatch Clock = Stopwatch.StartNew();
        private static readonly SortedSet<(long Due, long Id)> Queue = new SortedSet<(long, long)>();
        private static readonly Dictionary<long, Entry> Entries = new Dictionary<long, Entry>();
        private static Scheduler? scheduler;
        private static Timer? watchdog;
        private static long lastId;

        /// <summary>The callbacks waiting now.</summary>
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
                scheduler ??= new Scheduler();
                if (Entries.Count == 1)
                {
                    watchdog ??= new Timer(_ => Watch(), null, Timeout.Infinite, Timeout.Infinite);
                    watchdog.Change(StallLimit, StallLimit);
                }

                Monitor.PulseAll(Gate);
                return entry;
            }
        }

        private static long Now() => Clock.Elapsed.Ticks;

        // Caller holds the gate.
        private static void Schedule(Entry entry, long due)
        {
            entry.Due = due;
            Queue.Add((due, entry.Id));
        }

        // Twice a stall limit or so: a scheduler stuck in one callback is replaced, so the others stay on time.
        private static void Watch()
        {
            lock (Gate)
            {
                if (scheduler != null && scheduler.StuckFor(Now()) > StallLimit.Ticks)
                {
                    scheduler.Abandoned = true;
                    scheduler = new Scheduler();
                    Monitor.PulseAll(Gate);
                }
            }
        }

        private sealed class Scheduler
        {
            private long runningSince = -1;

            public Scheduler()
            {
                var thread = new Thread(Run) { IsBackground = true, Name = "SshKeepAlive timer" };
                thread.Start();
            }

            /// <summary>Set under the gate when another scheduler took over: this one ends after its callback.</summary>
            public bool Abandoned { get; set; }

            /// <summary>How long the callback in progress has run (0 when none).</summary>
            public long StuckFor(long now)
            {
                long since = Interlocked.Read(ref runningSince);
                return since < 0 ? 0 : now - since;
            }

            private void Run()
            {
                while (true)
                {
                    Entry? due;
                    lock (Gate)
                    {
                        while (true)
                        {
                            if (Abandoned)
                            {
                                return;
                            }

                            long now = Now();
                            if (Queue.Count > 0 && Queue.Min.Due <= now)
                            {
                                (long at, long id) = Queue.Min;
                                Queue.Remove(Queue.Min);
                                due = Entries[id];
                                // The next turn one period after this one was due, or after now when the process fell behind.
                                Schedule(due, Math.Max(at + due.Period, now + 1));
                                break;
                            }

                            // Rounded up: a wait that ends short of the due time costs another wake-up, some 50 us of CPU
                            // each on this machine (rounded down, 1.66 wake-ups per callback were counted, not 1).
                            long wait = Queue.Count == 0 ? Timeout.Infinite : (Queue.Min.Due - now + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
                            Monitor.Wait(Gate, (int)Math.Min(wait, int.MaxValue));
                        }
                    }

                    Interlocked.Exchange(ref runningSince, Now());
                    try
                    {
                        due.Tick();
                    }
                    catch (Exception)
                    {
                        // A callback's failure is its own (GuardedTimer reports it); the scheduler serves the others.
                    }
                    finally
                    {
                        Interlocked.Exchange(ref runningSince, -1);
                    }
                }
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

            public void Dispose()
            {
                lock (Gate)
                {
                    if (Entries.Remove(Id))
                    {
                        Queue.Remove((Due, Id));
                    }

                    // With nothing left to run, the scheduler sleeps and the watchdog stops.
                    if (Entries.Count == 0)
                    {
                        watchdog?.Change(Timeout.Infinite, Timeout.Infinite);
                    }
                }
            }
        }
    }
}
