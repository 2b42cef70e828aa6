using System;
using System.Collections.Generic;
using SshKeepAlive.Core.OpenSsh;
using Xunit;

namespace SshKeepAlive.Core.Tests.Sessions
{
    public sealed class SshTargetTests
    {
        [Theory]
        [InlineData("web01", null, "web01", null)]
        [InlineData("admin@web01", "admin", "web01", null)]
        [InlineData("a@b@web01", "a@b", "web01", null)]
        [InlineData("ssh://admin@web01:2222", "admin", "web01", 2222)]
        [InlineData("ssh://[2001:db8::1]:22", null, "2001:db8::1", 22)]
        public void Parse_AcceptsSshDestinations(string destination, string? user, string host, int? port)
        {
            var target = SshTarget.Parse(destination);

            Assert.Equal(user, target.User);
            Assert.Equal(host, target.Host);
            Assert.Equal(port, target.Port);
        }

        [Theory]
        [InlineData("")]
        [InlineData("admin@")]
        [InlineData("web 01")]
        [InlineData("ssh://web01:99999")]
        public void Parse_RejectsMalformedDestinations(string destination)
        {
            Assert.ThrowsAny<Exception>(() => SshTarget.Parse(destination));
        }
    }
}
