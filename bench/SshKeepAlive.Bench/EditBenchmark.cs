using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Editing;

namespace SshKeepAlive.Bench
{
    /// <summary>
    /// Editing one host in ever larger configs (1k, 10k and 100k Host blocks, and a 50 MB file) with the editor
    /// as Set-SshKeepAlive runs it (plan under the lock, resolver checks, backup, atomic write), against ssh -G
    /// reading the same file. Edit time must grow linearly (100k blocks within 12x the 10k time), the 50 MB edit
    /// stay within 3x of ssh -G, and the memory the edit holds stay within 20x the file's size.
    /// </summary>
    internal sealed class EditBenchmark : IBenchmark
    {
        private const int LinesPerBlock = 5;

        public string Name => "edit";

        public string Description => "edit one host in configs of 1k/10k/100k Host blocks and 50 MB, vs ssh -G on the same file";

        public IEnumerable<Measurement> Run() => BenchmarkFolder.Use("sshka-bench-edit-", Measure);

        private static IReadOnlyList<Measurement> Measure(string directory)
        {
            var results = new List<Measurement>();
            var times = new Dictionary<int, double>();
            foreach (int blocks in new[] { 1_000, 10_000, 100_000 })
            {
                string config = ClientConfigBenchmark.WriteConfig(Path.Combine(directory, blocks.ToString(CultureInfo.InvariantCulture)), blocks * LinesPerBlock, dropIns: 0);
                (double ours, double ssh, _) = Measure(config, directory, runs: blocks >= 100_000 ? 3 : 5);
                times[blocks] = ours;
                results.Add(new Measurement($"edit one host, {blocks:N0} Host blocks", ours, ssh, "ms", 0, "ConfigEditor.Apply (backup on) vs ssh -G -F on the same file; median"));
            }

            double growth = times[100_000] / times[10_000];
            results.Add(new Measurement("edit time growth, 10k to 100k blocks", growth, 12, "x", 1,
                string.Format(CultureInfo.InvariantCulture, "{0:F0} ms / {1:F0} ms; target: at most 12x for 10x the blocks (linear)", times[100_000], times[10_000])));

            string big = WriteFileOfSize(Path.Combine(directory, "50mb"), 50L << 20);
            long size = new FileInfo(big).Length;
            (double bigOurs, double bigSsh, double peak) = Measure(big, directory, runs: 1);
            results.Add(new Measurement("edit one host in a 50 MB file", bigOurs, bigSsh, "ms", 1.0 / 3,
                string.Format(CultureInfo.InvariantCulture, "{0:N0} lines; ConfigEditor.Apply (backup on) vs ssh -G -F; target: within 3x of ssh -G", File.ReadLines(big).LongCount())));
            results.Add(new Measurement("memory held while editing the 50 MB file", peak / 1048576.0, size / 1048576.0, "MiB", 0.05,
                "peak managed heap above the start, sampled every 5 ms; baseline = the file's own size; target: at most 20x"));
            return results;
        }

        // Our edit (median of runs, each on a fresh copy) and ssh -G on the same file; peak managed memory of the last edit.
        private static (double Ours, double Ssh, double PeakBytes) Measure(string config, string directory, int runs)
        {
            string host = HostWithOwnBlock(config);
            var editor = new ConfigEditor(new ResolverLookup(ClientEnvironment.Current()));
            string state = Path.Combine(directory, "state");
            byte[] original = File.ReadAllBytes(config);
            var times = new List<double>();
            double peak = 0;
            for (int run = 0; run < runs; run++)
            {
                File.WriteAllBytes(config, original);
                var request = new EditRequest(EditScope.Client, config, IncludeRules.ForUserClientConfig(directory), host,
                    new[] { SettingChange.Set("ServerAliveInterval", SettingKind.Time, (77 + run).ToString(CultureInfo.InvariantCulture)) }, createIfMissing: false);
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                long start = GC.GetTotalMemory(forceFullCollection: true);
                long highest = start;
                using var done = new ManualResetEventSlim();
                var sampler = new Thread(() =>
                {
                    while (!done.Wait(5))
                    {
                        highest = Math.Max(highest, GC.GetTotalMemory(false));
                    }
                });
                sampler.Start();
                var stopwatch = Stopwatch.StartNew();
                EditResult result = editor.Apply(request, new ApplyOptions { StateDirectory = state });
                times.Add(stopwatch.Elapsed.TotalMilliseconds);
                done.Set();
                sampler.Join();
                peak = highest - start;
                if (!result.Changed)
                {
                    throw new InvalidOperationException($"The edit of {host} changed nothing.");
                }
            }

            double ssh = ClientConfigBenchmark.Median(() => ClientConfigBenchmark.RunSshDashG(config, host));
            return (times.OrderBy(t => t).ElementAt(times.Count / 2), ssh, peak);
        }

        // A host in the middle of the file with a Host block of its own (the generated "Host hostN.example.org").
        private static string HostWithOwnBlock(string config)
        {
            string[] hosts = File.ReadLines(config).Where(l => l.StartsWith("Host host", StringComparison.Ordinal)).Select(l => l.Substring(5)).ToArray();
            return hosts[hosts.Length / 2];
        }

        private static string WriteFileOfSize(string directory, long bytes)
        {
            string probe = ClientConfigBenchmark.WriteConfig(directory, 10_000, dropIns: 0);
            long perLine = Math.Max(1, new FileInfo(probe).Length / File.ReadLines(probe).LongCount());
            return ClientConfigBenchmark.WriteConfig(directory, (int)(bytes / perLine), dropIns: 0);
        }
    }
}
