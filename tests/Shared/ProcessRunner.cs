using System;
using System.Diagnostics;

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

    public static class ProcessRunner
    {
        /// <summary>Runs a program to completion and returns its exit code and standard output.</summary>
        public static (int ExitCode, string Output) Run(string fileName, params string[] arguments)
        {
            ProcessOutcome outcome = Run(TimeSpan.FromMinutes(5), fileName, arguments);
            return (outcome.ExitCode, outcome.Output);
        }

        /// <summary>Runs a program to completion and returns its exit code, standard output and standard error.</summary>
        public static (int ExitCode, string Output, string Error) RunWithError(string fileName, params string[] arguments)
        {
            ProcessOutcome outcome = Run(TimeSpan.FromMinutes(5), fileName, arguments);
            return (outcome.ExitCode, outcome.Output, outcome.Error);
        }

        /// <summary>Runs a program, killing it (and its children) if it has not exited within <paramref name="deadline"/>.</summary>
        public static ProcessOutcome Run(TimeSpan deadline, string fileName, params string[] arguments)
        {
            var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using Process process = Process.Start(start)!;
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            bool exited = process.WaitForExit((int)deadline.TotalMilliseconds);
            if (!exited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }

            return new ProcessOutcome(exited ? process.ExitCode : -1, output.Result, error.Result, timedOut: !exited);
        }
    }
}
