using System;
using System.Threading;

namespace SshKeepAlive.Core.Platform
{
    /// <summary>
    /// Thread-pool threads set aside for work that blocks one for a long time (SSH.NET holds a pool thread for the whole
    /// life of each forwarded channel, and through each handshake): while a reservation lasts, the pool's minimum worker
    /// count is higher by its count, so the pool starts that many more threads at once instead of one per half second,
    /// and what else the pool carries (keepalive replies, the next hop of a chain) is not kept waiting. The maximum is
    /// raised by as much, so a capped pool still has room for them. Reservations add up; disposing one lowers both by its
    /// count again, the minimum never below what the process started with, the maximum only while nobody else has set it
    /// since.
    /// </summary>
    internal static class PoolThreadReservation
    {
        private static readonly object Gate = new object();
        private static readonly int Original = OriginalMinimum();
        private static int reserved;

        // Threads added to the maximum by reservations still open, and the maximum they last set: one set by anyone else
        // since is theirs, and is left alone.
        private static int maximumRaised;
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

            lock (Gate)
            {
                ThreadPool.GetMinThreads(out int workers, out int completions);
                ThreadPool.GetMaxThreads(out int maxWorkers, out int maxCompletions);
                if (maxWorkers != maximumSet)
                {
                    maximumRaised = 0;
                }

                // The maximum first: the pool refuses a minimum above it (and keeps its own ceiling on the maximum).
                ThreadPool.SetMaxThreads(maxWorkers + count, maxCompletions);
                ThreadPool.GetMaxThreads(out maximumSet, out _);
                maximumRaised += maximumSet - maxWorkers;
                ThreadPool.SetMinThreads(workers + count, completions);
                reserved += count;
            }

            return new Reservation(count);
        }

        private static void Release(int count)
        {
            lock (Gate)
            {
                reserved -= count;
                ThreadPool.GetMinThreads(out int workers, out int completions);
                int minimum = Math.Max(Original, workers - count);
                ThreadPool.SetMinThreads(minimum, completions);

                ThreadPool.GetMaxThreads(out int maxWorkers, out int maxCompletions);
                if (maxWorkers != maximumSet)
                {
                    maximumRaised = 0;
                    return;
                }

                int lowered = Math.Max(Math.Max(minimum, Environment.ProcessorCount), maxWorkers - Math.Min(count, maximumRaised));
                if (ThreadPool.SetMaxThreads(lowered, maxCompletions))
                {
                    maximumRaised -= maxWorkers - lowered;
                    maximumSet = lowered;
                }
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
                    Release(released);
                }
            }
        }
    }
}
