using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SshKeepAlive.Core.Sessions;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Sessions
{
    /// <summary>Sessions to a testbed server, and what the tests observe of them.</summary>
    internal static class TestbedSessions
    {
        /// <summary>
        /// Settings that reach the bed's first server (or <paramref name="server"/>) with its key, checking its host key
        /// against the bed's known_hosts, with nothing from the machine's own ~/.ssh or agent, and fast keepalives and
        /// reconnects.
        /// </summary>
        public static SshSessionSettings Settings(SshKeepAlive.Testing.Testbed bed, TestbedServer? server = null)
        {
            SshSessionSettings settings = TestbedSessionSettings.For(bed, server ?? bed.Server);
            settings.ConnectTimeout = TimeSpan.FromSeconds(5);
            settings.KeepAliveInterval = TimeSpan.FromSeconds(1);
            settings.KeepAliveCountMax = 2;
            settings.ReconnectPolicy = new ReconnectPolicy(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2), null, TimeSpan.FromMinutes(2));
            return settings;
        }

        public static string Run(PersistentSshSession session, string command)
        {
            using var deadline = new CancellationTokenSource(Wait.Bounded);
            CommandResult result = session.RunCommandAsync(command, Wait.Bounded, deadline.Token).GetAwaiter().GetResult();
            return result.Output;
        }

        public static PersistentSshSession Connect(SshSessionSettings settings, ConcurrentQueue<SessionEvent>? events = null)
        {
            PersistentSshSession session = settings.CreateSession();
            if (events != null)
            {
                session.StateChanged += (_, e) => events.Enqueue(e);
            }

            using var deadline = new CancellationTokenSource(Wait.Bounded);
            try
            {
                session.Connect(deadline.Token);
            }
            catch
            {
                session.Dispose();
                throw;
            }

            return session;
        }

        public static SessionEvent? First(ConcurrentQueue<SessionEvent> events, SessionEventKind kind, int skip = 0) =>
            events.Where(e => e.Kind == kind).Skip(skip).FirstOrDefault();

        /// <summary>This process's open sockets.</summary>
        public static int OpenSockets() =>
            new DirectoryInfo("/proc/self/fd").GetFileSystemInfos().Count(fd => (fd.LinkTarget ?? string.Empty).StartsWith("socket:", StringComparison.Ordinal));

        /// <summary>
        /// The number of open sockets once it has stayed the same for a second (at most 10 s): a connection just
        /// disposed may close its socket a moment later.
        /// </summary>
        public static int SettledSockets()
        {
            int count = OpenSockets();
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                Thread.Sleep(TimeSpan.FromSeconds(1));
                int now = OpenSockets();
                if (now == count)
                {
                    break;
                }

                count = now;
            }

            return count;
        }

        public static int Threads() => Process.GetCurrentProcess().Threads.Count;

        // Runs with the pool capped so that exactly two of its threads are free (this test's own thread and the test
        // runner's hold some already): threads beyond the two, up to the lowest maximum the pool accepts, are held busy.
        public static T WithTwoFreePoolThreads<T>(Func<T> action)
        {
            ThreadPool.GetMaxThreads(out int maxWorkers, out int maxIo);
            // Threads that stay busy (this test's, the runner's), not those about to finish some short work item.
            int busy = int.MaxValue;
            for (int sample = 0; sample < 20; sample++)
            {
                ThreadPool.GetAvailableThreads(out int available, out _);
                busy = Math.Min(busy, maxWorkers - available);
                Thread.Sleep(50);
            }

            // The pool accepts no maximum below the core count or below its minimum (which a fleet run may have raised).
            ThreadPool.GetMinThreads(out int minWorkers, out _);
            int cap = Math.Max(Math.Max(Environment.ProcessorCount, minWorkers), busy + 2);
            var release = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            int held = 0;
            for (int i = busy + 2; i < cap; i++)
            {
                ThreadPool.QueueUserWorkItem(_ =>
                {
                    Interlocked.Increment(ref held);
                    release.Task.Wait();
                });
            }

            SpinWait.SpinUntil(() => Volatile.Read(ref held) >= cap - busy - 2);
            Assert.True(ThreadPool.SetMaxThreads(cap, maxIo), $"the thread pool refused a maximum of {cap} threads");
            // Watched from a thread of its own: a stalled pool cannot run even the timeouts that would end the action.
            T result = default!;
            Exception? failure = null;
            var worker = new Thread(() =>
            {
                try
                {
                    result = action();
                }
                catch (Exception ex)
                {
                    failure = ex;
                }
            });
            worker.Start();
            bool finished = worker.Join(Wait.Bounded);
            release.SetResult(true);
            ThreadPool.SetMaxThreads(maxWorkers, maxIo);
            Assert.True(finished, "no progress with two free thread-pool threads");
            worker.Join();
            return failure == null ? result : throw new InvalidOperationException("failed with two free thread-pool threads", failure);
        }
    }
}
