using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Sessions;
using SshKeepAlive.Testing;
using Xunit;
using static SshKeepAlive.Core.Tests.Sessions.TestbedSessions;
using Bed = SshKeepAlive.Testing.Testbed;

namespace SshKeepAlive.Core.Tests.Sessions
{
    /// <summary>
    /// Port forwards kept across reconnects, against the testbed's sshd: the server's own sshd (its address, port 22, seen from the
    /// server) is the destination of local and dynamic forwards, so a forward works when its client reads sshd's banner.
    /// </summary>
    public sealed class PortForwardTestbedTests
    {
        [TestbedFact]
        public void LocalForward_StaysBoundThroughACut_AndCarriesConnectionsAgainAfterTheReconnect()
        {
            using var bed = Bed.Start();
            SshSessionSettings settings = Settings(bed);
            int port = FreePort();
            settings.Forwards.Add(Forward(ForwardKind.Local, $"{port}:{bed.Server.Address}:22"));
            var events = new ConcurrentQueue<SessionEvent>();
            using PersistentSshSession session = Connect(settings, events);
            Assert.StartsWith("SSH-2.0-OpenSSH", Banner(port));

            bed.Cut();
            Assert.True(Wait.Until(() => First(events, SessionEventKind.Disconnected) != null, Wait.Bounded), "the cut was never noticed");
            bool boundWhileDown = IsListening(port);
            PortForwardState stateWhileDown = session.PortForwards[0].State;
            Task<string> waiting = Task.Run(() => Banner(port));
            Thread.Sleep(500);
            bed.Restore();

            Assert.True(boundWhileDown, "the listener was let go during the outage");
            Assert.Equal(PortForwardState.Waiting, stateWhileDown);
            Assert.StartsWith("SSH-2.0-OpenSSH", waiting.Result);
            Assert.Equal(PortForwardState.Active, session.PortForwards[0].State);
            Assert.Equal(2, session.PortForwards[0].ConnectionsCarried);
        }

        [TestbedFact]
        public void DynamicForward_CarriesASocks5ConnectToWhereTheClientAsks()
        {
            using var bed = Bed.Start();
            SshSessionSettings settings = Settings(bed);
            int port = FreePort();
            settings.Forwards.Add(Forward(ForwardKind.Dynamic, port.ToString()));
            using PersistentSshSession session = Connect(settings);

            using var client = new TcpClient("127.0.0.1", port);
            NetworkStream stream = client.GetStream();
            stream.Write(new byte[] { 5, 1, 0 });
            Assert.Equal(new byte[] { 5, 0 }, ReadExactly(stream, 2));
            byte[] host = Encoding.ASCII.GetBytes(bed.Server.Address);
            stream.Write(new byte[] { 5, 1, 0, 3, (byte)host.Length }.Concat(host).Concat(new byte[] { 0, 22 }).ToArray());
            byte[] reply = ReadExactly(stream, 10);

            Assert.Equal(0, reply[1]);
            Assert.StartsWith("SSH-2.0-OpenSSH", new StreamReader(stream).ReadLine());
        }

        [TestbedFact]
        public void RemoteForward_IsAskedOfTheServerAgainAfterEveryReconnect()
        {
            using var bed = Bed.Start();
            File.AppendAllText(bed.Server.SshdConfig, "ClientAliveInterval 1\nClientAliveCountMax 2\n");
            bed.Reload();
            using var echo = new TcpListener(IPAddress.Loopback, 0);
            echo.Start();
            _ = Task.Run(() => Answer(echo, "hello from the client side\n"));
            SshSessionSettings settings = Settings(bed);
            int remotePort = 20000 + new Random().Next(20000);
            settings.Forwards.Add(Forward(ForwardKind.Remote, $"{remotePort}:127.0.0.1:{((IPEndPoint)echo.LocalEndpoint).Port}"));
            var events = new ConcurrentQueue<SessionEvent>();
            using PersistentSshSession session = Connect(settings, events);
            string throughForward = $"exec 3<>/dev/tcp/127.0.0.1/{remotePort}; head -n1 <&3";
            Assert.Equal("hello from the client side\n", Run(session, throughForward));

            bed.Cut();
            Assert.True(Wait.Until(() => First(events, SessionEventKind.Disconnected) != null, Wait.Bounded), "the cut was never noticed");
            bed.Restore();
            Assert.True(Wait.Until(() => First(events, SessionEventKind.Reconnected) != null, Wait.Bounded), "no reconnect: " + string.Join("; ", events));

            // The old connection's listener lingers on the server until sshd notices that client gone (ClientAlive, 3 s
            // here); the forward is asked for again until the port is free.
            Assert.True(Wait.Until(() => session.PortForwards[0].State == PortForwardState.Active, Wait.Bounded), session.PortForwards[0].LastError);
            Assert.Equal("hello from the client side\n", Run(session, throughForward));
        }

        [TestbedFact]
        public void ExitOnForwardFailure_FailsTheConnectWhenTheLocalPortIsTaken_AndWithoutItTheSessionConnectsShowingTheFailure()
        {
            using var bed = Bed.Start();
            using var taken = new TcpListener(IPAddress.Loopback, 0);
            taken.Start();
            int port = ((IPEndPoint)taken.LocalEndpoint).Port;
            SshSessionSettings strict = Settings(bed);
            strict.Forwards.Add(Forward(ForwardKind.Local, $"{port}:{bed.Server.Address}:22"));
            strict.ExitOnForwardFailure = true;
            SshSessionSettings lenient = Settings(bed);
            lenient.Forwards.Add(Forward(ForwardKind.Local, $"{port}:{bed.Server.Address}:22"));

            Assert.Throws<ForwardFailedException>(() => Connect(strict));
            using PersistentSshSession session = Connect(lenient);

            Assert.Equal(SessionState.Connected, session.State);
            Assert.Equal(PortForwardState.Failed, session.PortForwards[0].State);
            Assert.Contains("in use", session.PortForwards[0].LastError, StringComparison.OrdinalIgnoreCase);
        }

        internal static ForwardSpec Forward(ForwardKind kind, string spec) =>
            ForwardSpec.ParseCommandLine(kind, spec, out string? error) ?? throw new ArgumentException(error);

        internal static int FreePort()
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        private static bool IsListening(int port)
        {
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                return false;
            }
            catch (SocketException)
            {
                return true;
            }
        }

        internal static string Banner(int port)
        {
            using var client = new TcpClient("127.0.0.1", port);
            client.ReceiveTimeout = (int)Wait.Bounded.TotalMilliseconds;
            return new StreamReader(client.GetStream()).ReadLine() ?? string.Empty;
        }

        private static byte[] ReadExactly(Stream stream, int count)
        {
            var buffer = new byte[count];
            for (int read = 0; read < count;)
            {
                int n = stream.Read(buffer, read, count - read);
                Assert.True(n > 0, "the SOCKS server closed early");
                read += n;
            }

            return buffer;
        }

        private static async Task Answer(TcpListener listener, string text)
        {
            while (true)
            {
                using TcpClient client = await listener.AcceptTcpClientAsync();
                byte[] bytes = Encoding.ASCII.GetBytes(text);
                await client.GetStream().WriteAsync(bytes);
            }
        }
    }

    /// <summary>
    /// Forwarded connections on a thread pool with two free threads: SSH.NET carries each open channel of a forward on a
    /// pool thread that it blocks until the channel closes, so each connection held open takes one from everything else.
    /// </summary>
    [Collection(ProcessWideCounts.Name)]
    public sealed class ForwardedChannelPoolTestbedTests
    {
        // Before pool threads were reserved per channel, the third connection was never accepted (its accept waits for a
        // pool thread) and the session's command stalled behind it. Closed, the connections give their threads back.
        [TestbedFact]
        public void LocalForward_FourConnectionsHeldOpen_WithTwoFreePoolThreads_AreAllCarried_AndTheSessionStillAnswers()
        {
            using var bed = Bed.Start();
            SshSessionSettings settings = Settings(bed);
            int port = PortForwardTestbedTests.FreePort();
            settings.Forwards.Add(PortForwardTestbedTests.Forward(ForwardKind.Local, $"{port}:{bed.Server.Address}:22"));
            using PersistentSshSession session = Connect(settings);
            int minimumBefore = Minimum();

            (string[] banners, string answer) = WithTwoFreePoolThreads(() =>
            {
                var clients = new System.Collections.Generic.List<TcpClient>();
                try
                {
                    string[] read = Enumerable.Range(0, 4).Select(_ =>
                    {
                        var client = new TcpClient("127.0.0.1", port);
                        clients.Add(client);
                        return new StreamReader(client.GetStream()).ReadLine() ?? string.Empty;
                    }).ToArray();
                    return (read, Run(session, "echo ok"));
                }
                finally
                {
                    clients.ForEach(c => c.Dispose());
                }
            });

            Assert.All(banners, banner => Assert.StartsWith("SSH-2.0-OpenSSH", banner));
            Assert.Equal("ok\n", answer);
            Assert.Equal(4, session.PortForwards[0].ConnectionsCarried);
            Assert.True(Wait.Until(() => Minimum() == minimumBefore, Wait.Bounded), "the closed connections' pool threads were not given back");
        }

        private static int Minimum()
        {
            ThreadPool.GetMinThreads(out int workers, out _);
            return workers;
        }
    }
}
