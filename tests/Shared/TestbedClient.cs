using System.Collections.Generic;
using System.Diagnostics;

namespace SshKeepAlive.Testing
{
    /// <summary>Long-running OpenSSH clients against the testbed.</summary>
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
    }
}
