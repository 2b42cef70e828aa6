using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Platform
{
    /// <summary>The one process runner: arguments as given, exit code and output, time limits and Ctrl-C.</summary>
    public sealed class ExternalCommandTests
    {
        [Fact]
        public void Run_PassesEveryArgumentAsItIs()
        {
            string[] arguments = { "two words", "a \"quoted\" word", @"back\slash", @"trailing\", @"\\server\share ""x""", string.Empty, "*", "$HOME", "'single'" };

            ExternalCommandResult result = ExternalCommand.Run("printf", new[] { "[%s]\\n" }.Concat(arguments), Wait.Bounded, CancellationToken.None);

            Assert.Equal(string.Concat(arguments.Select(a => $"[{a}]\n")), result.Output);
        }

        [Fact]
        public void Run_ReturnsExitCodeOutputAndErrorWithStandardInputClosed()
        {
            ExternalCommandResult result = ExternalCommand.Run("/bin/sh", new[] { "-c", "cat; echo out; echo err >&2; exit 3" }, Wait.Bounded, CancellationToken.None);

            Assert.Equal((3, "out\n", "err\n"), (result.ExitCode, result.Output, result.Error));
        }

        [Fact]
        public void Run_PastItsTimeLimit_KillsTheProgramAndItsChildren_AndSaysWhichCommand()
        {
            string sleep = RunningProcesses.UniqueSleep();

            var error = Assert.Throws<ExternalCommandTimeoutException>(
                () => ExternalCommand.Run("/bin/sh", new[] { "-c", sleep + "; true" }, TimeSpan.FromMilliseconds(300), CancellationToken.None));

            Assert.Contains(sleep, error.Message);
            Assert.Contains("0.3 s", error.Message);
            Assert.True(Wait.Until(() => RunningProcesses.Count(sleep) == 0, Wait.Bounded), sleep + " was left running");
        }

        [Fact]
        public void Run_WhenCancelled_StopsAtOnce_AndKillsTheProgramAndItsChildren()
        {
            string sleep = RunningProcesses.UniqueSleep();
            using var stop = new CancellationTokenSource();
            Task<ExternalCommandResult> running = Task.Run(() => ExternalCommand.Run("/bin/sh", new[] { "-c", sleep + "; true" }, TimeSpan.FromMinutes(10), stop.Token));
            Assert.True(Wait.Until(() => RunningProcesses.Count(sleep) == 1, Wait.Bounded), sleep + " never started");

            var stopping = Stopwatch.StartNew();
            stop.Cancel();

            Assert.ThrowsAny<OperationCanceledException>(() => running.GetAwaiter().GetResult());
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"took {stopping.Elapsed} to stop a 300 s command");
            Assert.True(Wait.Until(() => RunningProcesses.Count(sleep) == 0, Wait.Bounded), sleep + " was left running");
        }

        [Fact]
        public void Run_WithATokenAlreadyCancelled_StartsNothing()
        {
            using var stop = new CancellationTokenSource();
            stop.Cancel();

            Assert.ThrowsAny<OperationCanceledException>(() => ExternalCommand.Run("/bin/false", Array.Empty<string>(), Wait.Bounded, stop.Token));
        }
    }
}
