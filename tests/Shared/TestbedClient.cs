using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace SshKeepAlive.Testing
{
    /// <summary>Long-running OpenSSH clients against the testbed, and waiting for what they cause.</summary>
    public static class TestbedClient
    {
        /// <summary>Starts ssh to a server with <paramref name="options"/> (ssh -o values) running <paramref name="command"/>.</summary>
        public static Process StartSsh(Testbed bed, IEnumerable<string> options, string command)
        {
            var start = new ProcessStartInfo("ssh") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string argument in bed.SshArguments(bed.Server, options, command))
            {
                start.ArgumentList.Add(argument);
            }

            return Process.Start(start)!;
        }

        /// <summary>Polls <paramref name="condition"/> until it holds (true) or <paramref name="limit"/> has passed (false).</summary>
        public static bool WaitUntil(Func<bool> condition, TimeSpan limit)
        {
            var waited = Stopwatch.StartNew();
            while (!condition())
            {
                if (waited.Elapsed > limit)
                {
                    return false;
                }

                Thread.Sleep(100);
            }

            return true;
        }
    }
}
