using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.Tests.Sessions;
using Xunit;

namespace SshKeepAlive.Core.Tests.Platform
{
    /// <summary>
    /// Thread-pool threads reserved for blocking work and given back. These run alone (sessions of other tests reserve
    /// threads for their channels), and each also checks what holds whatever else runs: while a reservation of n is
    /// open the minimum is at least the original plus n, and never below the original.
    /// </summary>
    [Collection(ProcessWideCounts.Name)]
    public sealed class PoolThreadReservationTests
    {
        [Fact]
        public void Reserve_RaisesTheMinimumAndMaximumByItsCount_AndDisposeLowersThemAgain()
        {
            (int minimum, int maximum) before = Workers();

            IDisposable reservation = PoolThreadReservation.Reserve(3);
            (int minimum, int maximum) during = Workers();
            reservation.Dispose();

            Assert.Equal((before.minimum + 3, Math.Min(before.maximum + 3, MaximumPossible)), during);
            Assert.True(during.minimum >= PoolThreadReservation.OriginalWorkerMinimum + 3);
            Assert.Equal(before, Workers());
        }

        [Fact]
        public void Reservations_AddUp_AndAreGivenBackInAnyOrder()
        {
            int before = Workers().minimum;
            int reservedBefore = PoolThreadReservation.Reserved;

            IDisposable two = PoolThreadReservation.Reserve(2);
            IDisposable five = PoolThreadReservation.Reserve(5);
            int both = Workers().minimum;
            two.Dispose();
            int fiveAlone = Workers().minimum;
            five.Dispose();

            Assert.Equal(before + 7, both);
            Assert.Equal(before + 5, fiveAlone);
            Assert.Equal(before, Workers().minimum);
            Assert.Equal(reservedBefore, PoolThreadReservation.Reserved);
        }

        [Fact]
        public void Dispose_Twice_GivesTheThreadsBackOnce()
        {
            using IDisposable other = PoolThreadReservation.Reserve(1);
            int before = Workers().minimum;

            IDisposable reservation = PoolThreadReservation.Reserve(2);
            reservation.Dispose();
            reservation.Dispose();

            Assert.Equal(before, Workers().minimum);
        }

        [Fact]
        public void Dispose_AfterSomeoneElseLoweredTheMinimum_NeverGoesBelowTheOriginal()
        {
            ThreadPool.GetMinThreads(out _, out int completions);
            IDisposable reservation = PoolThreadReservation.Reserve(4);
            ThreadPool.SetMinThreads(PoolThreadReservation.OriginalWorkerMinimum - 1, completions);

            reservation.Dispose();

            Assert.Equal(PoolThreadReservation.OriginalWorkerMinimum + PoolThreadReservation.Reserved, Workers().minimum);
        }

        [Fact]
        public void Dispose_KeepsAMaximumSomeoneElseSetMeanwhile()
        {
            (int minimum, int maximum) before = Workers();
            ThreadPool.GetMaxThreads(out _, out int completions);
            int capped = Math.Max(before.minimum, Environment.ProcessorCount) + 10;
            Assert.True(ThreadPool.SetMaxThreads(capped, completions));
            try
            {
                IDisposable reservation = PoolThreadReservation.Reserve(2);
                int raised = Workers().maximum;
                ThreadPool.SetMaxThreads(capped + 20, completions);
                reservation.Dispose();

                Assert.Equal(capped + PoolThreadReservation.Reserved + 2, raised);
                Assert.Equal((before.minimum, capped + 20 + PoolThreadReservation.Reserved), Workers());
            }
            finally
            {
                ThreadPool.SetMaxThreads(before.maximum, completions);
            }
        }

        [Fact]
        public void ConcurrentReservations_LeaveTheMinimumWhereItWas_AndNeverBelowWhatIsOpen()
        {
            int before = Workers().minimum;
            int reservedBefore = PoolThreadReservation.Reserved;
            int violations = 0;

            Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            {
                int count = 1 + (i % 4);
                using (PoolThreadReservation.Reserve(count))
                {
                    if (Workers().minimum < PoolThreadReservation.OriginalWorkerMinimum + count)
                    {
                        Interlocked.Increment(ref violations);
                    }
                }
            });

            Assert.Equal(0, violations);
            Assert.Equal(before, Workers().minimum);
            Assert.Equal(reservedBefore, PoolThreadReservation.Reserved);
        }

        // What the pool accepts as a maximum at most (a reservation on a pool at its ceiling cannot raise it).
        private static int MaximumPossible => short.MaxValue;

        private static (int minimum, int maximum) Workers()
        {
            ThreadPool.GetMinThreads(out int minimum, out _);
            ThreadPool.GetMaxThreads(out int maximum, out _);
            return (minimum, maximum);
        }
    }
}
