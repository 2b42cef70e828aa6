using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.ConfigDocuments;

namespace SshKeepAlive.Bench
{
    /// <summary>
    /// Client config resolution against spawning ssh -G: 10,000 host names resolved on a generated 2,000-line
    /// config with Include drop-ins, versus ssh -G for a sample of the same hosts; then parsing a 100,000-line
    /// file, against ssh -G reading the same file.
    /// </summary>
    internal sealed class ClientConfigBenchmark : IBenchmark
    {
        private const int Hosts = 10_000;
        private const int SshSample = 40;

        public string Name => "client-config";

        public string Description => "resolve hosts on a 2,000-line ssh_config with Includes vs ssh -G; parse a 100,000-line file";

        public IEnumerable<Measurement> Run() =>
            BenchmarkFolder.Use("sshka-bench-", directory => new[] { MeasureResolve(directory), MeasureParseTime(directory, out Measurement memory), memory });

        private static Measurement MeasureResolve(string directory)
        {
            string config = WriteConfig(directory, lines: 2_000, dropIns: 8);
            var random = new Random(42);
            string[] hosts = Enumerable.Range(0, Hosts).Select(_ => HostName(random)).ToArray();
            ClientEnvironment environment = ClientEnvironment.Current();

            var stopwatch = Stopwatch.StartNew();
            var resolver = ClientConfigResolver.LoadFile(environment, config);
            int errors = 0;
            foreach (string host in hosts)
            {
                errors += resolver.Resolve(host).HasErrors ? 1 : 0;
            }

            double ours = stopwatch.Elapsed.TotalMilliseconds * 1000 / Hosts;
            if (errors > 0)
            {
                throw new InvalidOperationException("The generated config should resolve without errors.");
            }

            stopwatch.Restart();
            foreach (string host in hosts.Take(SshSample))
            {
                RunSshDashG(config, host);
            }

            double ssh = stopwatch.Elapsed.TotalMilliseconds * 1000 / SshSample;
            double emptySsh = Median(() => RunSshDashG("/dev/null", "web1")) * 1000;
            return new Measurement("resolve one host (2,000 lines, 8 Include drop-ins)", ours, ssh, "us/host", 100,
                string.Format(CultureInfo.InvariantCulture, "{0} hosts resolved (load included) vs ssh -G -F on {1} of them; ssh -G on an empty config: {2:F0} us ({3:F0}x)",
                    Hosts, SshSample, emptySsh, emptySsh / ours));
        }

        private static Measurement MeasureParseTime(string directory, out Measurement memory)
        {
            string big = WriteConfig(Path.Combine(directory, "big"), lines: 100_000, dropIns: 0);
            long fileBytes = new FileInfo(big).Length;
            for (int i = 0; i < 3; i++)
            {
                ConfigDocument.Load(big); // warm-up: measure steady-state code, not the JIT
            }

            double parseMs = Median(() => ConfigDocument.Load(big));
            double sshMs = Median(() => RunSshDashG(big, "web1"));

            GC.Collect();
            GC.WaitForPendingFinalizers();
            long before = GC.GetTotalMemory(forceFullCollection: true);
            ConfigDocument document = ConfigDocument.Load(big);
            long retained = GC.GetTotalMemory(forceFullCollection: true) - before;
            GC.KeepAlive(document);

            memory = new Measurement("memory held by a parsed 100,000-line file", retained / 1048576.0, fileBytes / 1048576.0, "MiB", 0.05,
                "baseline = the file's own size; target: at most 20x the file size");
            return new Measurement("parse a 100,000-line file", parseMs, sshMs, "ms", 1,
                "ConfigDocument.Load vs ssh -G -F reading the same file; median of 5 each");
        }

        internal static double Median(Action action)
        {
            var times = new List<double>();
            for (int i = 0; i < 5; i++)
            {
                var stopwatch = Stopwatch.StartNew();
                action();
                times.Add(stopwatch.Elapsed.TotalMilliseconds);
            }

            return times.OrderBy(t => t).ElementAt(times.Count / 2);
        }

        internal static void RunSshDashG(string config, string host)
        {
            var start = new ProcessStartInfo("ssh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string argument in new[] { "-G", "-F", config, host })
            {
                start.ArgumentList.Add(argument);
            }

            using Process process = Process.Start(start)!;
            var errors = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"ssh -G failed on the generated config: {errors.Result}");
            }
        }

        private static string HostName(Random random) => random.Next(4) switch
        {
            0 => "web" + random.Next(400),
            1 => "db" + random.Next(400) + ".prod.example.com",
            2 => "host" + random.Next(10_000) + ".example.org",
            _ => "alias" + random.Next(400),
        };

        // A realistic mix: Host blocks with several patterns and negations, Match host after HostName, drop-ins.
        internal static string WriteConfig(string directory, int lines, int dropIns)
        {
            Directory.CreateDirectory(Path.Combine(directory, "conf.d"));
            string main = Path.Combine(directory, "config");
            var text = new StringBuilder();
            int perFile = lines / (dropIns + 1);
            for (int file = 0; file < dropIns; file++)
            {
                File.WriteAllText(Path.Combine(directory, "conf.d", file.ToString("D2", CultureInfo.InvariantCulture) + ".conf"), Blocks(file * 1000, perFile));
            }

            if (dropIns > 0)
            {
                text.Append("Include ").Append(Path.Combine(directory, "conf.d", "*.conf")).Append('\n');
            }

            text.Append(Blocks(900_000, lines - perFile * dropIns - 4));
            text.Append("Host *\n    ServerAliveInterval 60\n    ServerAliveCountMax 3\n");
            File.WriteAllText(main, text.ToString());
            return main;
        }

        private static string Blocks(int seed, int lines)
        {
            var text = new StringBuilder();
            int written = 0;
            for (int block = 0; written + 5 <= lines; block++)
            {
                int n = seed + block;
                switch (block % 4)
                {
                    case 0:
                        text.Append($"Host alias{n % 400} web{n % 400}x !bad{n}\n    HostName db{n % 400}.prod.example.com\n    Port {2000 + (n % 1000)}\n    # block {n}\n\n");
                        break;
                    case 1:
                        text.Append($"Match host db{n % 400}.prod.example.com,!db0.*\n    User u{n}\n    ServerAliveInterval {n % 90}s\n    IdentityFile ~/.ssh/id_{n}\n\n");
                        break;
                    case 2:
                        text.Append($"Host web{n % 400} web{n % 400}.*\n    ServerAliveInterval=1m{n % 60}s\n    TCPKeepAlive no\n    ConnectTimeout \"{n % 30 + 1}\"\n\n");
                        break;
                    default:
                        text.Append($"Host host{n % 10000}.example.org\n\tStrictHostKeyChecking accept-new\n\tUserKnownHostsFile ~/.ssh/kh_{n}\n\tConnectionAttempts 2\n\n");
                        break;
                }

                written += 5;
            }

            return text.ToString();
        }
    }
}
