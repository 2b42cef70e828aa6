using System;
using System.Threading;

namespace SshKeepAlive.Core.Platform
{
    /// <summary>
    /// Thread-pool threads set aside for work that blocks one for a long time (SSH.NET holds a pool thread for the whole
    /// life of each forwarded channel, and through each handshake): while a reservation lasts, the pool's minimum worker
    /// count is higher by its count, so the pool starts that many more threads at once instead of one per half second,
    /// and what else the pool carries (keepalive replies, the next hop of a chain) is not kept waiting. The maximum is
    /// raised by as much, so a capped pool still has room for them. Reservations add up on top of the minimum and maximum
    /// as anyone else last set them (never a minimum below the process's original); when the last is disposed, both are
    /// back where they were.
    /// </summary>
    internal static class PoolThreadReservation
    {
        private static readonly object Gate = new object();
        private static readonly int Original = OriginalMinimum();
        private static int reserved;

        // What the pool's minimum and maximum are without reservations, and what this class last set them to: a value
        // found different was set by someone else and becomes the new base.
        private static int minimumBase;
        private static int maximumBase;
        private static int minimumSet = -1;
        private static int maximumSet = -1;

        /// <summary>The pool's minimum worker count before any reservation.</summary>
        public static int OriginalWorkerMinimum => Original;

        /// <summary>Threads reserved by reservations not yet disposed.</summary>
        public static int Reserved
        {
            get
            {
                lock (Gate)
                {
                    return reserved;
                }
            }
        }

        /// <summary>Raises the pool's minimum (and maximum) worker count by <paramref name="count"/> until the result is disposed.</summary>
        public static IDisposable Reserve(int count)
        {
            if (count < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(count), count, "A reservation cannot be negative.");
            }

            Apply(count);
            return new Reservation(count);
        }

        private static void Apply(int change)
        {
            lock (Gate)
            {
                ThreadPool.GetMinThreads(out int workers, out int completions);
                ThreadPool.GetMaxThreads(out int maxWorkers, out int maxCompletions);
                minimumBase = workers == minimumSet ? minimumBase : Math.Max(Original, workers);
                maximumBase = maxWorkers == maximumSet ? maximumBase : maxWorkers;
                reserved += change;

                // The pool refuses a minimum above its maximum: raise the maximum first, lower it last.
                int minimum = minimumBase + reserved;
                int maximum = Math.Max(maximumBase + reserved, minimum);
                if (change > 0)
                {
                    ThreadPool.SetMaxThreads(maximum, maxCompletions);
                    ThreadPool.SetMinThreads(minimum, completions);
                }
                else
                {
                    ThreadPool.SetMinThreads(minimum, completions);
                    ThreadPool.SetMaxThreads(maximum, maxCompletions);
                }

                // Read back: the pool keeps its own ceiling on the maximum.
                ThreadPool.GetMinThreads(out minimumSet, out _);
                ThreadPool.GetMaxThreads(out maximumSet, out _);
            }
        }

        private static int OriginalMinimum()
        {
            ThreadPool.GetMinThreads(out int workers, out _);
            return workers;
        }

        private sealed class Reservation : IDisposable
        {
            private int count;

            public Reservation(int count) => this.count = count;

            public void Dispose()
            {
                int released = Interlocked.Exchange(ref count, 0);
                if (released > 0)
                {
                    Apply(-released);
                }
            }
        }
    }
}
