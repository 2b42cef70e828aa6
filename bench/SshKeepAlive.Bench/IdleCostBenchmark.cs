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

        // Tiered compilation recompiles the keepalive path's methods once they have run often enough, which with 20
        // keepalives a second goes on for about a minute after connecting (seen with dotnet-counters: 28 ms of JIT per
        // second at first, under 1 ms after a minute): the window measures the steady state after it.
        private static readonly TimeSpan JitSettle = TimeSpan.FromSeconds(60);

        // Thread names (/proc/PID/task/TID/comm, cut to 15 bytes): SSH.NET starts each connection's message listener as
        // a long-running task (Session.Connect, ThreadAbstraction.ExecuteThreadLongRunning), which .NET names so.
        private const string ListenerThread = ".NET Long Runni";
        private const string TimerThread = "SshKeepAlive ti";
        private const string PoolThread = ".NET TP Worker";
        private const string SocketEngineThread = ".NET Sockets";
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
            var readySince = Stopwatch.StartNew();

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
                TimeSpan sinceReady = readySince.Elapsed;
                Thread.Sleep(sinceReady < JitSettle ? JitSettle - sinceReady : TimeSpan.Zero);
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
                int listeners = oursStart.Listeners - oursEmpty.Listeners;
                int others = oursStart.Threads - oursEmpty.Threads - listeners;
                yield return new Measurement("threads per idle session", (oursStart.Threads - oursEmpty.Threads) / (double)added, sshStart.Threads / (double)Sessions, "threads", double.PositiveInfinity,
                    notes + $"; ours {oursEmpty.Threads} threads with one session, {oursStart.Threads} with {Sessions}, of which {listeners} more are SSH.NET's message listeners: " +
                    "SSH.NET runs one per connection (Session.Connect starts Session.MessageListener, a blocking read loop, as a long-running task), the keepalive timer is one for all");
                // A pool worker retiring meanwhile makes the count negative: none were added.
                yield return new Measurement("threads per idle session besides SSH.NET's listeners", Math.Max(0, others) / (double)added, sshStart.Threads / (double)Sessions, "threads", 10,
                    notes + $"; {others} threads added by {added} sessions that are not SSH.NET's message listeners (thread pool, timer, socket engine); " +
                    "target: at most one for every ten sessions, i.e. not growing with them");
                long oursCpu = oursEnd.CpuMilliseconds - oursStart.CpuMilliseconds;
                string Share(string name) => FormattableString.Invariant($"{oursEnd.CpuSince(oursStart, name) / keepAlives:0.###}");
                long named = new[] { TimerThread, ListenerThread, PoolThread, SocketEngineThread }.Sum(name => oursEnd.CpuSince(oursStart, name));
                string breakdown = $"ours per keepalive by thread: the keepalive timer {Share(TimerThread)} ms (our tick, and SSH.NET building, encrypting and sending the request), " +
                    $"SSH.NET's listeners {Share(ListenerThread)} ms (reading, decrypting and dispatching the reply, and our reply callback), " +
                    $"pool workers {Share(PoolThread)} ms and the socket engine {Share(SocketEngineThread)} ms (.NET waking the listener for each packet), " +
                    FormattableString.Invariant($"the rest {(oursCpu - named) / keepAlives:0.###} ms (GC, JIT, threads that ended)");
                yield return new Measurement("CPU per keepalive", oursCpu / keepAlives, (sshEnd.CpuMilliseconds - sshStart.CpuMilliseconds) / keepAlives, "ms", 1,
                    notes + $"; {keepAlives:0} keepalives each (user+system time from /proc, 10 ms ticks), ours measured from {JitSettle.TotalSeconds:0} s after connecting (tiered JIT settled); " +
                    "ours pays a thread-pool wake-up per packet received: .NET's socket engine hands each read event of a socket once used asynchronously " +
                    "(SSH.NET connects every socket so, SocketAbstraction.ConnectCore) to a pool worker, which spins before it sleeps; " +
                    $"{breakdown}; load average {LoadAverage()} at the end");
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
            private Sample(long pssKiB, int threads, int listeners, long cpuMilliseconds, IReadOnlyDictionary<string, long> cpuByThreadName)
            {
                PssKiB = pssKiB;
                Threads = threads;
                Listeners = listeners;
                CpuMilliseconds = cpuMilliseconds;
                CpuByThreadName = cpuByThreadName;
            }

            public long PssKiB { get; }

            public int Threads { get; }

            /// <summary>Threads named as SSH.NET's message listeners are.</summary>
            public int Listeners { get; }

            public long CpuMilliseconds { get; }

            /// <summary>CPU time of the live threads, summed by thread name.</summary>
            public IReadOnlyDictionary<string, long> CpuByThreadName { get; }

            /// <summary>CPU time the threads named <paramref name="name"/> spent between <paramref name="start"/> and this sample.</summary>
            public long CpuSince(Sample start, string name) =>
                CpuByThreadName.GetValueOrDefault(name) - start.CpuByThreadName.GetValueOrDefault(name);

            public static Sample Of(int pid)
            {
                long pss = File.ReadAllLines($"/proc/{pid}/smaps_rollup").Where(l => l.StartsWith("Pss:", StringComparison.Ordinal))
                    .Sum(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture));
                string[] tasks = Directory.GetDirectories($"/proc/{pid}/task");
                int threads = tasks.Length;
                int listeners = tasks.Count(task => NameOf(task) == ListenerThread);
                var byName = new Dictionary<string, long>();
                foreach (string task in tasks)
                {
                    if (NameOf(task) is string name && CpuOf(Path.Combine(task, "stat")) is long cpu)
                    {
                        byName[name] = byName.GetValueOrDefault(name) + cpu;
                    }
                }

                return new Sample(pss, threads, listeners, CpuOf($"/proc/{pid}/stat") ?? 0, byName);
            }

            // User and system time of a process or thread (10 ms ticks); null when it has ended.
            private static long? CpuOf(string statPath)
            {
                string stat;
                try
                {
                    stat = File.ReadAllText(statPath);
                }
                catch (IOException)
                {
                    return null;
                }

                string[] fields = stat.Substring(stat.LastIndexOf(')') + 2).Split(' ');
                return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10;
            }

            // A thread that ended since the listing has no name.
            private static string? NameOf(string task)
            {
                try
                {
                    return File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n');
                }
                catch (IOException)
                {
                    return null;
                }
            }

            public static Sample Sum(IEnumerable<int> pids)
            {
                List<Sample> samples = pids.Select(Of).ToList();
                return new Sample(samples.Sum(s => s.PssKiB), samples.Sum(s => s.Threads), samples.Sum(s => s.Listeners), samples.Sum(s => s.CpuMilliseconds), new Dictionary<string, long>());
            }
        }
    }
}
