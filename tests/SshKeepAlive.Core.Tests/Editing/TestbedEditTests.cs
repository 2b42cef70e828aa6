using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Editing;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Editing
{
    /// <summary>A client edit proven on a real connection (the server side goes through the cmdlet: tests/Set-SshKeepAlive.Tests.ps1).</summary>
    public sealed class TestbedEditTests
    {
        private static readonly ConfigEditor Editor = new ConfigEditor(new ResolverLookup(ClientEnvironment.Current()));

        [TestbedFact]
        public void SetClientServerAlive_ForTheServersAddress_KeepsAnIdleSessionAliveThroughTheFirewall()
        {
            using var bed = SshKeepAlive.Testing.Testbed.Start(idleTimeoutSeconds: 5);
            using var dir = new TempDirectory();
            string config = dir.File("config");
            File.WriteAllText(config, "Host *\n    ServerAliveInterval 0\n");
            var request = new EditRequest(
                EditScope.Client, config, IncludeRules.ForUserClientConfig(dir.Path), bed.Server.Address, TimeoutChanges.KeepAlive(EditScope.Client, "2", null, null), createIfMissing: false);

            Editor.Apply(request, new ApplyOptions { NoBackup = true });
            string[] arguments = bed.SshArguments(bed.Server, Array.Empty<string>(), "echo a; sleep 15; echo b");
            arguments[Array.IndexOf(arguments, "/dev/null")] = config;
            ProcessOutcome ssh = ProcessRunner.Run(TimeSpan.FromSeconds(30), "ssh", arguments);

            Assert.False(ssh.TimedOut, "ssh hung: the keepalive written did not take effect: " + ssh.Error);
            Assert.Equal("a\nb\n", ssh.Output);
        }
    }
}
