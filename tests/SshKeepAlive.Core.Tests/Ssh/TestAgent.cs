using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Ssh
{
    /// <summary>A real ssh-agent on a socket of its own, stopped on dispose.</summary>
    public sealed class TestAgent : IDisposable
    {
        private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(10);
        private readonly Process process;

        public TestAgent(string directory)
        {
            SocketPath = Path.Combine(directory, "agent.sock");
            var start = new ProcessStartInfo("ssh-agent") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string argument in new[] { "-D", "-a", SocketPath })
            {
                start.ArgumentList.Add(argument);
            }

            process = Process.Start(start)!;
            var waited = Stopwatch.StartNew();
            while (!File.Exists(SocketPath))
            {
                Assert.True(waited.Elapsed < StartDeadline && !process.HasExited, "ssh-agent did not create its socket.");
                Thread.Sleep(20);
            }
        }

        public string SocketPath { get; }

        public void Add(string privateKeyFile)
        {
            ProcessOutcome outcome = ProcessRunner.Run(StartDeadline, "env", "SSH_AUTH_SOCK=" + SocketPath, "ssh-add", "-q", privateKeyFile);
            Assert.True(outcome.ExitCode == 0, "ssh-add failed: " + outcome.Error);
        }

        public void Dispose()
        {
            process.Kill();
            process.WaitForExit();
            process.Dispose();
        }
    }
}
