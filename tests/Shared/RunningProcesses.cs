using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace SshKeepAlive.Testing
{
    /// <summary>What runs on this (Linux) machine, to prove a stopped command left nothing behind.</summary>
    public static class RunningProcesses
    {
        /// <summary>A sleep no other process runs: "sleep 300.NNNNNN", its argument unique to the caller.</summary>
        public static string UniqueSleep() => "sleep 300." + new Random().Next(100000, 999999);

        /// <summary>How many live processes have exactly this command line (arguments joined by spaces).</summary>
        public static int Count(string commandLine) => Arguments().Count(argv => string.Join(" ", argv) == commandLine);

        /// <summary>The argument vector of every live process.</summary>
        public static IEnumerable<string[]> Arguments() =>
            Directory.EnumerateDirectories("/proc")
                .Where(d => int.TryParse(Path.GetFileName(d), out _))
                .Select(d => ReadOrEmpty(Path.Combine(d, "cmdline")))
                .Where(cmdline => cmdline.Length > 0)
                .Select(cmdline => cmdline.TrimEnd('\0').Split('\0'));

        private static string ReadOrEmpty(string path)
        {
            try
            {
                return File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return string.Empty; // exited meanwhile
            }
        }
    }
}
