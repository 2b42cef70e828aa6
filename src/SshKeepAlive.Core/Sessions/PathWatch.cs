using System;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using SshKeepAlive.Core.Platform;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>
    /// Waits out a reconnect delay, but ends it as soon as a server that was unreachable answers again.
    /// </summary>
    /// <remarks>
    /// Why: after an outage the backoff delay is usually longer than what is left of the outage, so a blind
    /// sleep leaves the session dead for seconds after the path is back. A bare TCP connect (a SYN, no SSH
    /// handshake or authentication) costs the server nearly nothing. Only a port seen unreachable and then
    /// reachable cuts the wait short (unreachable before the wait counts: the connection was lost, or the last
    /// attempt could not reach it): a server that accepts TCP but fails SSH still gets the full backoff.
    /// A new probe starts every <see cref="ProbeInterval"/> whether or not the last one has answered: a SYN sent
    /// during the outage is lost and TCP resends it only after a second or more, so only a fresh one shows the path
    /// the moment it returns. A probe still unanswered when a later one is answered proves the path was down between.
    /// </remarks>
    internal static class PathWatch
    {
        // A fresh SYN every quarter second while a server is unreachable is still nothing to it, and finds a
        // returning path within that quarter second plus one round trip.
        private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(250);

        // How long one probe may take before the server counts as unreachable: above the round trip of slow paths.
        private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

        public static async Task WaitAsync(string host, int port, TimeSpan delay, bool unreachableBefore, CancellationToken cancellationToken)
        {
            using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            window.CancelAfter(delay);
            var pending = new List<Task<bool?>>();
            try
            {
                bool seenDown = unreachableBefore;
                while (true)
                {
                    pending.Add(IsReachableAsync(host, port, window.Token));
                    Task pace = Task.Delay(ProbeInterval, window.Token);
                    while (!pace.IsCompleted)
                    {
                        var waiting = new List<Task>(pending) { pace };
                        await Task.WhenAny(waiting).ConfigureAwait(false);
                        window.Token.ThrowIfCancellationRequested();
                        switch (Settle(pending, ref seenDown))
                        {
                            case Verdict.PathBack:
                                return;
                            case Verdict.UpAllAlong:
                                // Reachable without having been down: the full backoff, without probing any more.
                                await Task.Delay(Timeout.Infinite, window.Token).ConfigureAwait(false);
                                break;
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The delay is over.
            }
            finally
            {
                window.Cancel();
            }
        }

        private enum Verdict
        {
            Waiting,
            PathBack,
            UpAllAlong,
        }

        // Takes the answered probes off the front of the list in the order they started; an answer from a probe that
        // started after one still unanswered (or after any failure) means the path came back.
        private static Verdict Settle(List<Task<bool?>> pending, ref bool seenDown)
        {
            for (int i = 0; i < pending.Count; i++)
            {
                Task<bool?> probe = pending[i];
                if (!probe.IsCompleted || probe.Result == null)
                {
                    continue;
                }

                bool earlierUnanswered = i > 0;
                pending.RemoveAt(i--);
                if (probe.Result == false)
                {
                    seenDown = true;
                }
                else if (seenDown || earlierUnanswered)
                {
                    return Verdict.PathBack;
                }
                else
                {
                    return Verdict.UpAllAlong;
                }
            }

            return Verdict.Waiting;
        }

        // True when the port accepted a connection, false when it refused or did not answer in time, null when the
        // window closed first.
        private static async Task<bool?> IsReachableAsync(string host, int port, CancellationToken window)
        {
            using var client = new TcpClient();
            using var probe = CancellationTokenSource.CreateLinkedTokenSource(window);
            probe.CancelAfter(ProbeTimeout);
            Task connect = client.ConnectAsync(host, port);
            // Disposing the client fails an unfinished connect; observe that failure.
            _ = connect.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            try
            {
                await connect.WaitOrCancelAsync(probe.Token).ConfigureAwait(false);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
            catch (OperationCanceledException)
            {
                return window.IsCancellationRequested ? (bool?)null : false;
            }
        }
    }
}
