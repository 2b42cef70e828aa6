using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using SshKeepAlive.Core.Sessions;
using SshKeepAlive.Testing;
using static SshKeepAlive.Bench.BenchSessions;

namespace SshKeepAlive.Bench
{
    /// <summary>
    /// What idle sessions cost: 100 of ours in one process (a child of this one, so its own memory, threads and CPU
    /// are counted) against 100 <c>ssh -N</c> processes, both with a keepalive every 5 s, to two servers of one
    /// testbed. Memory is proportional set size (shared pages split between their users), read from /proc.
    /// </summary>
    internal sealed class IdleCostBenchmark : IBenchmark
    {
        public const string HostMode = "--host-sessions";
        private const int Sessions = 100;
        private const int KeepAliveInterval = 5;
        private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);
        private static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

        public string Name => "idle-cost";

        public string Description => "100 idle sessions in one process vs 100 ssh -N: memory and threads per session, CPU per keepalive (testbed, root)";

        /// <summary>The child: connects one session, says "warm", waits for a line, connects the rest, says "ready", waits for end of input.</summary>
        public static int Host(string[] args)
        {
            int count = int.Parse(args[6], CultureInfo.InvariantCulture);
            int interval = args.Length > 7 ? int.Parse(args[7], CultureInfo.InvariantCulture) : KeepAliveInterval;
            var sessions = new List<PersistentSshSession>();
            PersistentSshSession Open()
            {
                SshSessionSettings settings = TestbedSessionSettings.For(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), args[3], args[4], args[5]);
                settings.KeepAliveInterval = TimeSpan.FromSeconds(interval);
                return Connect(settings);
            }

            sessions.Add(Open());
            Console.WriteLine("warm");
            Console.ReadLine();
            while (sessions.Count < count)
            {
                sessions.Add(Open());
            }

            Console.WriteLine("ready");
            Console.ReadLine();
            sessions.ForEach(s => s.Dispose());
            return 0;
        }

        public IEnumerable<Measurement> Run()
        {
            if (Testbed.SkipReason != null)
            {
                throw new InvalidOperationException(Testbed.SkipReason);
            }

            using var bed = Testbed.Start(servers: 2);
            foreach (TestbedServer server in bed.Servers)
            {
                File.AppendAllText(server.SshdConfig, "MaxStartups 200\nMaxSessions 10\n");
                bed.Reload(server.Index);
            }

            using Process ours = StartHost(bed, bed.Servers[0]);
            WaitForLine(ours, "warm");
            Thread.Sleep(Settle);
            Sample oursEmpty = Sample.Of(ours.Id);
            ours.StandardInput.WriteLine("go");
            WaitForLine(ours, "ready");

            string[] options = { $"ServerAliveInterval={KeepAliveInterval}", "ServerAliveCountMax=3", "PermitLocalCommand=yes", "LocalCommand=echo ready" };
            var ssh = new List<Process>();
            try
            {
                for (int i = 0; i < Sessions; i++)
                {
                    Process process = StartOpenSsh("ssh", bed, bed.Servers[1], options, new[] { "-N" });
                    WaitForLine(process, "ready");
                    ssh.Add(process);
                }

                Thread.Sleep(Settle);
                Sample oursStart = Sample.Of(ours.Id);
                Sample sshStart = Sample.Sum(ssh.Select(p => p.Id));
                Thread.Sleep(Window);
                Sample oursEnd = Sample.Of(ours.Id);
                Sample sshEnd = Sample.Sum(ssh.Select(p => p.Id));

                int added = Sessions - 1;
                double keepAlives = Sessions * Window.TotalSeconds / KeepAliveInterval;
                string notes = $"{Sessions} sessions, ServerAliveInterval {KeepAliveInterval}; idle {Window.TotalSeconds:0} s";
                double perSession = (oursStart.PssKiB - oursEmpty.PssKiB) / 1024.0 / added;
                yield return new Measurement("memory per idle session", perSession, sshStart.PssKiB / 1024.0 / Sessions, "MiB", 1,
                    notes + $"; ours: proportional set size added by {added} sessions to a process holding one ({oursEmpty.PssKiB / 1024.0:0.#} MiB); ssh: per process; " +
                    $"at most 1 MiB per session: {(perSession <= 1 ? "met" : "missed")}");
                yield return new Measurement("threads per idle session", (oursStart.Threads - oursEmpty.Threads) / (double)added, sshStart.Threads / (double)Sessions, "threads", double.PositiveInfinity,
                    notes + $"; ours {oursEmpty.Threads} threads with one session, {oursStart.Threads} with {Sessions}: SSH.NET runs one listener thread per connection (Session.MessageListener), the keepalive timer is one for all");
                yield return new Measurement("CPU per keepalive", (oursEnd.CpuMilliseconds - oursStart.CpuMilliseconds) / keepAlives, (sshEnd.CpuMilliseconds - sshStart.CpuMilliseconds) / keepAlives, "ms", 1,
                    notes + $"; {keepAlives:0} keepalives each (user+system time from /proc, 10 ms ticks). Ours pays a thread-pool wake-up per packet received: " +
                    ".NET's socket engine hands each read event of a socket once used asynchronously (SSH.NET connects every socket so) to a pool worker, which spins before it sleeps");
            }
            finally
            {
                ssh.ForEach(Stop);
                ours.StandardInput.Close();
                if (!ours.WaitForExit(10000))
                {
                    Stop(ours);
                }
            }
        }

        private static Process StartHost(Testbed bed, TestbedServer server)
        {
            var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
            {
                start.ArgumentList.Add(typeof(IdleCostBenchmark).Assembly.Location);
            }

            foreach (string argument in new[] { HostMode, server.Address, server.Port.ToString(CultureInfo.InvariantCulture), bed.User, bed.PrivateKey, bed.KnownHosts, Sessions.ToString(CultureInfo.InvariantCulture) })
            {
                start.ArgumentList.Add(argument);
            }

            return Process.Start(start)!;
        }

        /// <summary>A process's (or processes') proportional set size, threads and CPU time so far.</summary>
        private sealed class Sample
        {
            private Sample(long pssKiB, int threads, long cpuMilliseconds)
            {
                PssKiB = pssKiB;
                Threads = threads;
                CpuMilliseconds = cpuMilliseconds;
            }

            public long PssKiB { get; }

            public int Threads { get; }

            public long CpuMilliseconds { get; }

            public static Sample Of(int pid)
            {
                long pss = File.ReadAllLines($"/proc/{pid}/smaps_rollup").Where(l => l.StartsWith("Pss:", StringComparison.Ordinal))
                    .Sum(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture));
                int threads = Directory.GetDirectories($"/proc/{pid}/task").Length;
                string stat = File.ReadAllText($"/proc/{pid}/stat");
                string[] fields = stat.Substring(stat.LastIndexOf(')') + 2).Split(' ');
                long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                return new Sample(pss, threads, ticks * 10);
            }

            public static Sample Sum(IEnumerable<int> pids)
            {
                List<Sample> samples = pids.Select(Of).ToList();
                return new Sample(samples.Sum(s => s.PssKiB), samples.Sum(s => s.Threads), samples.Sum(s => s.CpuMilliseconds));
            }
        }
    }
}
