using System.Diagnostics;

namespace SshKeepAlive.Testing
{
    public static class ProcessRunner
    {
        /// <summary>Runs a program to completion and returns its exit code and standard output.</summary>
        public static (int ExitCode, string Output) Run(string fileName, params string[] arguments)
        {
            var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using Process process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }
    }
}
