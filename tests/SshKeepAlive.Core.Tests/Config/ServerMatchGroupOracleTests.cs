using System;
using System.IO;
using SshKeepAlive.Core.ServerConfig;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Config
{
    /// <summary>Match Group against a real account this test creates, with a supplementary group, compared with sshd.</summary>
    public sealed class ServerMatchGroupOracleTests
    {
        [SshdOracleFact]
        public void Resolve_MatchGroup_SupplementaryMembershipAgreesWithSshd()
        {
            string suffix = Guid.NewGuid().ToString("N").Substring(0, 8);
            string user = "sshka-u" + suffix;
            string group = "sshka-g" + suffix;
            Assert.Equal(0, ProcessRunner.Run("groupadd", group).ExitCode);
            try
            {
                Assert.Equal(0, ProcessRunner.Run("useradd", "--no-create-home", "--user-group", "--groups", group, user).ExitCode);
                try
                {
                    using var dir = new TempDirectory();
                    string config = dir.File("sshd_config");
                    File.WriteAllText(config,
                        $"Match Group {group}\n  ClientAliveInterval 11\n" +
                        $"Match Group {group},!{user}\n  ClientAliveCountMax 7\n" +
                        $"Match Group {user}\n  ClientAliveCountMax 5\n");

                    SshdOutput sshd = SshdOracle.Run(config, "user=" + user);
                    ServerResolution ours = ServerConfigResolver.Load(config, dir.Path).Resolve(new ServerConnection(user: user));

                    Assert.Equal(0, sshd.ExitCode);
                    Assert.Equal("11", sshd["ClientAliveInterval"]);
                    Assert.Equal(sshd["ClientAliveInterval"], ours["ClientAliveInterval"].Text);
                    Assert.Equal("5", sshd["ClientAliveCountMax"]);
                    Assert.Equal(sshd["ClientAliveCountMax"], ours["ClientAliveCountMax"].Text);
                }
                finally
                {
                    ProcessRunner.Run("userdel", user);
                }
            }
            finally
            {
                ProcessRunner.Run("groupdel", group);
            }
        }
    }
}
