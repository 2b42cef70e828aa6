using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SshKeepAlive.Core.Platform;

namespace SshKeepAlive.Core.Fleet
{
    /// <summary>
    /// Runs one piece of work per host on up to a throttle limit of threads, hosts taken in the order they are added
    /// (the caller's pipeline may add them while earlier ones run). Everything the caller must see — a host's result, a
    /// message, a question whose answer the work waits for (ShouldProcess) — comes out of <see cref="Next"/>, which the
    /// caller calls on its own thread (PowerShell's pipeline thread: only it may write). When cancelled, no host starts
    /// any more; those running finish as their work decides (an edit already written completes and is checked), so
    /// each host is left untouched or done. Work runs on threads of its own, not the thread pool: SSH.NET blocks through
    /// handshakes, and a pool starved by sixteen of them would be slow to grow.
    /// </summary>
    /// <typeparam name="TResult">What the work gives for one host.</typeparam>
    public sealed class FleetRun<TResult> : IDisposable
    {
        private readonly int throttleLimit;
        private readonly Func<FleetHost, TResult> work;
        private readonly Func<TResult, bool> failed;
        private readonly CancellationToken cancellationToken;
        // Hosts not started yet; taken and counted as running in one step under the gate, so no moment shows a host
        // neither queued nor running (the run would look finished with its result still to come).
        private readonly Queue<FleetHost> queue = new Queue<FleetHost>();
        private readonly BlockingCollection<FleetEvent<TResult>> events = new BlockingCollection<FleetEvent<TResult>>();
        private readonly List<Thread> workers = new List<Thread>();
        private readonly List<string> running = new List<string>();
        private readonly object gate = new object();
        private int added;
        private int done;
        private int failures;
        private int busy;
        private bool addingCompleted;

        /// <param name="throttleLimit">How many hosts run at once.</param>
        /// <param name="work">What to do for one host; it should report its own failures in its result (an exception escaping it is reported as the host's failure too).</param>
        /// <param name="failed">Whether a result is a failure (for the progress count).</param>
        /// <param name="cancellationToken">Ctrl-C: no host starts after it.</param>
        public FleetRun(int throttleLimit, Func<FleetHost, TResult> work, Func<TResult, bool> failed, CancellationToken cancellationToken)
        {
            if (throttleLimit < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(throttleLimit), throttleLimit, "At least one host runs at a time.");
            }

            this.throttleLimit = throttleLimit;
            this.work = work;
            this.failed = failed;
            this.cancellationToken = cancellationToken;
        }

        /// <summary>Where the run stands, for Write-Progress.</summary>
        public FleetProgress Progress
        {
            get
            {
                lock (gate)
                {
                    return new FleetProgress(added, done, failures, running.ToList());
                }
            }
        }

        /// <summary>True once no more hosts will be added and every host added has finished or was dropped by a cancellation.</summary>
        public bool IsFinished
        {
            get
            {
                lock (gate)
                {
                    return addingCompleted && busy == 0 && (queue.Count == 0 || cancellationToken.IsCancellationRequested) && events.Count == 0;
                }
            }
        }

        /// <summary>Queues a host; <paramref name="item"/> is what the work needs for it beside its name (the parameters of the pipeline input that named it).</summary>
        public void Add(string computerName, object? item)
        {
            lock (gate)
            {
                if (addingCompleted)
                {
                    throw new InvalidOperationException("The run takes no more hosts: adding was completed.");
                }

                added++;
                if (workers.Count < throttleLimit && workers.Count < added)
                {
                    var worker = new Thread(Work) { IsBackground = true, Name = "SshKeepAlive fleet " + (workers.Count + 1) };
                    workers.Add(worker);
                    worker.Start();
                }

                queue.Enqueue(new FleetHost(computerName, item, this.cancellationToken, Ask, Tell));
                Monitor.PulseAll(gate);
            }
        }

        /// <summary>No more hosts will come.</summary>
        public void CompleteAdding()
        {
            lock (gate)
            {
                addingCompleted = true;
                Monitor.PulseAll(gate);
            }
        }

        /// <summary>The next thing for the caller's thread to handle, waiting up to <paramref name="wait"/>; null when nothing came in time.</summary>
        public FleetEvent<TResult>? Next(TimeSpan wait) =>
            events.TryTake(out FleetEvent<TResult>? next, (int)wait.TotalMilliseconds) ? next : null;

        /// <summary>Waits (up to <paramref name="limit"/>) for the hosts that are running to finish; answers every question no.</summary>
        public bool WaitForRunning(TimeSpan limit)
        {
            CompleteAdding();
            DateTime deadline = DateTime.UtcNow + limit;
            while (DateTime.UtcNow < deadline)
            {
                while (events.TryTake(out FleetEvent<TResult>? pending))
                {
                    pending.Question?.Answer(false);
                }

                lock (gate)
                {
                    if (busy == 0 && (queue.Count == 0 || cancellationToken.IsCancellationRequested))
                    {
                        return true;
                    }
                }

                Thread.Sleep(20);
            }

            return false;
        }

        public void Dispose() => CompleteAdding();

        // SSH.NET completes its asynchronous work on the thread pool and blocks pool threads through handshakes and
        // remote commands; a pool that grows by one thread every half second would hold every host but the first few
        // waiting. So while a worker lives, the pool keeps two more threads ready for its host.
        private void Work()
        {
            using IDisposable poolThreads = PoolThreadReservation.Reserve(2);
            while (!cancellationToken.IsCancellationRequested && TakeNext(out FleetHost? host))
            {
                TResult result = default!;
                Exception? error = null;
                try
                {
                    result = work(host!);
                }
                catch (Exception ex)
                {
                    error = ex;
                }

                lock (gate)
                {
                    done++;
                    failures += error != null || failed(result) ? 1 : 0;
                    running.Remove(host!.ComputerName);
                    events.Add(error == null ? FleetEvent<TResult>.Finished(host.ComputerName, result) : FleetEvent<TResult>.Crashed(host.ComputerName, error));
                    busy--;
                }
            }
        }

        private bool TakeNext(out FleetHost? host)
        {
            host = null;
            lock (gate)
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    if (queue.Count > 0)
                    {
                        host = queue.Dequeue();
                        busy++;
                        running.Add(host.ComputerName);
                        return true;
                    }

                    if (addingCompleted)
                    {
                        return false;
                    }

                    // Woken by Add and CompleteAdding; the timeout notices a cancellation.
                    Monitor.Wait(gate, 100);
                }
            }

            return false;
        }

        // A question from a host's work: it waits for the caller's thread to answer (no when the run is cancelled).
        private bool Ask(FleetHost host, FleetQuestion question)
        {
            events.Add(FleetEvent<TResult>.Asking(host.ComputerName, question));
            return question.Wait(cancellationToken);
        }

        private void Tell(FleetHost host, FleetMessageKind kind, string text) => events.Add(FleetEvent<TResult>.Telling(host.ComputerName, kind, text));
    }

    /// <summary>One host of a run, as its work sees it: its name, its item, and the way to ask and tell the caller.</summary>
    public sealed class FleetHost
    {
        private readonly Func<FleetHost, FleetQuestion, bool> ask;
        private readonly Action<FleetHost, FleetMessageKind, string> tell;

        internal FleetHost(string computerName, object? item, CancellationToken cancellationToken, Func<FleetHost, FleetQuestion, bool> ask, Action<FleetHost, FleetMessageKind, string> tell)
        {
            ComputerName = computerName;
            Item = item;
            CancellationToken = cancellationToken;
            this.ask = ask;
            this.tell = tell;
        }

        public string ComputerName { get; }

        public object? Item { get; }

        /// <summary>The run's cancellation (Ctrl-C).</summary>
        public CancellationToken CancellationToken { get; }

        /// <summary>Asks the caller whether to go ahead (ShouldProcess: -WhatIf says no, -Confirm asks the user); waits for the answer.</summary>
        public bool ShouldProcess(string target, string action, string description) => ask(this, new FleetQuestion(target, action, description));

        public void Verbose(string text) => tell(this, FleetMessageKind.Verbose, text);

        public void Warning(string text) => tell(this, FleetMessageKind.Warning, text);
    }

    public enum FleetMessageKind
    {
        Verbose,
        Warning,
    }

    /// <summary>A question a host's work waits on: go ahead with <see cref="Action"/> on <see cref="Target"/>?</summary>
    public sealed class FleetQuestion
    {
        private readonly TaskCompletionSource<bool> answer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

        internal FleetQuestion(string target, string action, string description)
        {
            Target = target;
            Action = action;
            Description = description;
        }

        public string Target { get; }

        public string Action { get; }

        /// <summary>What would be done, e.g. the diff.</summary>
        public string Description { get; }

        public void Answer(bool goAhead) => answer.TrySetResult(goAhead);

        internal bool Wait(CancellationToken cancellationToken)
        {
            try
            {
                answer.Task.Wait(cancellationToken);
                return answer.Task.Result;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }

    /// <summary>Something for the caller's thread: a host finished (or its work crashed), a question, a message.</summary>
    public sealed class FleetEvent<TResult>
    {
        private FleetEvent(string computerName)
        {
            ComputerName = computerName;
        }

        public string ComputerName { get; }

        /// <summary>Set when the host finished.</summary>
        public bool HasResult { get; private set; }

        public TResult Result { get; private set; } = default!;

        /// <summary>An exception that escaped the host's work (a defect; the host counts as failed).</summary>
        public Exception? Crash { get; private set; }

        /// <summary>A question to answer (<see cref="FleetQuestion.Answer"/>) before the host goes on.</summary>
        public FleetQuestion? Question { get; private set; }

        public FleetMessageKind MessageKind { get; private set; }

        public string? Message { get; private set; }

        internal static FleetEvent<TResult> Finished(string computerName, TResult result) => new FleetEvent<TResult>(computerName) { HasResult = true, Result = result };

        internal static FleetEvent<TResult> Crashed(string computerName, Exception crash) => new FleetEvent<TResult>(computerName) { Crash = crash };

        internal static FleetEvent<TResult> Asking(string computerName, FleetQuestion question) => new FleetEvent<TResult>(computerName) { Question = question };

        internal static FleetEvent<TResult> Telling(string computerName, FleetMessageKind kind, string text) => new FleetEvent<TResult>(computerName) { MessageKind = kind, Message = text };
    }

    /// <summary>Where a run stands: hosts added, finished, failed, and those running now.</summary>
    public sealed class FleetProgress
    {
        internal FleetProgress(int total, int done, int failed, IReadOnlyList<string> running)
        {
            Total = total;
            Done = done;
            Failed = failed;
            Running = running;
        }

        public int Total { get; }

        public int Done { get; }

        public int Failed { get; }

        public IReadOnlyList<string> Running { get; }

        /// <summary>Done as a percentage of the hosts added so far.</summary>
        public int Percent => Total == 0 ? 0 : Done * 100 / Total;
    }
}
