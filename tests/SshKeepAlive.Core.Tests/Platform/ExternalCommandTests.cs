using System;
using System.Collections.Concurrent;
using System.IO;
using System.IO.Pipes;
using System.Text;
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
            string[] arguments = { "two words", "a \"quoted\" word", @"back\slash", @"trailing\", @"\\server\share ""x""", string.Empty, "*", "$HOME", "'single'", "new\nline", "tab\there", @"ends ""\", "\"" };

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
        public async Task Run_ManyShortProgramsAtOnce_EachReturnsItsOwnOutput()
        {
            // Thousands of quick exits racing the waits for them: a runner that can lose a completion (CliWrap 3.10's
            // netstandard2.0 build lost about one in three thousand) hangs here instead of returning.
            Task<bool>[] workers = Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
                Enumerable.Range(0, 250).All(run =>
                    ExternalCommand.Run("/bin/echo", new[] { $"{worker}.{run}" }, Wait.Bounded, CancellationToken.None).Output == $"{worker}.{run}\n"))).ToArray();

            Task<bool[]> all = Task.WhenAll(workers);
            Assert.True(await Task.WhenAny(all, Task.Delay(TimeSpan.FromMinutes(5))) == all, "a run never returned");
            Assert.All(await all, Assert.True);
        }

        [Fact]
        public async Task RunPiped_CarriesInputToTheProgramAndItsOutputBack_AndEndsItWhenTheInputEnds()
        {
            string sleep = RunningProcesses.UniqueSleep();
            using var toProgram = new AnonymousPipeServerStream(PipeDirection.Out);
            using var input = new AnonymousPipeClientStream(PipeDirection.In, toProgram.ClientSafePipeHandle);
            using var fromProgram = new AnonymousPipeServerStream(PipeDirection.In);
            using var output = new AnonymousPipeClientStream(PipeDirection.Out, fromProgram.ClientSafePipeHandle);
            var errors = new ConcurrentQueue<string>();
            Task<int> running = ExternalCommand.RunPipedAsync(
                "/bin/sh", new[] { "-c", "read line; echo \"got $line\"; echo oops >&2; " + sleep }, input, output, errors.Enqueue, CancellationToken.None);

            toProgram.Write(Encoding.UTF8.GetBytes("ping\n"));
            toProgram.Flush();
            Assert.Equal("got ping", new StreamReader(fromProgram).ReadLine());
            Assert.True(Wait.Until(() => errors.Contains("oops"), Wait.Bounded), "its standard error never came");
            toProgram.Dispose();

            Assert.Equal(-1, await running);
            Assert.True(Wait.Until(() => RunningProcesses.Count(sleep) == 0, Wait.Bounded), sleep + " was left running");
        }

        [Fact]
        public async Task RunPiped_ReturnsTheExitCodeOfAProgramThatEndsByItself()
        {
            using var input = new BlockingInput();
            using var output = new MemoryStream();

            int exit = await ExternalCommand.RunPipedAsync("/bin/sh", new[] { "-c", "echo bye; exit 7" }, input, output, _ => { }, CancellationToken.None);

            Assert.Equal((7, "bye\n"), (exit, Encoding.UTF8.GetString(output.ToArray())));
        }

        [Fact]
        public void Run_WithATokenAlreadyCancelled_StartsNothing()
        {
            using var stop = new CancellationTokenSource();
            stop.Cancel();

            Assert.ThrowsAny<OperationCanceledException>(() => ExternalCommand.Run("/bin/false", Array.Empty<string>(), Wait.Bounded, stop.Token));
        }

        // A connection that stays open and says nothing until disposed (a ProxyCommand's socket with an idle peer).
        private sealed class BlockingInput : Stream
        {
            private readonly TaskCompletionSource<int> closed = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override int Read(byte[] buffer, int offset, int count) => closed.Task.GetAwaiter().GetResult();

            public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => closed.Task.WaitAsync(cancellationToken);

            public override void Flush()
            {
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                closed.TrySetResult(0);
                base.Dispose(disposing);
            }
        }
    }
}
