using System;
using System.Diagnostics;
using System.Threading;

namespace SshKeepAlive.Core.Server
{
    /// <summary>Waiting on a daemon process: bounded polls that Ctrl-C ends.</summary>
    internal static class DaemonProcess
    {
        private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

        // Polls until the condition holds (true) or the limit passes (false); cancellable between polls.
        public static bool WaitUntil(Func<bool> condition, TimeSpan limit, CancellationToken cancellationToken)
        {
            var wait = Stopwatch.StartNew();
            while (wait.Elapsed < limit)
            {
                if (condition())
                {
                    return true;
                }

                Pause(Poll, cancellationToken);
            }

            return false;
        }

        public static void Pause(TimeSpan interval, CancellationToken cancellationToken)
        {
            if (cancellationToken.WaitHandle.WaitOne(interval))
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
    }
}
