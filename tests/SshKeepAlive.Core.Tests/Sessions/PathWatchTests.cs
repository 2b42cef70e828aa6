using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using SshKeepAlive.Core.Sessions;
using Xunit;

namespace SshKeepAlive.Core.Tests.Sessions
{
    /// <summary>The reconnect delay ends early only when an unreachable server's port answers again (loopback listeners).</summary>
    public sealed class PathWatchTests
    {
        private static readonly TimeSpan LongDelay = TimeSpan.FromMinutes(5);
        private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

        [Fact]
        public async Task Wait_WhenThePortAnswersAfterTheLoss_EndsBeforeTheDelay()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            try
            {
                Task wait = PathWatch.WaitAsync("127.0.0.1", Port(listener), LongDelay, unreachableBefore: true, CancellationToken.None);

                Assert.True(await EndsWithinBound(wait), "the wait went on although the server answered");
            }
            finally
            {
                listener.Stop();
            }
        }

        [Fact]
        public async Task Wait_WhenAClosedPortStartsListening_EndsBeforeTheDelay()
        {
            int port = FreePort();
            Task wait = PathWatch.WaitAsync("127.0.0.1", port, LongDelay, unreachableBefore: false, CancellationToken.None);
            await Task.Delay(1500);
            Assert.False(wait.IsCompleted, "the wait ended while nothing listened");

            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            try
            {
                Assert.True(await EndsWithinBound(wait), "the wait went on although the server came back");
            }
            finally
            {
                listener.Stop();
            }
        }

        [Fact]
        public async Task Wait_WhenTheServerWasReachableAllAlong_KeepsTheFullBackoff()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            using var cancel = new CancellationTokenSource();
            try
            {
                Task wait = PathWatch.WaitAsync("127.0.0.1", Port(listener), LongDelay, unreachableBefore: false, cancel.Token);
                await Task.Delay(2500);
                Assert.False(wait.IsCompleted, "a server that accepts TCP but failed SSH must not cut the backoff short");

                cancel.Cancel();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
            }
            finally
            {
                listener.Stop();
            }
        }

        [Fact]
        public async Task Wait_WhenTheDelayPassesWithTheServerDown_Ends()
        {
            Task wait = PathWatch.WaitAsync("127.0.0.1", FreePort(), TimeSpan.FromSeconds(2), unreachableBefore: true, CancellationToken.None);

            Assert.True(await EndsWithinBound(wait), "the wait outlived its delay");
            await wait;
        }

        private static async Task<bool> EndsWithinBound(Task wait) => await Task.WhenAny(wait, Task.Delay(Bound)) == wait;

        private static int Port(TcpListener listener) => ((IPEndPoint)listener.LocalEndpoint).Port;

        private static int FreePort()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = Port(probe);
            probe.Stop();
            return port;
        }
    }
}
