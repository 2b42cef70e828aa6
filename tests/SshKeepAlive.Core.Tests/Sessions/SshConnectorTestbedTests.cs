using System;
using System.Threading;
using SshKeepAlive.Core.Sessions;
using SshKeepAlive.Testing;
using Xunit;
using static SshKeepAlive.Core.Tests.Sessions.TestbedSessions;

namespace SshKeepAlive.Core.Tests.Sessions
{
    /// <summary>Opening plain connections (the idle probes' way) against the testbed's sshd.</summary>
    [Collection(ProcessWideCounts.Name)]
    public sealed class SshConnectorTestbedTests
    {
        [TestbedFact]
        public void ConnectClient_StoppedDuringTheHandshake_LeavesNoConnectionOpen()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            SshConnector connector = Settings(bed).CreateConnector();
            int socketsBefore = SettledSockets();
            using var stop = new CancellationTokenSource();

            // Ctrl-C while the key exchange is under way, as a measurement stopped while its probes open.
            Assert.ThrowsAny<OperationCanceledException>(() => connector.ConnectClient(client => client.HostKeyReceived += (_, _) => stop.Cancel(), stop.Token));

            Assert.True(Wait.Until(() => OpenSockets() == socketsBefore, TimeSpan.FromSeconds(10)), $"{OpenSockets() - socketsBefore} sockets left open");
        }
    }
}
