using System;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

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
    /// </remarks>
    internal static class PathWatch
    {
        // Under Linux's 1 s initial SYN retransmission, so a returning path is seen within half a second; a SYN
        // every 0.5 s while a server is unreachable is still nothing to it.
        private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(500);

        public static async Task WaitAsync(string host, int port, TimeSpan delay, bool unreachableBefore, CancellationToken cancellationToken)
        {
            using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            window.CancelAfter(delay);
            try
            {
                bool seenDown = unreachableBefore;
                while (true)
                {
                    Task pace = Task.Delay(ProbeInterval, window.Token);
                    if (await IsReachableAsync(host, port, window.Token).ConfigureAwait(false))
                    {
                        if (seenDown)
                        {
                            return;
                        }

                        await Task.Delay(Timeout.Infinite, window.Token).ConfigureAwait(false);
                    }

                    seenDown = true;
                    await pace.ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The delay is over.
            }
        }

        private static async Task<bool> IsReachableAsync(string host, int port, CancellationToken window)
        {
            using var client = new TcpClient();
            using var probe = CancellationTokenSource.CreateLinkedTokenSource(window);
            probe.CancelAfter(ProbeInterval);
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
            catch (OperationCanceledException) when (!window.IsCancellationRequested)
            {
                return false;
            }
        }
    }
}
