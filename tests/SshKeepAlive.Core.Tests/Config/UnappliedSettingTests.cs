using System.IO;
using System.Linq;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.ServerConfig;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Config
{
    /// <summary>Which lines of a keyword do not take effect, and why: the resolvers' own record of the first-value rule and block matching.</summary>
    public sealed class UnappliedSettingTests
    {
        [Fact]
        public void Client_LaterActiveLine_LosesToTheFirst_NamingIt_AndNonMatchingBlocksAreSkipped()
        {
            using var dir = new TempDirectory();
            string config = dir.File("config");
            File.WriteAllText(config, "Host *\n    ServerAliveInterval 30\nHost web01\n    ServerAliveInterval 90\nHost db01\n    ServerAliveInterval 5\n");
            var env = new ClientEnvironment(dir.Path, "alice", config, dir.File("ssh_config"), dir.Path);

            ClientResolution result = ClientConfigResolver.LoadFile(env, config).Resolve("web01");

            UnappliedSetting beaten = result.Unapplied.Single(u => u.Reason == UnappliedReason.EarlierValueWins);
            Assert.Equal((4, 2, 90), (beaten.Source.Line, beaten.Winner!.Line, (int)beaten.Value!));
            UnappliedSetting skipped = result.Unapplied.Single(u => u.Reason == UnappliedReason.BlockDoesNotMatch);
            Assert.Equal(6, skipped.Source.Line);
        }

        [Fact]
        public void Client_LineMatchedOnlyInTheFinalPass_IsNotReportedAsSkipped()
        {
            using var dir = new TempDirectory();
            string config = dir.File("config");
            File.WriteAllText(config, "Host web01\n    HostName web01.example.com\nMatch final host web01.example.com\n    ServerAliveInterval 20\n");
            var env = new ClientEnvironment(dir.Path, "alice", config, dir.File("ssh_config"), dir.Path);

            ClientResolution result = ClientConfigResolver.LoadFile(env, config).Resolve("web01");

            Assert.Equal(20, result["ServerAliveInterval"].Value);
            Assert.Empty(result.Unapplied);
        }

        [Fact]
        public void Server_DuplicateGlobalLine_AndAMatchBlockForAnotherUser()
        {
            using var dir = new TempDirectory();
            string config = dir.File("sshd_config");
            File.WriteAllText(config, "ClientAliveInterval 0\nClientAliveInterval 60\nMatch User bob\n    ClientAliveInterval 5\n");

            ServerResolution result = ServerConfigResolver.Load(config, dir.Path).Resolve(new ServerConnection(user: "alice"));
            ServerResolution forBob = ServerConfigResolver.Load(config, dir.Path).Resolve(new ServerConnection(user: "bob"));

            Assert.Equal(new[] { (2, UnappliedReason.EarlierValueWins), (4, UnappliedReason.BlockDoesNotMatch) }, result.Unapplied.Select(u => (u.Source.Line, u.Reason)).OrderBy(p => p.Line));
            Assert.Equal(new[] { 2 }, forBob.Unapplied.Select(u => u.Source.Line));
        }
    }
}
