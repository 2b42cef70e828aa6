using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using Renci.SshNet;
using SshKeepAlive.Core.Sessions;
using SshKeepAlive.Testing;
using Xunit;
using static SshKeepAlive.Core.Tests.Sessions.TestbedSessions;

namespace SshKeepAlive.Core.Tests.Sessions
{
    /// <summary>The SSH.NET internals that answered keepalives need: bound against the SSH.NET we ship, and what happens without them.</summary>
    [Collection(ProcessWideCounts.Name)]
    public sealed class SshNetInternalsTests
    {
        [Fact]
        public void Current_BindsEveryMember_InTheSshNetThisModuleShips()
        {
            // If this fails after an SSH.NET upgrade, sessions fall back to unanswered keepalives: see SshNetInternals.
            SshNetInternals bound = SshNetInternals.Current;

            Assert.True(bound.IsBound, bound.Problem?.Message);
            Assert.Null(bound.Problem);
            Assert.Equal(typeof(BaseClient).Assembly.GetName().Version, bound.SshNetVersion);
            Assert.Equal(bound.SshNetVersion, SshNetInternals.ShippedVersion);
            Assert.StartsWith(PinnedSshNetVersion() + ".", bound.SshNetVersion!.ToString());
        }

        [Fact]
        public void Bind_ToAnAssemblyWithoutTheMembers_SaysWhichIsMissingInWhichVersion_WithoutThrowing()
        {
            var foreign = typeof(object).Assembly;

            SshNetInternals unbound = SshNetInternals.Bind(foreign);

            Assert.False(unbound.IsBound);
            KeepAliveUnsupportedException problem = Assert.IsType<KeepAliveUnsupportedException>(unbound.Problem);
            Assert.Equal("Renci.SshNet.BaseClient.Session", problem.MissingMember);
            Assert.Contains($"SSH.NET {foreign.GetName().Version} has no Renci.SshNet.BaseClient.Session", problem.Message);
            Assert.Contains($"ships SSH.NET {SshNetInternals.ShippedVersion}", problem.Message);
            Assert.Equal(ConnectFailureKind.KeepAliveReplyUnavailable, ConnectFailure.Classify(problem));
        }

        [Theory]
        [InlineData(nameof(SshNetPtyCommand))]
        [InlineData(nameof(SshNetEnvironment))]
        public void OtherInternals_BindEveryMember_InTheSshNetThisModuleShips(string binding)
        {
            // If this fails after an SSH.NET upgrade: without SshNetPtyCommand, Enter-PersistentSsh types the multiplexer's
            // command into a shell; without SshNetEnvironment, SendEnv and SetEnv are named in the connect's warning, not sent.
            string? missing = Missing(binding, typeof(BaseClient).Assembly);

            Assert.True(missing == null, "missing: " + missing);
        }

        [Theory]
        [InlineData(nameof(SshNetPtyCommand))]
        [InlineData(nameof(SshNetEnvironment))]
        public void OtherInternals_BindToAnAssemblyWithoutTheMembers_SayWhichIsMissing_WithoutThrowing(string binding)
        {
            Assert.Equal("Renci.SshNet.BaseClient.Session", Missing(binding, typeof(object).Assembly));
        }

        [TestbedFact]
        public void Keepalives_OnTheTestbedsSshd_AreAnswered()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start();
            using PersistentSshSession session = Connect(Settings(bed));

            Assert.True(session.KeepAliveRepliesChecked);
            Assert.True(Wait.Until(() => session.LastKeepAliveReply != null, Wait.Bounded), "no keepalive was answered");
            Assert.NotNull(session.LastKeepAliveRoundTrip);
        }

        [TestbedFact]
        public void WithoutTheInternals_ASession_StillConnects_AndSshNetsOwnKeepalivesKeepAnIdleFlowOpen()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start(idleTimeoutSeconds: 5);
            SshSessionSettings settings = Settings(bed);
            settings.KeepAliveInterval = TimeSpan.FromSeconds(2);
            settings.ReconnectPolicy = ReconnectPolicy.Never;
            SshConnector connector = settings.CreateConnector();
            connector.Internals = SshNetInternals.Bind(typeof(object).Assembly);
            using var session = new PersistentSshSession(connector, settings.KeepAliveInterval, settings.KeepAliveCountMax, settings.ReconnectPolicy);
            using (var deadline = new CancellationTokenSource(Wait.Bounded))
            {
                session.Connect(deadline.Token);
            }

            Thread.Sleep(TimeSpan.FromSeconds(12));

            Assert.Equal("still here\n", Run(session, "echo still here"));
            Assert.False(session.KeepAliveRepliesChecked);
            Assert.Null(session.LastKeepAliveReply);
            Assert.Equal(SessionState.Connected, session.State);
        }

        private static string? Missing(string binding, System.Reflection.Assembly sshNet) =>
            binding == nameof(SshNetPtyCommand) ? SshNetPtyCommand.Bind(sshNet).Missing : SshNetEnvironment.Bind(sshNet).Missing;

        private static string PinnedSshNetVersion() =>
            Regex.Match(File.ReadAllText(Path.Combine(RepoPaths.Root, "Directory.Packages.props")), @"Include=""SSH\.NET"" Version=""([0-9.]+)""").Groups[1].Value;
    }
}
