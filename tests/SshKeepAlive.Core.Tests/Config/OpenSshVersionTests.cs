using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.ServerConfig;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Config
{
    /// <summary>Reading OpenSSH versions, and learning them from the programs themselves.</summary>
    public sealed class OpenSshVersionTests
    {
        [Theory]
        [InlineData("9.2p1", 9, 2, 1, "9.2p1")]
        [InlineData("10.0", 10, 0, 0, "10.0")]
        [InlineData("OpenSSH_8.4p1 Debian-5+deb11u7, OpenSSL 1.1.1w  11 Sep 2023", 8, 4, 1, "8.4p1")]
        [InlineData("OpenSSH_9.2, OpenSSL 3.0.22", 9, 2, 0, "9.2")]
        [InlineData(" 10.0p2 ", 10, 0, 2, "10.0p2")]
        public void Parse_ReadsVersionsAndBanners(string text, int major, int minor, int portable, string shown)
        {
            OpenSshVersion version = OpenSshVersion.Parse(text);

            Assert.Equal((major, minor, portable), (version.Major, version.Minor, version.Portable));
            Assert.Equal(shown, version.ToString());
        }

        [Theory]
        [InlineData("")]
        [InlineData("nine")]
        [InlineData("9")]
        [InlineData("v9.2")]
        public void Parse_OfSomethingElse_SaysWhatAVersionLooksLike(string text)
        {
            var error = Assert.Throws<FormatException>(() => OpenSshVersion.Parse(text));

            Assert.Contains("9.2p1", error.Message);
        }

        [Theory]
        [InlineData("9.2p1", "9.2", true)]
        [InlineData("9.2", "9.6", false)]
        [InlineData("10.0p2", "9.6", true)]
        [InlineData("8.4p1", "8.7", false)]
        public void IsAtLeast_ComparesReleasesNotPortableNumbers(string version, string since, bool expected)
        {
            Assert.Equal(expected, OpenSshVersion.Parse(version).IsAtLeast(OpenSshVersion.Parse(since)));
        }

        [Fact]
        public void OfProgram_WhenItCannotRun_IsNull()
        {
            Assert.Null(OpenSshVersion.OfProgram("/nonexistent/ssh"));
        }

        // 8.4's sshd has no -V and names its version in the usage it prints; 9.2's prints "OpenSSH_9.2" without the
        // portable number; 10.0's prints its full banner. Each is read as the release the container runs.
        [SshdOracleTheory]
        [MemberData(nameof(TestbedTools.SuiteRows), MemberType = typeof(TestbedTools))]
        public void OfProgram_OfEachReleasesSshAndSshd_IsThatRelease(string suite)
        {
            TestbedTools tools = TestbedTools.For(suite);
            OpenSshVersion expected = OpenSshVersion.Parse(tools.OpenSshVersion);

            OpenSshVersion? ssh = OpenSshVersion.OfProgram(tools.Ssh);
            OpenSshVersion? sshd = OpenSshVersion.OfProgram(tools.Sshd);

            Assert.Equal(expected, ssh);
            Assert.NotNull(sshd);
            Assert.Equal((expected.Major, expected.Minor), (sshd!.Major, sshd.Minor));
        }
    }

    /// <summary>
    /// Where OpenSSH releases disagree, each difference pinned with both releases' own output, and the resolvers
    /// following the release they report on. The releases are those of the testbed's matrix: Debian's 8.4p1
    /// (bullseye), 9.2p1 (bookworm) and 10.0p2 (trixie).
    /// </summary>
    public sealed class OpenSshReleaseDifferenceTests
    {
        [SshdOracleFact]
        public void ClientChannelTimeout_Ssh92RefusesIt_Ssh100AcceptsIt_AndTheResolverFollowsEach()
        {
            using var dir = new TempDirectory();
            string config = dir.File("config");
            File.WriteAllText(config, "Host web01\n    ChannelTimeout session=5m\n");

            (ProcessOutcome old, ClientResolution oldOurs) = SshG("bookworm", config, "web01");
            (ProcessOutcome current, ClientResolution currentOurs) = SshG("trixie", config, "web01");

            Assert.NotEqual(0, old.ExitCode);
            Assert.Contains($"{config}: line 2: Bad configuration option: channeltimeout", old.Error);
            ConfigDiagnostic refusal = Assert.Single(oldOurs.Diagnostics, d => d.IsError);
            Assert.Equal(config + ":2", refusal.Source!.ToString());
            Assert.Contains("OpenSSH 9.2p1's ssh does not know it (new in 9.6)", refusal.Message);
            Assert.Contains("channeltimeout session=5m", current.Output);
            Assert.False(currentOurs.HasErrors);
            Assert.Equal("session=5m", currentOurs[ClientKeyword.ChannelTimeout].Text);
        }

        [SshdOracleFact]
        public void ServerChannelAndUnusedConnectionTimeouts_Sshd84RefusesThem_Sshd92AcceptsThem_AndTheResolverFollowsEach()
        {
            using var dir = new TempDirectory();
            string config = dir.File("sshd_config");
            File.WriteAllText(config, "ClientAliveInterval 30\nChannelTimeout session=5m\nUnusedConnectionTimeout 1h\n");

            SshdOutput old = SshdOracle.Run(config, null, "bullseye");
            SshdOutput current = SshdOracle.Run(config, null, "bookworm");
            ServerResolution oldOurs = ServerConfigResolver.Load(config, dir.Path, version: OpenSshVersion.Parse("8.4p1")).Resolve();
            ServerResolution currentOurs = ServerConfigResolver.Load(config, dir.Path, version: OpenSshVersion.Parse("9.2p1")).Resolve();

            Assert.NotEqual(0, old.ExitCode);
            Assert.Contains($"{config}: line 2: Bad configuration option: ChannelTimeout", old.Error);
            Assert.Equal(new[] { config + ":2", config + ":3" }, oldOurs.Diagnostics.Where(d => d.IsError).Select(d => d.Source!.ToString()));
            Assert.Contains("OpenSSH 8.4p1's sshd does not know it (new in 9.2)", oldOurs.Diagnostics[0].Message);
            Assert.Equal(0, current.ExitCode);
            Assert.Empty(currentOurs.Diagnostics);
            Assert.Equal(current["ChannelTimeout"], currentOurs["ChannelTimeout"].Text);
            Assert.Equal("3600", current["UnusedConnectionTimeout"]);
            Assert.Equal("3600", currentOurs["UnusedConnectionTimeout"].Text);
        }

        [SshdOracleFact]
        public void PerSourcePenalties_Sshd92RefusesIt_Sshd100AcceptsIt_AndTheResolverFollowsEach()
        {
            using var dir = new TempDirectory();
            string config = dir.File("sshd_config");
            File.WriteAllText(config, "PerSourcePenalties authfail:10\nClientAliveInterval 30\n");

            SshdOutput old = SshdOracle.Run(config, null, "bookworm");
            SshdOutput current = SshdOracle.Run(config, null, "trixie");
            ServerResolution oldOurs = ServerConfigResolver.Load(config, dir.Path, version: OpenSshVersion.Parse("9.2p1")).Resolve();
            ServerResolution currentOurs = ServerConfigResolver.Load(config, dir.Path, version: OpenSshVersion.Parse("10.0p2")).Resolve();

            Assert.Contains($"{config}: line 1: Bad configuration option: PerSourcePenalties", old.Error);
            Assert.Equal(config + ":1", Assert.Single(oldOurs.Diagnostics, d => d.IsError).Source!.ToString());
            Assert.Equal(0, current.ExitCode);
            Assert.Empty(currentOurs.Diagnostics);
            Assert.Equal("30", currentOurs["ClientAliveInterval"].Text);
        }

        // sshd -T of 10.0 prints "channeltimeout none" for an unset ChannelTimeout; 9.2 prints nothing. Both mean no
        // channel timeout, which is what the resolver says for each.
        [SshdOracleFact]
        public void UnsetChannelTimeout_Sshd100PrintsNone_Sshd92PrintsNothing_AndTheResolverSaysNoneForBoth()
        {
            using var dir = new TempDirectory();
            string config = dir.File("sshd_config");
            File.WriteAllText(config, "ClientAliveInterval 30\n");

            SshdOutput old = SshdOracle.Run(config, null, "bookworm");
            SshdOutput current = SshdOracle.Run(config, null, "trixie");

            Assert.Null(old["ChannelTimeout"]);
            Assert.Equal("none", current["ChannelTimeout"]);
            foreach (string version in new[] { "9.2p1", "10.0p2" })
            {
                EffectiveSetting ours = ServerConfigResolver.Load(config, dir.Path, version: OpenSshVersion.Parse(version)).Resolve()["ChannelTimeout"];
                Assert.True(ours.IsDefault);
                Assert.Equal("none", ours.Text);
            }
        }

        // 9.8 stopped building DSA keys in by default: 10.0's ssh no longer tries ~/.ssh/id_dsa.
        [SshdOracleFact]
        public void DefaultIdentityFiles_Ssh92TriesIdDsa_Ssh100DoesNot_AndTheResolverFollowsEach()
        {
            using var dir = new TempDirectory();
            string config = dir.File("config");
            File.WriteAllText(config, "Host web01\n    User alice\n");

            (ProcessOutcome old, ClientResolution oldOurs) = SshG("bookworm", config, "web01");
            (ProcessOutcome current, ClientResolution currentOurs) = SshG("trixie", config, "web01");

            Assert.Contains("identityfile ~/.ssh/id_dsa\n", old.Output);
            Assert.DoesNotContain("id_dsa", current.Output);
            Assert.Equal(IdentityFiles(old.Output), (string[])oldOurs[ClientKeyword.IdentityFile].Value!);
            Assert.Equal(IdentityFiles(current.Output), (string[])currentOurs[ClientKeyword.IdentityFile].Value!);
        }

        // 8.7 moved ssh_config and sshd_config parsing to argv_split: before it, single quotes, backslash escapes and
        // comments after the arguments leave words over.
        [SshdOracleTheory]
        [InlineData("Host web01\n    User 'the admin'\n")]
        [InlineData("Host web01\n    Port 2222 # the admin port\n")]
        [InlineData("Host web01\n    IdentityFile ~/.ssh/key\\ one\n")]
        public void LineSplitting_Ssh84RefusesWhat87OnAccepts_AndTheResolverFollowsEach(string text)
        {
            using var dir = new TempDirectory();
            string config = dir.File("config");
            File.WriteAllText(config, text);

            (ProcessOutcome old, ClientResolution oldOurs) = SshG("bullseye", config, "web01");
            (ProcessOutcome current, ClientResolution currentOurs) = SshG("bookworm", config, "web01");

            Assert.Contains($"{config} line 2: garbage at end of line", old.Error);
            Assert.Equal(config + ":2", Assert.Single(oldOurs.Diagnostics, d => d.IsError).Source!.ToString());
            Assert.Equal(0, current.ExitCode);
            Assert.False(currentOurs.HasErrors);
        }

        // The table in Core against each release's own programs: every keyword it lists is refused exactly by the
        // releases it says are too old.
        [SshdOracleTheory]
        [MemberData(nameof(TestbedTools.SuiteRows), MemberType = typeof(TestbedTools))]
        public void KeywordTable_AgreesWithEachReleasesSshAndSshd(string suite)
        {
            TestbedTools tools = TestbedTools.For(suite);
            var version = OpenSshVersion.Parse(tools.OpenSshVersion);
            using var dir = new TempDirectory();
            string config = dir.File("config");
            var disagreements = new List<string>();
            foreach (OpenSshProgram program in new[] { OpenSshProgram.Client, OpenSshProgram.Server })
            {
                foreach (string keyword in OpenSshReleases.KeywordsNotInEveryRelease(program))
                {
                    File.WriteAllText(config, keyword + " 1\n");
                    string error = program == OpenSshProgram.Client
                        ? ProcessRunner.Run(TimeSpan.FromSeconds(30), tools.Ssh, "-G", "-F", config, "web01").Error
                        : SshdOracle.Run(config, null, suite).Error;
                    bool refused = error.Contains("Bad configuration option");
                    if (refused == OpenSshReleases.AcceptsKeyword(program, keyword, version))
                    {
                        disagreements.Add($"{program} {keyword}: OpenSSH {version} {(refused ? "refuses" : "accepts")} it");
                    }
                }
            }

            Assert.Empty(disagreements);
        }

        private static (ProcessOutcome Ssh, ClientResolution Ours) SshG(string suite, string config, string host)
        {
            TestbedTools tools = TestbedTools.For(suite);
            ProcessOutcome ssh = ProcessRunner.Run(TimeSpan.FromSeconds(30), tools.Ssh, "-G", "-F", config, host);
            ClientEnvironment environment = ClientEnvironment.Current();
            environment.OpenSshVersion = OpenSshVersion.Parse(tools.OpenSshVersion);
            return (ssh, ClientConfigResolver.LoadFile(environment, config).Resolve(host));
        }

        private static string[] IdentityFiles(string sshOutput) =>
            sshOutput.Split('\n').Where(l => l.StartsWith("identityfile ", StringComparison.Ordinal)).Select(l => l.Substring("identityfile ".Length)).ToArray();
    }
}
