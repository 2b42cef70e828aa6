using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using SshKeepAlive.Core.Fleet;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Fleet
{
    /// <summary>The fleet engine: how many hosts run at once, what the caller's thread sees, and what Ctrl-C leaves.</summary>
    public sealed class FleetRunTests
    {
        private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

        // The runs AHostJustTakenByAWorker reads the progress of from another thread.
        private static readonly ConcurrentQueue<FleetRun<string>> Runs = new ConcurrentQueue<FleetRun<string>>();

        [Fact]
        public void Hosts_RunNoMoreThanTheThrottleLimitAtOnce_AndEachGivesOneResult()
        {
            int running = 0;
            int most = 0;
            using var run = new FleetRun<string>(3, host =>
            {
                int now = Interlocked.Increment(ref running);
                InterlockedMax(ref most, now);
                Thread.Sleep(50);
                Interlocked.Decrement(ref running);
                return host.ComputerName;
            }, _ => false, CancellationToken.None);

            for (int i = 0; i < 12; i++)
            {
                run.Add("host" + i, null);
            }

            run.CompleteAdding();
            List<FleetEvent<string>> events = Drain(run, answer: true);

            Assert.Equal(3, most);
            Assert.Equal(Enumerable.Range(0, 12).Select(i => "host" + i).OrderBy(n => n), events.Where(e => e.HasResult).Select(e => e.Result).OrderBy(n => n));
            Assert.Equal(12, run.Progress.Done);
        }

        [Fact]
        public void Cancelled_HostsNotStartedNeverRun_AndTheRunningOneFinishesItsWork()
        {
            using var stop = new CancellationTokenSource();
            using var started = new ManualResetEventSlim();
            var ran = new ConcurrentBag<string>();
            using var run = new FleetRun<string>(1, host =>
            {
                ran.Add(host.ComputerName);
                started.Set();

                // A host past its point of no return finishes whatever the token says.
                SpinWait.SpinUntil(() => host.CancellationToken.IsCancellationRequested, Limit);
                return host.ComputerName + " done";
            }, _ => false, stop.Token);
            foreach (string name in new[] { "a", "b", "c" })
            {
                run.Add(name, null);
            }

            Assert.True(started.Wait(Limit));
            stop.Cancel();
            Assert.True(run.WaitForRunning(Limit));

            Assert.Equal(new[] { "a" }, ran);
            Assert.Equal(1, run.Progress.Done);
            Assert.True(run.IsFinished);
        }

        [Fact]
        public void Questions_WaitForTheCallersThread_AndGetItsAnswer()
        {
            int workThread = 0;
            using var run = new FleetRun<bool>(2, host =>
            {
                workThread = Environment.CurrentManagedThreadId;
                return host.ShouldProcess(host.ComputerName, "Set keepalive", "+ClientAliveInterval 60");
            }, _ => false, CancellationToken.None);
            run.Add("yes", null);
            run.Add("no", null);
            run.CompleteAdding();

            var asked = new List<string>();
            var results = new Dictionary<string, bool>();
            while (!run.IsFinished)
            {
                FleetEvent<bool>? next = run.Next(TimeSpan.FromMilliseconds(100));
                if (next?.Question != null)
                {
                    asked.Add(next.Question.Target + ": " + next.Question.Description);
                    next.Question.Answer(next.ComputerName == "yes");
                }
                else if (next?.HasResult == true)
                {
                    results[next.ComputerName] = next.Result;
                }
            }

            Assert.NotEqual(Environment.CurrentManagedThreadId, workThread);
            Assert.Equal(new[] { "no: +ClientAliveInterval 60", "yes: +ClientAliveInterval 60" }, asked.OrderBy(a => a));
            Assert.True(results["yes"]);
            Assert.False(results["no"]);
        }

        [Fact]
        public void Questions_PendingWhenCancelled_AreAnsweredNo()
        {
            using var stop = new CancellationTokenSource();
            bool? answer = null;
            using var run = new FleetRun<bool>(1, host => (bool)(answer = host.ShouldProcess("h", "Set", "diff")), _ => false, stop.Token);
            run.Add("h", null);
            FleetEvent<bool>? question = null;
            Assert.True(SpinWait.SpinUntil(() => (question = run.Next(TimeSpan.FromMilliseconds(50))) != null, Limit));
            Assert.NotNull(question!.Question);

            stop.Cancel();
            Assert.True(run.WaitForRunning(Limit));

            Assert.False(answer);
        }

        [Fact]
        public void AWorkThatThrows_IsThatHostsCrash_CountsAsFailed_AndTheOthersGoOn()
        {
            using var run = new FleetRun<string>(2, host => host.ComputerName == "bad" ? throw new InvalidOperationException("boom") : host.ComputerName, r => false, CancellationToken.None);
            run.Add("good", null);
            run.Add("bad", null);
            run.Add("fine", null);
            run.CompleteAdding();

            List<FleetEvent<string>> events = Drain(run, answer: true);

            Assert.Equal("boom", Assert.Single(events, e => e.Crash != null).Crash!.Message);
            Assert.Equal(new[] { "fine", "good" }, events.Where(e => e.HasResult).Select(e => e.Result).OrderBy(n => n));
            Assert.Equal(1, run.Progress.Failed);
        }

        [Fact]
        public void Progress_CountsHostsAddedDoneAndFailed_AndNamesThoseRunning()
        {
            using var release = new ManualResetEventSlim();
            using var run = new FleetRun<bool>(2, host =>
            {
                release.Wait(Limit);
                return host.ComputerName == "db01";
            }, failed => failed, CancellationToken.None);
            run.Add("web01", null);
            run.Add("db01", null);
            run.Add("web02", null);

            Assert.True(SpinWait.SpinUntil(() => run.Progress.Running.Count == 2, Limit));
            FleetProgress during = run.Progress;
            release.Set();
            run.CompleteAdding();
            Drain(run, answer: true);

            Assert.Equal(new[] { "db01", "web01" }, during.Running.OrderBy(n => n));
            Assert.Equal(3, during.Total);
            Assert.Equal(0, during.Done);
            Assert.Equal((3, 1, 100), (run.Progress.Done, run.Progress.Failed, run.Progress.Percent));
        }

        [Fact]
        public void AHostJustTakenByAWorker_KeepsTheRunUnfinished_UntilItsResultIsRead()
        {
            // Another thread reading the progress makes the worker wait for the run's lock right after taking a host,
            // which is when a run that counted only queued and running hosts looked finished with its result unread.
            using var stop = new CancellationTokenSource();
            var reader = new Thread(() =>
            {
                while (!stop.IsCancellationRequested)
                {
                    foreach (FleetRun<string> current in Runs)
                    {
                        _ = current.Progress;
                    }
                }
            }) { IsBackground = true };
            reader.Start();
            try
            {
                for (int i = 0; i < 300; i++)
                {
                    using var run = new FleetRun<string>(1, host => host.ComputerName, _ => false, CancellationToken.None);
                    Runs.Enqueue(run);
                    run.Add("host" + i, null);
                    run.CompleteAdding();
                    List<FleetEvent<string>> events = Drain(run, answer: true);
                    Runs.TryDequeue(out _);

                    Assert.Equal(new[] { "host" + i }, events.Where(e => e.HasResult).Select(e => e.Result));
                }
            }
            finally
            {
                stop.Cancel();
                reader.Join();
            }
        }

        private static List<FleetEvent<T>> Drain<T>(FleetRun<T> run, bool answer)
        {
            var events = new List<FleetEvent<T>>();
            var deadline = DateTime.UtcNow + Limit;
            while (!run.IsFinished && DateTime.UtcNow < deadline)
            {
                FleetEvent<T>? next = run.Next(TimeSpan.FromMilliseconds(100));
                if (next != null)
                {
                    next.Question?.Answer(answer);
                    events.Add(next);
                }
            }

            Assert.True(run.IsFinished, "the run did not finish");
            return events;
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
            {
            }
        }
    }

    /// <summary>What a fleet run does to the process's thread pool (alone: other tests' sessions reserve pool threads too).</summary>
    [Collection(SshKeepAlive.Core.Tests.Sessions.ProcessWideCounts.Name)]
    public sealed class FleetRunThreadPoolTests
    {
        // A run used to raise the pool's minimum for its hosts' blocking handshakes and leave it raised for good.
        [Fact]
        public void Run_KeepsTwoPoolThreadsReadyPerRunningHost_AndLeavesThePoolMinimumAsItWasWhenDone()
        {
            ThreadPool.GetMinThreads(out int before, out _);
            const int hosts = 8;
            // Every host reads the minimum while all are running: none has finished (and given its threads back) yet.
            using var together = new Barrier(hosts);
            var seen = new ConcurrentBag<int>();
            using (var run = new FleetRun<string>(hosts, host =>
            {
                together.SignalAndWait(TimeSpan.FromSeconds(30));
                ThreadPool.GetMinThreads(out int during, out _);
                seen.Add(during);
                together.SignalAndWait(TimeSpan.FromSeconds(30));
                return host.ComputerName;
            }, _ => false, CancellationToken.None))
            {
                for (int i = 0; i < hosts; i++)
                {
                    run.Add("host" + i, null);
                }

                run.CompleteAdding();
                Assert.True(run.WaitForRunning(TimeSpan.FromSeconds(30)), "the run did not finish");
            }

            Assert.Equal(hosts, seen.Count);
            Assert.All(seen, during => Assert.True(during >= before + (2 * hosts), $"minimum {during} while {hosts} hosts ran, {before} before"));
            Assert.True(Wait.Until(() => Minimum() == before, TimeSpan.FromSeconds(30)), $"minimum {Minimum()} after the run, {before} before");
        }

        private static int Minimum()
        {
            ThreadPool.GetMinThreads(out int workers, out _);
            return workers;
        }
    }
}
