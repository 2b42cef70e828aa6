using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using SshKeepAlive.Core.Sessions;
using SshKeepAlive.Testing;

namespace SshKeepAlive.Bench
{
    /// <summary>What the session benchmarks share: sessions to a testbed server, OpenSSH processes beside them, timing marks.</summary>
    internal static class BenchSessions
    {
        public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

        /// <summary>Settings that reach <paramref name="server"/> with the bed's key and known_hosts, and nothing of this machine's ~/.ssh.</summary>
        public static SshSessionSettings Settings(Testbed bed, TestbedServer server, int keepAliveSeconds, int countMax)
        {
            SshSessionSettings settings = TestbedSessionSettings.For(bed, server);
            settings.ConnectTimeout = TimeSpan.FromSeconds(2);
            settings.KeepAliveInterval = TimeSpan.FromSeconds(keepAliveSeconds);
            settings.KeepAliveCountMax = countMax;
            return settings;
        }

        public static PersistentSshSession Connect(SshSessionSettings settings)
        {
            PersistentSshSession session = settings.CreateSession();
            session.Connect(CancellationToken.None);
            return session;
        }

        /// <summary>Starts ssh (or autossh) with the bed's arguments; its standard output is read by <see cref="WaitForLine"/>.</summary>
        public static Process StartOpenSsh(string program, Testbed bed, TestbedServer server, IEnumerable<string> options, IEnumerable<string> programOptions, params string[] command)
        {
            var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
            start.Environment["AUTOSSH_GATETIME"] = "0";
            foreach (string argument in programOptions.Concat(bed.SshArguments(server, options, command)))
            {
                start.ArgumentList.Add(argument);
            }

            Process process = Process.Start(start)!;
            process.ErrorDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            return process;
        }

        public static void WaitForLine(Process process, string expected, TimeSpan? deadline = null)
        {
            var reading = Task.Run(() =>
            {
                string? line;
                while ((line = process.StandardOutput.ReadLine()) != null && line != expected)
                {
                }

                return line != null;
            });
            if (!reading.Wait(deadline ?? Deadline) || !reading.Result)
            {
                throw new InvalidOperationException($"{process.StartInfo.FileName} never printed '{expected}'");
            }
        }

        public static void Stop(Process process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
        }

        public static int FreePort()
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        /// <summary>The one-minute load average: other work shares the cores and skews every timing.</summary>
        public static string LoadAverage() => System.IO.File.ReadAllText("/proc/loadavg").Split(' ')[0];

        public static double Median(IEnumerable<double> values)
        {
            var sorted = values.OrderBy(v => v).ToList();
            return sorted[sorted.Count / 2];
        }

        /// <summary>The moment something happened, on a stopwatch started by the event that provoked it.</summary>
        public sealed class Mark
        {
            private readonly Stopwatch clock;
            private readonly TaskCompletionSource<double> happened = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);

            public Mark(Stopwatch clock) => this.clock = clock;

            public void Set() => happened.TrySetResult(clock.Elapsed.TotalSeconds);

            public double Wait(string what, TimeSpan? deadline = null) =>
                happened.Task.Wait(deadline ?? Deadline) ? happened.Task.Result : throw new InvalidOperationException($"timed out waiting {(deadline ?? Deadline).TotalSeconds} s for {what}");
        }
    }
}
