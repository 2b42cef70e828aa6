using System.Diagnostics;

namespace SshKeepAlive.Testing
{
    public static class ProcessRunner
    {
        /// <summary>Runs a program to completion and returns its exit code and standard output.</summary>
        public static (int ExitCode, string Output) Run(string fileName, params string[] arguments)
        {
            (int exitCode, string output, string _) = RunWithError(fileName, arguments);
            return (exitCode, output);
        }

        /// <summary>Runs a program to completion and returns its exit code, standard output and standard error.</summary>
        public static (int ExitCode, string Output, string Error) RunWithError(string fileName, params string[] arguments)
        {
            var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using Process process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output, error.Result);
        }
    }
}
