using System;
using System.Collections.Concurrent;
using System.Threading;
using SshKeepAlive.Core.Sessions;
using SshKeepAlive.Testing;
using Xunit;
using static SshKeepAlive.Core.Tests.Sessions.TestbedSessions;

namespace SshKeepAlive.Core.Tests.Sessions
{
    /// <summary>
    /// A keepalive session to the sshd of every OpenSSH release in the matrix: it connects, and its keepalives
    /// (keepalive@openssh.com, which expect a reply) are answered by that sshd, so an idle session outlives the
    /// firewall's timeout without ever being declared dead.
    /// </summary>
    public sealed class OpenSshMatrixTestbedTests
    {
        [TestbedTheory]
        [MemberData(nameof(TestbedTools.SuiteRows), MemberType = typeof(TestbedTools))]
        public void IdleSession_ToEachReleasesSshd_IsKeptAliveByAnsweredKeepalives(string suite)
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start(idleTimeoutSeconds: 3, suite: suite);
            SshSessionSettings settings = Settings(bed);
            settings.KeepAliveInterval = TimeSpan.FromSeconds(1);
            settings.KeepAliveCountMax = 2;
            var events = new ConcurrentQueue<SessionEvent>();
            using PersistentSshSession session = Connect(settings, events);
            string banner = Run(session, "ssh -V 2>&1");

            // Three firewall timeouts of silence but for the keepalives; an unanswered one would end the session in 3 s.
            Thread.Sleep(TimeSpan.FromSeconds(9));

            Assert.StartsWith("OpenSSH_" + bed.Server.OpenSshVersion + " ", banner);
            Assert.Equal("b\n", Run(session, "echo b"));
            Assert.Null(First(events, SessionEventKind.Disconnected));
            Assert.Equal(0, session.ReconnectCount);
        }
    }
}
