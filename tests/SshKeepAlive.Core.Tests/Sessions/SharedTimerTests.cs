using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SshKeepAlive.Core.Sessions;
using Xunit;

namespace SshKeepAlive.Core.Tests.Sessions
{
    /// <summary>The process-wide timer every session's keepalives share.</summary>
    public sealed class SharedTimerTests
    {
        // Async tests: a test blocking a thread-pool thread would starve the pool the callbacks run on. Rates are not
        // asserted: on a loaded machine callbacks run late and skip turns, by design.
        [Fact]
        public async Task ManyCallbacks_EachRunsRepeatedly_AndNoneAfterItIsDisposed()
        {
            var counts = new ConcurrentDictionary<int, int>();
            var timers = Enumerable.Range(0, 200)
                .Select(i => SharedTimer.Start(TimeSpan.FromMilliseconds(i % 2 == 0 ? 50 : 100), () => counts.AddOrUpdate(i, 1, (_, c) => c + 1)))
                .ToList();
            var deadline = Stopwatch.StartNew();
            while ((counts.Count < 200 || counts.Values.Min() < 5) && deadline.Elapsed < Testing.Wait.Bounded)
            {
                await Task.Delay(50);
            }

            timers.ForEach(t => t.Dispose());
            await Task.Delay(300);
            var after = counts.ToDictionary(p => p.Key, p => p.Value);
            await Task.Delay(500);

            Assert.Equal(200, after.Count);
            Assert.True(after.Values.Min() >= 5, $"a callback ran only {after.Values.Min()} times in {deadline.Elapsed.TotalSeconds:0.#} s");
            Assert.Equal(after, counts.ToDictionary(p => p.Key, p => p.Value));
        }

        [Fact]
        public async Task ACallbackThatBlocks_DelaysNoOther()
        {
            using var release = new ManualResetEventSlim();
            int ticks = 0;
            int blocked = 0;
            using IDisposable blocking = SharedTimer.Start(TimeSpan.FromMilliseconds(20), () =>
            {
                // As the keepalive monitor does: a turn that finds its previous run still going returns at once.
                if (Interlocked.Increment(ref blocked) == 1)
                {
                    release.Wait(TimeSpan.FromSeconds(10));
                }
            });
            using IDisposable counting = SharedTimer.Start(TimeSpan.FromMilliseconds(20), () => Interlocked.Increment(ref ticks));

            var deadline = Stopwatch.StartNew();
            while (Volatile.Read(ref ticks) < 10 && deadline.Elapsed < Testing.Wait.Bounded)
            {
                await Task.Delay(50);
            }

            release.Set();

            Assert.True(Volatile.Read(ref ticks) >= 10, $"only {ticks} ticks while another callback blocked");
            Assert.True(Volatile.Read(ref blocked) > 1, "the blocked callback lost its turns");
        }
    }
}
