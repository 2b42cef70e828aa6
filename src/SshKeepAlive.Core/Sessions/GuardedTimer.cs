using System;
using System.Threading;
using System.Threading.Tasks;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>
    /// A periodic timer whose callback can neither end the process nor outlive its owner: an exception is
    /// handed to <c>onFault</c> (an unhandled one on a timer thread would end the PowerShell host), and
    /// <see cref="StopAsync"/> completes only once every callback already running has returned.
    /// </summary>
    internal sealed class GuardedTimer
    {
        // The timer whose callback this thread is running, so a callback that stops its own timer does not wait for itself.
        [ThreadStatic]
        private static GuardedTimer? runningOnThisThread;

        private readonly object gate = new object();
        private readonly Action tick;
        private readonly Action<Exception> onFault;
        private readonly IDisposable timer;
        private TaskCompletionSource<bool>? idle;
        private int running;
        private bool stopped;

        public GuardedTimer(ISessionClock clock, TimeSpan period, Action tick, Action<Exception> onFault)
        {
            this.tick = tick;
            this.onFault = onFault;
            timer = clock.StartTimer(period, Tick);
        }

        /// <summary>No callback starts after this; the task completes when those already running have returned.</summary>
        public Task StopAsync()
        {
            lock (gate)
            {
                if (!stopped)
                {
                    stopped = true;
                    timer.Dispose();
                }

                int others = running - (runningOnThisThread == this ? 1 : 0);
                if (others == 0)
                {
                    return Task.CompletedTask;
                }

                idle ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                return idle.Task;
            }
        }

        private void Tick()
        {
            lock (gate)
            {
                if (stopped)
                {
                    return;
                }

                running++;
            }

            GuardedTimer? outer = runningOnThisThread;
            runningOnThisThread = this;
            try
            {
                tick();
            }
            catch (Exception ex)
            {
                Report(ex);
            }
            finally
            {
                runningOnThisThread = outer;
                lock (gate)
                {
                    running--;
                    if (running == 0)
                    {
                        idle?.TrySetResult(true);
                    }
                }
            }
        }

        private void Report(Exception fault)
        {
            try
            {
                onFault(fault);
            }
            catch (Exception)
            {
                // The fault handler failing too must not take the process down; the callback is over either way.
            }
        }
    }
}
