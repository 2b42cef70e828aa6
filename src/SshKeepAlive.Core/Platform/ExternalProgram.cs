using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Linq;

namespace SshKeepAlive.Core.Platform
{
    /// <summary>What a program said: its exit code and both output streams; <see cref="Started"/> false when it could not run.</summary>
    public sealed class CommandOutput
    {
        public CommandOutput(int exitCode, string output, string error, bool started = true)
        {
            ExitCode = exitCode;
            Output = output;
            Error = error;
            Started = started;
        }

        /// <summary>The exit code; -1 when the program did not start or was stopped at its time limit.</summary>
        public int ExitCode { get; }

        public string Output { get; }

        public string Error { get; }

        /// <summary>False when the program is missing or could not be started (then <see cref="Error"/> says why).</summary>
        public bool Started { get; }

        public bool Succeeded => Started && ExitCode == 0;

        /// <summary>The outcome of a program that could not be started.</summary>
        public static CommandOutput NotStarted(string reason) => new CommandOutput(-1, string.Empty, reason, started: false);
    }

    /// <summary>Runs a program to completion with its output captured, stopping it at a time limit.</summary>
    internal static class ExternalProgram
    {
        /// <summary>Long enough for sshd -t or ssh -G on a loaded machine, short enough that a hung program cannot hang a command.</summary>
        public static readonly TimeSpan DefaultTimeLimit = TimeSpan.FromSeconds(30);

        public static CommandOutput Run(string fileName, IEnumerable<string> arguments, TimeSpan? timeLimit = null)
        {
            var start = new ProcessStartInfo(fileName, string.Join(" ", arguments.Select(Quote)))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            Process process;
            try
            {
                process = Process.Start(start)!;
            }
            catch (Win32Exception ex)
            {
                return CommandOutput.NotStarted($"{fileName}: {ex.Message}");
            }

            using (process)
            {
                process.StandardInput.Close();
                var output = process.StandardOutput.ReadToEndAsync();
                var error = process.StandardError.ReadToEndAsync();
                if (!process.WaitForExit((int)(timeLimit ?? DefaultTimeLimit).TotalMilliseconds))
                {
                    try
                    {
                        process.Kill();
                    }
                    catch (InvalidOperationException)
                    {
                        // It exited just now.
                    }

                    process.WaitForExit();
                    return new CommandOutput(-1, output.Result, error.Result + $"{fileName} did not finish within {(timeLimit ?? DefaultTimeLimit).TotalSeconds:0} s and was stopped.");
                }

                process.WaitForExit();
                return new CommandOutput(process.ExitCode, output.Result, error.Result);
            }
        }

        /// <summary>One argument in the command-line convention .NET splits Arguments by.</summary>
        private static string Quote(string argument) =>
            argument.Length > 0 && argument.IndexOfAny(new[] { ' ', '"', '\t' }) < 0 ? argument : "\"" + argument.Replace("\"", "\\\"") + "\"";
    }
}
