using System.IO;
using System.Linq;
using SshKeepAlive.Core.Editing;
using SshKeepAlive.Core.Errors;
using Xunit;
using static SshKeepAlive.Core.Tests.Editing.EditFixture;

namespace SshKeepAlive.Core.Tests.Editing
{
    /// <summary>
    /// Which hosts a client edit is for, as ssh matches them: "*" is the default for hosts without a value of
    /// their own (whether or not the file has a "Host *" block), host names are case-sensitive, and user@host
    /// keeps its user for Match user; and the tidy results users expect (their own block reused, emptied blocks gone).
    /// </summary>
    public sealed class HostTargetEditTests
    {
        [Theory]
        [InlineData("Host web01\n  ServerAliveInterval 5\n")]
        [InlineData("Host *\n  User carol\nHost web01\n  ServerAliveInterval 5\n")]
        [InlineData("Host web01\n  ServerAliveInterval 5\nHost *\n  User carol\n")]
        public void SetForEveryHost_KeepsTheValueOfAHostThatHasItsOwn_WithOrWithoutAHostStarBlock(string original)
        {
            using var fx = new EditFixture();
            string path = fx.Write("config", original);

            EditResult result = fx.Apply(fx.ClientRequest(path, "*", Interval(60)));

            Assert.Equal("5", SshG(path, "web01", "ServerAliveInterval"));
            Assert.Equal("60", SshG(path, "db01", "ServerAliveInterval"));
            string warning = Assert.Single(result.Warnings);
            Assert.Contains("Host web01", warning);
            Assert.Contains(path + ":" + (original.StartsWith("Host web01") ? 2 : 4), warning);
        }

        [Fact]
        public void SetForEveryHost_WhenAGlobalLineWinsForEveryone_ChangesItInPlace()
        {
            using var fx = new EditFixture();
            string path = fx.Write("config", "ServerAliveInterval 3\nHost web01\n  ServerAliveInterval 8\n");

            fx.Apply(fx.ClientRequest(path, "*", Interval(60)));

            Assert.Equal("ServerAliveInterval 60\nHost web01\n  ServerAliveInterval 8\n", File.ReadAllText(path));
        }

        [Fact]
        public void SetForEveryHost_WhenThatWouldOverrideAHostsOwnValue_IsRefusedNamingTheHost()
        {
            using var fx = new EditFixture();
            // "Host * !web01" gives everyone but web01 its value; a new line above it would reach web01 first.
            string original = "Host * !web01\n  ServerAliveInterval 3\nHost web01\n  ServerAliveInterval 8\n";
            string path = fx.Write("config", original);

            var error = Assert.Throws<ConfigEditException>(() => fx.Apply(fx.ClientRequest(path, "*", Interval(60))));

            Assert.Equal(ErrorId.EditChangesOtherHosts, error.Id);
            Assert.Contains("web01", error.Message);
            Assert.Equal(original, File.ReadAllText(path));
        }

        [Fact]
        public void Reset_ForALowercaseHost_LeavesAnUppercaseHostsBlockAlone()
        {
            using var fx = new EditFixture();
            string original = "Host WEB01\n  ServerAliveInterval 30\n";
            string path = fx.Write("config", original);

            EditResult result = fx.Apply(fx.ClientRequest(path, "web01", TimeoutChanges.KeepAliveRemoval(EditScope.Client).ToArray()));

            Assert.False(result.Changed);
            Assert.Equal(original, File.ReadAllText(path));
            Assert.Equal("30", SshG(path, "WEB01", "ServerAliveInterval"));
        }

        [Fact]
        public void Set_ForALowercaseHost_BesideAnUppercaseHostsBlock_AddsABlockOfItsOwn()
        {
            using var fx = new EditFixture();
            string path = fx.Write("config", "Host WEB01\n  ServerAliveInterval 30\n");

            fx.Apply(fx.ClientRequest(path, "web01", Interval(60)));

            Assert.Equal("60", SshG(path, "web01", "ServerAliveInterval"));
            Assert.Equal("30", SshG(path, "WEB01", "ServerAliveInterval"));
        }

        [Fact]
        public void Set_ForUserAtHost_TakesEffectOverAMatchUserBlock()
        {
            using var fx = new EditFixture();
            string path = fx.Write("config", "Match user alice\n  ServerAliveInterval 5\n");

            fx.Apply(fx.ClientRequest(path, "alice@web01", Interval(60)));

            Assert.Equal("60", SshG(path, "alice@web01", "ServerAliveInterval"));
            Assert.Equal("5", SshG(path, "alice@db01", "ServerAliveInterval"));
        }

        [Fact]
        public void Set_WhenTheHostsOwnBlockIsReadBeforeTheLineThatWins_AddsToThatBlock()
        {
            using var fx = new EditFixture();
            string path = fx.Write("config", "Host web01\n  User dave\nHost *\n  ServerAliveInterval 10\n");

            fx.Apply(fx.ClientRequest(path, "web01", Interval(60)));

            Assert.Equal("Host web01\n  User dave\n  ServerAliveInterval 60\nHost *\n  ServerAliveInterval 10\n", File.ReadAllText(path));
        }

        [Fact]
        public void Set_WhenTheLineThatWinsComesThroughAnIncludeInTheHostsOwnBlock_PutsTheLineAboveTheInclude()
        {
            using var fx = new EditFixture();
            string common = fx.Write("common.conf", "ServerAliveInterval 30\n");
            string path = fx.Write("config", $"Host web01\n  Include {common}\nHost db01\n  Include {common}\n");

            fx.Apply(fx.ClientRequest(path, "web01", Interval(60)));

            Assert.Equal($"Host web01\n  ServerAliveInterval 60\n  Include {common}\nHost db01\n  Include {common}\n", File.ReadAllText(path));
        }

        [Theory]
        [InlineData("Host db\n  User x\n")]
        [InlineData("Host db\n  User x\n\nHost *\n  ServerAliveInterval 10\n")]
        [InlineData("ServerAliveInterval 10\nUser carol\n")]
        [InlineData("")]
        public void SetThenReset_ThreeTimes_GivesTheFileBackByteForByte(string original)
        {
            using var fx = new EditFixture();
            string path = fx.Write("config", original);

            for (int i = 0; i < 3; i++)
            {
                fx.Apply(fx.ClientRequest(path, "web01", Interval(60), CountMax(4)));
                Assert.Equal("60", SshG(path, "web01", "ServerAliveInterval"));
                fx.Apply(fx.ClientRequest(path, "web01", TimeoutChanges.KeepAliveRemoval(EditScope.Client).ToArray()));
            }

            Assert.Equal(original, File.ReadAllText(path));
        }

        [Fact]
        public void Reset_KeepsABlockThatStillHoldsAComment()
        {
            using var fx = new EditFixture();
            string path = fx.Write("config", "Host web01\n  # keepalive for the flaky link\n  ServerAliveInterval 60\n");

            fx.Apply(fx.ClientRequest(path, "web01", TimeoutChanges.KeepAliveRemoval(EditScope.Client).ToArray()));

            Assert.Equal("Host web01\n  # keepalive for the flaky link\n", File.ReadAllText(path));
        }
    }
}
