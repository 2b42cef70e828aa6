using System;
using System.Collections.Generic;
using SshKeepAlive.Core.Sessions;
using Xunit;

namespace SshKeepAlive.Core.Tests.Sessions
{
    public sealed class SshNetKeepAliveTests
    {
        [Fact]
        public void EnsureSupported_BindsTheInternalsOfTheBundledSshNet()
        {
            // If this fails after an SSH.NET upgrade, dead-peer detection is broken: see SshNetKeepAlive's remarks.
            SshNetKeepAlive.EnsureSupported();
        }
    }
}
