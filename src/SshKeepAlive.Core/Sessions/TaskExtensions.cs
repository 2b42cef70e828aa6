using System.Threading;
using System.Threading.Tasks;

namespace SshKeepAlive.Core.Sessions
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
    }
}
