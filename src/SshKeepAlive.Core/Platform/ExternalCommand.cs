using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using CliWrap;

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
    /// The one way Core runs another program (sshd -t, systemctl, Match exec, ...): each argument passed as
    /// it is (CliWrap quotes them for the platform), standard input closed, output and error read as
    /// UTF-8, and the program killed with every process it started when the time limit passes or the
    /// caller cancels (Ctrl-C in the cmdlets).
    /// </summary>
    public static class ExternalCommand
    {
        // netstandard2.0 has only Process.Kill(); the runtimes PowerShell 7 runs on also have Kill(bool
        // entireProcessTree), and CliWrap's netstandard2.0 build kills only the direct child on Unix.
        // Without the tree, a cancelled "sh -c 'sleep 30; true'" would leave its sleep running.
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
            var output = new StringBuilder();
            var error = new StringBuilder();
            Command command = Cli.Wrap(program)
                .WithArguments(argumentList)
                .WithValidation(CommandResultValidation.None)
                .WithStandardOutputPipe(PipeTarget.ToStringBuilder(output, Encoding.UTF8))
                .WithStandardErrorPipe(PipeTarget.ToStringBuilder(error, Encoding.UTF8));

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            using var kill = new CancellationTokenSource();
            Process? started = null;
            int stopped = 0;
            using (deadline.Token.Register(() =>
            {
                // The tree first: once CliWrap has killed the direct child, its children are no longer found under it.
                Volatile.Write(ref stopped, 1);
                Kill(Volatile.Read(ref started));
                kill.Cancel();
            }))
            {
                CommandResult? result = null;
                try
                {
                    result = await command
                        .ExecuteAsync(null, process => Volatile.Write(ref started, process), kill.Token)
                        .ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (kill.IsCancellationRequested)
                {
                    // Reported below.
                }

                // A program killed by the tree kill may exit before CliWrap hears of the cancellation: its exit code
                // is then the kill's, not an answer.
                if (result != null && Volatile.Read(ref stopped) == 0)
                {
                    return new ExternalCommandResult(result.ExitCode, output.ToString(), error.ToString());
                }

                string commandLine = string.Join(" ", new[] { program }.Concat(argumentList));
                throw cancellationToken.IsCancellationRequested
                    ? new OperationCanceledException($"'{commandLine}' was stopped.", cancellationToken)
                    : new ExternalCommandTimeoutException(commandLine, timeout);
            }
        }

        /// <summary>
        /// Runs <paramref name="program"/> with its standard input read from <paramref name="input"/> and its standard output
        /// written to <paramref name="output"/> (a ProxyCommand carrying a connection) until it exits, or until the caller
        /// cancels or <paramref name="input"/> ends (the connection it carried is closed), either of which kills it with its
        /// children, as ssh kills its ProxyCommand. Each line it writes to standard error goes to <paramref name="errorLine"/>.
        /// </summary>
        /// <returns>Its exit code; on cancellation an <see cref="OperationCanceledException"/>.</returns>
        /// <exception cref="System.ComponentModel.Win32Exception">The program could not be started.</exception>
        public static async Task<int> RunPipedAsync(string program, IEnumerable<string> arguments, System.IO.Stream input, System.IO.Stream output, Action<string> errorLine, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Command command = Cli.Wrap(program)
                .WithArguments(arguments.ToArray())
                .WithValidation(CommandResultValidation.None)
                .WithStandardOutputPipe(PipeTarget.ToStream(output))
                .WithStandardErrorPipe(PipeTarget.ToDelegate(errorLine, Encoding.UTF8));
            using var kill = new CancellationTokenSource();
            using var inputEnded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            command = command.WithStandardInputPipe(PipeSource.Create(async (stdin, token) =>
            {
                try
                {
                    await input.CopyToAsync(stdin, 81920, token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is System.IO.IOException || ex is ObjectDisposedException)
                {
                    // The connection broke: the same as its end.
                }

                inputEnded.Cancel();
            }));
            Process? started = null;
            using (inputEnded.Token.Register(() =>
            {
                Kill(Volatile.Read(ref started));
                kill.Cancel();
            }))
            {
                try
                {
                    CommandResult result = await command.ExecuteAsync(null, process => Volatile.Write(ref started, process), kill.Token).ConfigureAwait(false);
                    return result.ExitCode;
                }
                catch (OperationCanceledException) when (kill.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    return -1;
                }
            }
        }

        private static void Kill(Process? process)
        {
            if (process == null)
            {
                return;
            }

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
                // Already exited (or exiting): CliWrap's own kill and wait follow.
            }
        }
    }
}
