using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Threading;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Tests
{
    /// <summary>New-PersistentSshSession and Enter-PersistentSsh through the engine: their errors, and sessions to the testbed.</summary>
    public sealed class ConnectionCmdletTests
    {
        [Theory]
        [InlineData("New-PersistentSshSession -HostName 'bad host'", "HostNameInvalid", ErrorCategory.InvalidArgument)]
        [InlineData("Enter-PersistentSsh -HostName 'user@'", "HostNameInvalid", ErrorCategory.InvalidArgument)]
        [InlineData("Enter-PersistentSsh -HostName 127.0.0.1 -SessionName 'a b'", "MultiplexerSessionNameInvalid", ErrorCategory.InvalidArgument)]
        [InlineData("New-PersistentSshSession 127.0.0.1 -ReconnectDelay 10 -ReconnectMaxDelay 5", "ReconnectDelayInvalid", ErrorCategory.InvalidArgument)]
        [InlineData("New-PersistentSshSession 127.0.0.1 -KeyFile /nonexistent/id_ed25519 -ErrorAction Stop", "KeyFileUnusable", ErrorCategory.InvalidArgument)]
        [InlineData("Enter-PersistentSsh 127.0.0.1 -KeyFile /nonexistent/id_ed25519", "KeyFileUnusable", ErrorCategory.InvalidArgument)]
        public void Cmdlet_WithBadInputOrNoServer_StopsWithAStableErrorAndRegistersNothing(string script, string errorId, ErrorCategory category)
        {
            using var session = new ModuleSession();

            var result = session.Run(script);

            ErrorRecord error = Assert.Single(result.Errors);
            Assert.StartsWith(errorId + ",", error.FullyQualifiedErrorId);
            Assert.Equal(category, error.CategoryInfo.Category);
            Assert.NotNull(error.TargetObject);
            Assert.Empty(session.Run("Get-PersistentSshSession").Output);
        }

        [Fact]
        public void NewPersistentSshSession_WhenNothingListens_WritesConnectFailed()
        {
            using var temp = new TempDirectory();
            string key = temp.File("id_ed25519");
            Assert.Equal(0, ProcessRunner.Run("ssh-keygen", "-q", "-t", "ed25519", "-N", string.Empty, "-f", key).ExitCode);
            using var session = new ModuleSession();

            var result = session.Run("New-PersistentSshSession 127.0.0.1 -Port 1 -KeyFile $args[0] -ConnectTimeout 5", key);

            ErrorRecord error = Assert.Single(result.Errors);
            Assert.StartsWith("ConnectionFailed,", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
            Assert.Empty(session.Run("Get-PersistentSshSession").Output);
        }

        [Fact]
        public void NewPersistentSshSession_WhenSshWouldRefuseTheConfig_WritesConfigInvalidNamingTheLine()
        {
            using var temp = new TempDirectory();
            string config = temp.File("ssh_config");
            File.WriteAllText(config, "Host web01\n  Port notaport\n");
            using var session = new ModuleSession();

            var result = session.Run("New-PersistentSshSession web01 -ConfigPath $args[0]", config);

            ErrorRecord error = Assert.Single(result.Errors);
            Assert.StartsWith("ConfigInvalid,", error.FullyQualifiedErrorId);
            Assert.Contains(config + ":2", error.Exception.Message);
        }

        [Fact]
        public void NewPersistentSshSession_WithWhatIf_ConnectsToNothing()
        {
            using var session = new ModuleSession();

            var result = session.Run("New-PersistentSshSession -HostName admin@127.0.0.1 -Port 1 -WhatIf").AssertNoErrors();

            Assert.Empty(result.Output);
            Assert.Empty(session.Run("Get-PersistentSshSession").Output);
        }

        [TestbedFact]
        public void NewPersistentSshSession_ToTheTestbed_IsListed_AndShowsItsReconnectAfterACut()
        {
            using var bed = Testbed.Start();
            using var session = new ModuleSession();
            var created = session.Run(
                "New-PersistentSshSession -HostName $args[0] -Port $args[1] -KeyFile $args[2] -KnownHostsFile $args[3] -StrictHostKeyChecking Yes " +
                "-KeepAliveInterval 1 -KeepAliveCountMax 2 -ReconnectDelay 0.2 -ReconnectMaxDelay 1 -Name testbed -Verbose",
                bed.User + "@" + bed.Server.Address, bed.Server.Port, bed.PrivateKey, bed.KnownHosts).AssertNoErrors();
            Assert.Single(created.Output);
            Assert.Contains(created.Verbose, v => v.Contains("matches " + bed.KnownHosts + ":"));

            bed.Cut();
            Assert.True(WaitFor(session, "Reconnecting"), "never noticed the cut");
            bed.Restore();
            Assert.True(WaitFor(session, "Connected"), "never reconnected");

            var listed = session.Run("Get-PersistentSshSession -Name testbed | ForEach-Object { '{0} {1}' -f $_.State, $_.ReconnectCount }").AssertNoErrors();
            Assert.Equal("Connected 1", Assert.Single(listed.Output).BaseObject);
            var ran = session.Run("Get-PersistentSshSession -Name testbed | Invoke-PersistentSshCommand -Command 'echo ok' | ForEach-Object Output").AssertNoErrors();
            Assert.Equal("ok\n", Assert.Single(ran.Output).BaseObject);
        }

        [TestbedFact]
        public void NewPersistentSshSession_ToAHostAlias_ConnectsAsSshConfigSays_AndParametersOverrideIt()
        {
            using var bed = Testbed.Start();
            using var temp = new TempDirectory();
            string config = temp.File("ssh_config");
            File.WriteAllText(config, string.Join("\n",
                "Host bed",
                "  HostName " + bed.Server.Address,
                "  Port " + bed.Server.Port,
                "  User " + bed.User,
                "  IdentityFile " + bed.PrivateKey,
                "  UserKnownHostsFile " + bed.KnownHosts,
                "  StrictHostKeyChecking yes",
                "  ServerAliveInterval 7",
                "  ServerAliveCountMax 5",
                string.Empty));
            using var session = new ModuleSession();

            var result = session.Run(
                "New-PersistentSshSession bed -ConfigPath $args[0] -KeepAliveCountMax 2 | " +
                "ForEach-Object { '{0} {1} {2}' -f $_.Target, $_.KeepAliveInterval.TotalSeconds, $_.KeepAliveCountMax }; " +
                "Invoke-PersistentSshCommand -Id (Get-PersistentSshSession).Id -Command whoami | ForEach-Object Output",
                config).AssertNoErrors();

            Assert.Equal(new object[] { "bed 7 2", bed.User + "\n" }, result.Output.Select(o => o.BaseObject));
        }

        [TestbedTheory]
        [InlineData("New-PersistentSshSession", "changed", "HostKeyChanged", ErrorCategory.SecurityError)]
        [InlineData("New-PersistentSshSession", "missing", "HostKeyUnknown", ErrorCategory.SecurityError)]
        [InlineData("Enter-PersistentSsh", "missing", "HostKeyUnknown", ErrorCategory.SecurityError)]
        [InlineData("New-PersistentSshSession", "wrong password", "AuthenticationFailed", ErrorCategory.AuthenticationError)]
        public void Cmdlet_WhenTheServerCannotBeTrustedOrLoggedInto_StopsWithAStableError(string cmdlet, string problem, string errorId, ErrorCategory category)
        {
            using var bed = Testbed.Start();
            using var temp = new TempDirectory();
            using var session = new ModuleSession();
            string knownHosts = problem == "missing" ? temp.File("known_hosts") : bed.KnownHosts;
            if (problem == "changed")
            {
                knownHosts = temp.File("known_hosts");
                string otherKey = temp.File("other_host_key");
                Assert.Equal(0, ProcessRunner.Run("ssh-keygen", "-q", "-t", "ed25519", "-N", string.Empty, "-f", otherKey).ExitCode);
                File.WriteAllText(knownHosts, bed.Server.Address + " " + File.ReadAllText(otherKey + ".pub"));
            }

            var credential = new PSCredential(bed.User, new NetworkCredential(string.Empty, problem == "wrong password" ? "wrong" : bed.Password).SecurePassword);
            var result = session.Run(
                cmdlet + " -HostName $args[0] -Port $args[1] -Credential $args[2] -KnownHostsFile $args[3] -StrictHostKeyChecking Yes -ErrorAction Stop",
                bed.Server.Address, bed.Server.Port, credential, knownHosts);

            ErrorRecord error = Assert.Single(result.Errors);
            Assert.StartsWith(errorId + ",", error.FullyQualifiedErrorId);
            Assert.Equal(category, error.CategoryInfo.Category);
            Assert.False(string.IsNullOrEmpty(error.ErrorDetails.RecommendedAction));
            Assert.Empty(session.Run("Get-PersistentSshSession").Output);
        }

        private static bool WaitFor(ModuleSession session, string state) =>
            Wait.Until(() => session.Run("(Get-PersistentSshSession -Name testbed).State.ToString()").Output.SingleOrDefault()?.BaseObject as string == state, Wait.Bounded);
    }
}
