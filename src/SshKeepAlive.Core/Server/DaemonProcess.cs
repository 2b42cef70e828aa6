using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;

namespace SshKeepAlive.Core.Server
{
    /// <summary>Waiting on a daemon process: bounded polls that Ctrl-C ends, and whether it can take a SIGHUP now.</summary>
    internal static class DaemonProcess
    {
        private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

        /// <summary>
        /// Whether the process now catches SIGHUP. sshd ignores SIGHUP from the moment it re-executes itself for a
        /// reload until the new image has set its handler again (sshd.c: sighup_restart, then main), so a SIGHUP sent
        /// in between is lost. Linux lists caught signals in /proc/PID/status (SigCgt, a hex mask; bit 0 is SIGHUP);
        /// elsewhere the answer is yes.
        /// </summary>
        public static bool CatchesHangup(int pid)
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                return true;
            }

            try
            {
                string? caught = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(line => line.StartsWith("SigCgt:", StringComparison.Ordinal));
                return caught != null && (ulong.Parse(caught.Substring("SigCgt:".Length).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & 1) != 0;
            }
            catch (IOException)
            {
                return false; // gone, or going
            }
        }

        // Polls until the condition holds (true) or the limit passes (false); cancellable between polls.
        public static bool WaitUntil(Func<bool> condition, TimeSpan limit, CancellationToken cancellationToken)
        {
            var wait = Stopwatch.StartNew();
            while (wait.Elapsed < limit)
            {
                if (condition())
                {
                    return true;
                }

                Pause(Poll, cancellationToken);
            }

            return false;
        }

        public static void Pause(TimeSpan interval, CancellationToken cancellationToken)
        {
            if (cancellationToken.WaitHandle.WaitOne(interval))
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
    }
}
