using System.Collections.Generic;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.ServerConfig;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Config
{
    public sealed class ServerMatchCriteriaTests
    {
        private static readonly UnixAccounts SystemAccounts = new UnixAccounts();

        [Theory]
        [InlineData("Match User alice", "user=alice", true)]
        [InlineData("Match User alice", "user=Alice", false)]
        [InlineData("Match User alice,bob", "user=bob", true)]
        [InlineData("Match User a*,!admin", "user=admin", false)]
        [InlineData("Match User a*,!admin", "user=anna", true)]
        [InlineData("Match User !root", "user=alice", false)]
        [InlineData("Match User ops?", "user=ops1", true)]
        [InlineData("Match User ops?", "user=ops12", false)]
        [InlineData("Match User alice", "host=h", false)]
        [InlineData("match user=alice", "user=alice", true)]
        [InlineData("Match Host *.example.com", "host=WEB.Example.COM", true)]
        [InlineData("Match Host *.EXAMPLE.com,!bad.*", "host=bad.example.com", false)]
        [InlineData("Match Host *", "user=alice", false)]
        [InlineData("Match RDomain vrf-*", "rdomain=vrf-a", true)]
        [InlineData("Match RDomain vrf-*", "user=alice", false)]
        [InlineData("Match all", "user=alice", true)]
        [InlineData("Match All # everyone", "user=alice", true)]
        [InlineData("Match User alice Host *.example.com", "user=alice,host=a.example.com", true)]
        [InlineData("Match User alice Host *.example.com", "user=alice,host=a.example.org", false)]
        [InlineData("Match User alice Host *.example.com", "user=alice", false)]
        [InlineData("Match LocalPort 2222", "lport=2222", true)]
        [InlineData("Match LocalPort 2222", "lport=22", false)]
        [InlineData("Match User alice # only her", "user=alice", true)]
        public void Evaluate_JudgesCriteriaLikeSshd(string matchLine, string spec, bool expected)
        {
            ServerMatchOutcome outcome = Evaluate(matchLine, ServerConnection.Parse(spec));

            Assert.Null(outcome.Error);
            Assert.Equal(expected, outcome.Matches);
        }

        [Theory]
        [InlineData("10.0.0.0/8", "10.1.2.3", true)]
        [InlineData("10.0.0.0/8", "11.0.0.1", false)]
        [InlineData("198.18.0.0/15", "198.19.255.255", true)]
        [InlineData("198.18.0.0/15", "198.20.0.0", false)]
        [InlineData("198.18.0.0/15,!198.18.1.0/24", "198.18.1.9", false)]
        [InlineData("!198.18.1.0/24,198.18.0.0/15", "198.18.1.9", false)]
        [InlineData("198.18.0.0/15,!198.18.1.0/24", "198.18.2.9", true)]
        [InlineData("!192.0.2.1", "198.18.0.1", false)]
        [InlineData("192.0.2.1", "192.0.2.1", true)]
        [InlineData("192.0.2.*", "192.0.2.77", true)]
        [InlineData("192.0.2.?", "192.0.2.77", false)]
        [InlineData("0.0.0.0/0", "203.0.113.5", true)]
        [InlineData("0.0.0.0/0", "2001:db8::1", false)]
        [InlineData("2001:db8::/32", "2001:db8:ffff::1", true)]
        [InlineData("2001:db8::/32", "2001:db9::1", false)]
        [InlineData("2001:db8:0:1::/64", "2001:db8:0:1:abcd::1", true)]
        [InlineData("::1", "::1", true)]
        [InlineData("::/0", "198.18.0.1", false)]
        [InlineData("not-an-address", "198.18.0.1", false)]
        [InlineData("198.18.0.0/15", "not-an-address", false)]
        public void Evaluate_MatchAddress_FollowsCidrWildcardsAndNegation(string list, string address, bool expected)
        {
            Assert.Equal(expected, Evaluate("Match Address " + list, new ServerConnection(address: address)).Matches);
            Assert.Equal(expected, Evaluate("Match LocalAddress " + list, new ServerConnection(localAddress: address)).Matches);
        }

        [Theory]
        [InlineData("Match Address 10.0.0.1/8", "Invalid Match address argument")]
        [InlineData("Match Address 10.0.0.0/33", "Invalid Match address argument")]
        [InlineData("Match LocalAddress 2001:db8::1/32", "Invalid Match address argument")]
        [InlineData("Match User", "Missing Match criteria for User")]
        [InlineData("Match User # comment", "Missing Match criteria for User")]
        [InlineData("Match", "One or more attributes required for Match")]
        [InlineData("Match Tag x", "Unsupported Match attribute Tag")]
        [InlineData("Match all User alice", "'all' cannot be combined")]
        [InlineData("Match User alice all", "'all' cannot be combined")]
        [InlineData("Match LocalPort ssh-alt", "Invalid LocalPort 'ssh-alt'")]
        [InlineData("Match LocalPort 70000", "Invalid LocalPort '70000'")]
        [InlineData("Match User alice LocalPort 22", "'lport' not in connection test specification")]
        public void Evaluate_WhenSshdWouldRefuseTheLine_ReportsWhy(string matchLine, string expectedError)
        {
            ServerMatchOutcome outcome = Evaluate(matchLine, new ServerConnection(user: "alice", address: "10.1.1.1", localAddress: "2001:db8::1"));

            Assert.False(outcome.Matches);
            Assert.Contains(expectedError, outcome.Error);
        }

        [Theory]
        [InlineData("Match User alice")]
        [InlineData("Match Host *")]
        [InlineData("Match Address 0.0.0.0/0")]
        [InlineData("Match LocalPort 22")]
        public void Evaluate_WithoutAConnection_MatchesNothingButAll(string matchLine)
        {
            ServerMatchOutcome outcome = Evaluate(matchLine, connection: null);

            Assert.Null(outcome.Error);
            Assert.False(outcome.Matches);
            Assert.True(Evaluate("Match all", connection: null).Matches);
        }

        [Theory]
        [InlineData("root", "root", true)]
        [InlineData("root", "root,daemon", true)]
        [InlineData("root", "!root", false)]
        [InlineData("root", "*,!root", false)]
        [InlineData("daemon", "daemon", true)]
        [InlineData("nobody", "nogroup", true)]
        [InlineData("nobody", "root", false)]
        [InlineData("no-such-user-sshka", "*", false)]
        public void Evaluate_MatchGroup_UsesTheSystemAccounts(string user, string groups, bool expected)
        {
            Assert.Equal(expected, Evaluate("Match Group " + groups, new ServerConnection(user: user)).Matches);
        }

        [Fact]
        public void Evaluate_MatchGroup_SeesSupplementaryGroupsFromTheGroupFile()
        {
            using var dir = new TempDirectory();
            System.IO.File.WriteAllText(dir.File("passwd"), "alice:x:1000:1000::/home/alice:/bin/sh\nbob:x:1001:1001::/home/bob:/bin/sh\n");
            System.IO.File.WriteAllText(dir.File("group"), "alice:x:1000:\nbob:x:1001:\nwheel:x:10:carol,alice\nstaff:x:50:bob\n");
            var accounts = new UnixAccounts(dir.File("passwd"), dir.File("group"));

            Assert.Equal(new[] { "alice", "wheel" }, accounts.GroupsOf("alice"));
            Assert.True(Evaluate("Match Group wheel", new ServerConnection(user: "alice"), accounts).Matches);
            Assert.False(Evaluate("Match Group wheel,!alice", new ServerConnection(user: "alice"), accounts).Matches);
            Assert.False(Evaluate("Match Group wheel", new ServerConnection(user: "bob"), accounts).Matches);
            Assert.Null(accounts.GroupsOf("carol"));
        }

        [Fact]
        public void Evaluate_MatchGroupWithoutAccountFiles_WarnsInsteadOfGuessing()
        {
            using var dir = new TempDirectory();
            var accounts = new UnixAccounts(dir.File("passwd"), dir.File("group"));

            ServerMatchOutcome outcome = Evaluate("Match Group wheel", new ServerConnection(user: "alice"), accounts);

            Assert.False(outcome.Matches);
            Assert.Contains("not evaluated", outcome.Warning);
        }

        private static ServerMatchOutcome Evaluate(string matchLine, ServerConnection? connection, UnixAccounts? accounts = null)
        {
            ConfigLine line = ConfigDocument.Parse(matchLine + "\n", "sshd_config").GetLine(1);
            IReadOnlyList<string> criteria = line.MatchCriteria();
            return ServerMatchCriteria.Evaluate(criteria, connection, accounts ?? SystemAccounts);
        }
    }
}
