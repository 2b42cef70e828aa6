using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using CliWrap;

namespace SshKeepAlive.Testing
{
    /// <summary>What a finished (or killed) program printed.</summary>
    public sealed class ProcessOutcome
    {
        public ProcessOutcome(int exitCode, string output, string error, bool timedOut)
        {
            ExitCode = exitCode;
            Output = output;
            Error = error;
            TimedOut = timedOut;
        }

        public int ExitCode { get; }

        public string Output { get; }

        public string Error { get; }

        /// <summary>True when the program was killed at the deadline; ExitCode is then meaningless.</summary>
        public bool TimedOut { get; }
    }

    /// <summary>The tests' way to run a program (ssh -G, sshd -T, diff, stat, ...), on CliWrap (its net10.0 build).</summary>
    public static class ProcessRunner
    {
        private static readonly TimeSpan DefaultDeadline = TimeSpan.FromMinutes(5);

        /// <summary>Runs a program to completion and returns its exit code and standard output.</summary>
        public static (int ExitCode, string Output) Run(string fileName, params string[] arguments)
        {
            ProcessOutcome outcome = Run(DefaultDeadline, fileName, arguments);
            return (outcome.ExitCode, outcome.Output);
        }

        /// <summary>Runs a program to completion and returns its exit code, standard output and standard error.</summary>
        public static (int ExitCode, string Output, string Error) RunWithError(string fileName, params string[] arguments)
        {
            ProcessOutcome outcome = Run(DefaultDeadline, fileName, arguments);
            return (outcome.ExitCode, outcome.Output, outcome.Error);
        }

        /// <summary>
        /// Runs a program with standard input closed, killing it (and its children) if it has not exited within
        /// <paramref name="deadline"/>.
        /// </summary>
        public static ProcessOutcome Run(TimeSpan deadline, string fileName, params string[] arguments) =>
            RunIn(deadline, null, null, fileName, arguments);

        /// <summary>As <see cref="Run(TimeSpan, string, string[])"/>, in <paramref name="workingDirectory"/> and with <paramref name="environment"/> added to this process's.</summary>
        public static ProcessOutcome RunIn(TimeSpan deadline, string? workingDirectory, IReadOnlyDictionary<string, string>? environment, string fileName, params string[] arguments)
        {
            var output = new StringBuilder();
            var error = new StringBuilder();
            using var timeout = new CancellationTokenSource(deadline);
            try
            {
                CommandResult result = Cli.Wrap(fileName)
                    .WithWorkingDirectory(workingDirectory ?? System.IO.Directory.GetCurrentDirectory())
                    .WithEnvironmentVariables(environment?.ToDictionary(e => e.Key, e => (string?)e.Value) ?? new Dictionary<string, string?>())
                    .WithArguments(arguments)
                    .WithValidation(CommandResultValidation.None)
                    .WithStandardOutputPipe(PipeTarget.ToStringBuilder(output, Encoding.UTF8))
                    .WithStandardErrorPipe(PipeTarget.ToStringBuilder(error, Encoding.UTF8))
                    .ExecuteAsync(timeout.Token)
                    .GetAwaiter()
                    .GetResult();
                return new ProcessOutcome(result.ExitCode, output.ToString(), error.ToString(), timedOut: false);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                return new ProcessOutcome(-1, output.ToString(), error.ToString(), timedOut: true);
            }
        }
    }
}
