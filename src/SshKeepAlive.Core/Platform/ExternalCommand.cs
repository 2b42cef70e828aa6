using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using System.IO;

namespace SshKeepAlive.Core.Platform
{
    /// <summary>What a finished external command printed.</summary>
    public sealed class ExternalCommandResult
    {
        public ExternalCommandResult(int exitCode, string output, string error)
        {
            ExitCode = exitCode;
            Output = output;
            Error = error;
        }

        public int ExitCode { get; }

        public string Output { get; }

        public string Error { get; }
    }

    /// <summary>An external command ran past its time limit and was killed, with its children.</summary>
    public sealed class ExternalCommandTimeoutException : TimeoutException
    {
        public ExternalCommandTimeoutException(string commandLine, TimeSpan timeout)
            : base($"'{commandLine}' did not finish within {timeout.TotalSeconds:0.#} s and was stopped.")
        {
            CommandLine = commandLine;
            Timeout = timeout;
        }

        public string CommandLine { get; }

        public TimeSpan Timeout { get; }
    }

    /// <summary>
    /// The one way Core runs another program (sshd -t, systemctl, Match exec, a ProxyCommand, ...): each argument passed
    /// as it is, standard input closed (or fed), output and error read as UTF-8, and the program killed with every process
    /// it started when the time limit passes or the caller cancels (Ctrl-C in the cmdlets).
    /// </summary>
    /// <remarks>
    /// On System.Diagnostics.Process directly, not CliWrap: CliWrap 3.10's netstandard2.0 build (the one this module
    /// loads) waits for its pipes through a polyfilled ManualResetValueTaskSourceCore whose lazily created
    /// TaskCompletionSource two threads can each create, so a completion can land in one the waiter never sees; the
    /// call then hangs for ever, past its own cancellation (seen as a Pester run stuck in "readlink" after the child
    /// had exited). Every wait here is on a task whose completion cannot be lost, and a cancelled wait returns at once.
    /// </remarks>
    public static class ExternalCommand
    {
        // After the kill at a deadline or Ctrl-C: how long to wait for the exit before reporting anyway.
        private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(5);

        // netstandard2.0 has only Process.Kill(); the runtimes PowerShell 7 runs on also have Kill(bool
        // entireProcessTree). Without the tree, a cancelled "sh -c 'sleep 30; true'" would leave its sleep running.
        private static readonly MethodInfo? KillTree = typeof(Process).GetMethod(nameof(Process.Kill), new[] { typeof(bool) });

        /// <summary>Runs <paramref name="program"/> to completion; see <see cref="RunAsync"/>.</summary>
        public static ExternalCommandResult Run(string program, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken) =>
            RunAsync(program, arguments, timeout, cancellationToken).GetAwaiter().GetResult();

        /// <summary>Runs <paramref name="program"/> to completion, whatever its exit code.</summary>
        /// <exception cref="ExternalCommandTimeoutException">It ran longer than <paramref name="timeout"/>; it was killed.</exception>
        /// <exception cref="OperationCanceledException">The caller cancelled; it was killed.</exception>
        /// <exception cref="System.ComponentModel.Win32Exception">The program could not be started.</exception>
        public static async Task<ExternalCommandResult> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string[] argumentList = arguments.ToArray();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            using Process process = Start(program, argumentList);
            Task exited = ExitOf(process);
            process.StandardInput.Close();
            Task<byte[]> output = ReadToEndAsync(process.StandardOutput.BaseStream);
            Task<byte[]> error = ReadToEndAsync(process.StandardError.BaseStream);

            // A program's output can outlive it (a child it left running holds the pipe): read until both close, within the limit.
            if (await CompletesAsync(Task.WhenAll(exited, output, error), deadline.Token).ConfigureAwait(false))
            {
                return new ExternalCommandResult(process.ExitCode, Utf8(output.Result), Utf8(error.Result));
            }

            await KillAsync(process, exited).ConfigureAwait(false);
            string commandLine = string.Join(" ", new[] { program }.Concat(argumentList));
            throw cancellationToken.IsCancellationRequested
                ? new OperationCanceledException($"'{commandLine}' was stopped.", cancellationToken)
                : new ExternalCommandTimeoutException(commandLine, timeout);
        }

        /// <summary>
        /// Runs <paramref name="program"/> with its standard input read from <paramref name="input"/> and its standard output
        /// written to <paramref name="output"/> (a ProxyCommand carrying a connection) until it exits, or until the caller
        /// cancels or <paramref name="input"/> ends (the connection it carried is closed), either of which kills it with its
        /// children, as ssh kills its ProxyCommand. Each line it writes to standard error goes to <paramref name="errorLine"/>.
        /// </summary>
        /// <returns>Its exit code, or -1 when the end of <paramref name="input"/> ended it; on cancellation an <see cref="OperationCanceledException"/>.</returns>
        /// <exception cref="System.ComponentModel.Win32Exception">The program could not be started.</exception>
        public static async Task<int> RunPipedAsync(string program, IEnumerable<string> arguments, Stream input, Stream output, Action<string> errorLine, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var stopFeeding = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using Process process = Start(program, arguments.ToArray());
            Task exited = ExitOf(process);
            Task inputEnded = FeedAsync(input, process.StandardInput.BaseStream, stopFeeding.Token);
            Task carried = Task.WhenAll(
                CarryAsync(process.StandardOutput.BaseStream, output, cancellationToken),
                ForEachLineAsync(process.StandardError, errorLine));
            try
            {
                if (await CompletesAsync(Task.WhenAny(exited, inputEnded), cancellationToken).ConfigureAwait(false) && exited.IsCompleted)
                {
                    // What it wrote before exiting still belongs to the connection.
                    await CompletesAsync(carried, cancellationToken).ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                    return process.ExitCode;
                }

                await KillAsync(process, exited).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                return -1;
            }
            finally
            {
                stopFeeding.Cancel();
                Observe(inputEnded);
                Observe(carried);
            }
        }

        private static Process Start(string program, IReadOnlyList<string> arguments)
        {
            var process = new Process
            {
                StartInfo = new ProcessStartInfo(program, CommandLineArguments.Join(arguments))
                {
                    UseShellExecute = false,
                    CreateNoWindow = true,
                    RedirectStandardInput = true,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                },
                EnableRaisingEvents = true,
            };
            try
            {
                process.Start();
                return process;
            }
            catch
            {
                process.Dispose();
                throw;
            }
        }

        // Completed once the process has exited: from Exited, or from HasExited when it ended before the handler was added.
        private static Task ExitOf(Process process)
        {
            var exit = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            process.Exited += (sender, e) => exit.TrySetResult(true);
            if (process.HasExited)
            {
                exit.TrySetResult(true);
            }

            return exit.Task;
        }

        // True when the task completed, false when the token was cancelled first (the task is then left to itself).
        private static async Task<bool> CompletesAsync(Task task, CancellationToken cancellationToken)
        {
            try
            {
                await task.WaitOrCancelAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Observe(task);
                return false;
            }
        }

        private static async Task<byte[]> ReadToEndAsync(Stream stream)
        {
            using var bytes = new MemoryStream();
            await stream.CopyToAsync(bytes).ConfigureAwait(false);
            return bytes.ToArray();
        }

        private static string Utf8(byte[] bytes) => new UTF8Encoding(false).GetString(bytes);

        // Copies the connection to the program's standard input until the connection ends, then closes that input.
        private static async Task FeedAsync(Stream input, Stream stdin, CancellationToken cancellationToken)
        {
            try
            {
                await input.CopyToAsync(stdin, 81920, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException || ex is OperationCanceledException)
            {
                // The connection broke, or the program went: the same as its end.
            }
            finally
            {
                try
                {
                    stdin.Dispose();
                }
                catch (IOException)
                {
                    // The program had already closed its end.
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
        }

        // The program's output to the connection; a connection closed under it ends the copy, as the program's end does.
        private static async Task CarryAsync(Stream from, Stream to, CancellationToken cancellationToken)
        {
            try
            {
                await from.CopyToAsync(to, 81920, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException || ex is OperationCanceledException)
            {
                // Nothing left to carry it to.
            }
        }

        private static async Task ForEachLineAsync(StreamReader reader, Action<string> line)
        {
            string? next;
            while ((next = await reader.ReadLineAsync().ConfigureAwait(false)) != null)
            {
                line(next);
            }
        }

        private static async Task KillAsync(Process process, Task exited)
        {
            Kill(process);
            await Task.WhenAny(exited, Task.Delay(KillWait)).ConfigureAwait(false);
        }

        private static void Kill(Process process)
        {
            try
            {
                if (KillTree != null)
                {
                    KillTree.Invoke(process, new object[] { true });
                }
                else
                {
                    process.Kill();
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException || ex is TargetInvocationException || ex is System.ComponentModel.Win32Exception)
            {
                // Already exited (or exiting).
            }
        }

        // A task left running once its caller gave up: its failure (a pipe closed under it) is expected and not reported.
        private static void Observe(Task task) =>
            task.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
