using System;
using System.Collections.Generic;
using System.IO;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.ServerConfig;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Config
{
    /// <summary>
    /// Match Group against a real account with a supplementary group, compared with each release's sshd. The
    /// account is made inside that release's tools container, and the resolver reads that container's
    /// /etc/passwd and /etc/group, so this machine's accounts are never touched.
    /// </summary>
    public sealed class ServerMatchGroupOracleTests
    {
        [SshdOracleTheory]
        [MemberData(nameof(TestbedTools.SuiteRows), MemberType = typeof(TestbedTools))]
        public void Resolve_MatchGroup_SupplementaryMembershipAgreesWithSshd(string suite)
        {
            TestbedTools tools = TestbedTools.For(suite);
            string suffix = Guid.NewGuid().ToString("N").Substring(0, 8);
            string user = "sshka-u" + suffix;
            string group = "sshka-g" + suffix;
            Assert.Equal(0, InContainer(tools, "groupadd", group).ExitCode);
            try
            {
                Assert.Equal(0, InContainer(tools, "useradd", "--no-create-home", "--user-group", "--groups", group, user).ExitCode);
                try
                {
                    using var dir = new TempDirectory();
                    string config = dir.File("sshd_config");
                    File.WriteAllText(config,
                        $"Match Group {group}\n  ClientAliveInterval 11\n" +
                        $"Match Group {group},!{user}\n  ClientAliveCountMax 7\n" +
                        $"Match Group {user}\n  ClientAliveCountMax 5\n");

                    SshdOutput sshd = SshdOracle.Run(config, "user=" + user, suite);
                    var accounts = new UnixAccounts(tools.Root + "/etc/passwd", tools.Root + "/etc/group");
                    ServerResolution ours = ServerConfigResolver.Load(config, dir.Path, accounts, OpenSshVersion.Parse(tools.OpenSshVersion)).Resolve(new ServerConnection(user: user));

                    Assert.Equal(0, sshd.ExitCode);
                    Assert.Equal("11", sshd["ClientAliveInterval"]);
                    Assert.Equal(sshd["ClientAliveInterval"], ours["ClientAliveInterval"].Text);
                    Assert.Equal("5", sshd["ClientAliveCountMax"]);
                    Assert.Equal(sshd["ClientAliveCountMax"], ours["ClientAliveCountMax"].Text);
                }
                finally
                {
                    InContainer(tools, "userdel", user);
                }
            }
            finally
            {
                InContainer(tools, "groupdel", group);
            }
        }

        // Account tools of the container's own release, on its own /etc (only its mount namespace is entered).
        private static ProcessOutcome InContainer(TestbedTools tools, params string[] command)
        {
            var arguments = new List<string> { "--target", tools.ContainerPid.ToString(), "--mount", "--" };
            arguments.AddRange(command);
            return ProcessRunner.Run(TimeSpan.FromSeconds(30), "nsenter", arguments.ToArray());
        }
    }
}
