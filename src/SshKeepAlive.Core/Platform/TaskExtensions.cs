using System;
using System.Threading;
using System.Threading.Tasks;

namespace SshKeepAlive.Core.Platform
{
    internal static class TaskExtensions
    {
        /// <summary>Task.WaitAsync for netstandard2.0: completes with the task, or throws when cancelled first.</summary>
        public static async Task WaitOrCancelAsync(this Task task, CancellationToken cancellationToken)
        {
            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellationToken.Register(() => cancelled.TrySetCanceled(cancellationToken)))
            {
                await (await Task.WhenAny(task, cancelled.Task).ConfigureAwait(false)).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Runs <paramref name="start"/>, which blocks its thread (SSH.NET's handshake does, even in ConnectAsync), on a
        /// thread of its own rather than a pool thread, and waits for it until <paramref name="cancellationToken"/> is
        /// cancelled. Cancelling stops the wait at once, not the start: what it opens after that is disposed once it returns.
        /// </summary>
        public static async Task<T> RunOnOwnThreadAsync<T>(Func<T> start, CancellationToken cancellationToken)
            where T : IDisposable
        {
            cancellationToken.ThrowIfCancellationRequested();
            Task<T> running = Task.Factory.StartNew(start, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            try
            {
                await running.WaitOrCancelAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                _ = running.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
                _ = running.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                throw;
            }

            return await running.ConfigureAwait(false);
        }
    }
}
