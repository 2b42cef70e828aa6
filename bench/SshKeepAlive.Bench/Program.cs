using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace SshKeepAlive.Bench
{
    /// <summary>
    /// dotnet run -c Release --project bench/SshKeepAlive.Bench [-- name…]: runs the named benchmarks (all
    /// by default), prints each ratio against its same-run baseline, appends rows to bench/RESULTS.md.
    /// </summary>
    internal static class Program
    {
        // Benchmarks register here as they are written.
        private static readonly IReadOnlyList<IBenchmark> All = new IBenchmark[]
        {
            new SessionBenchmark(),
            new ClientConfigBenchmark(),
            new IdleTimeoutBenchmark(),
            new EditBenchmark(),
            new ForwardBenchmark(),
            new JumpBenchmark(),
            new IdleCostBenchmark(),
            new FleetBenchmark(),
        };

        private static int Main(string[] args)
        {
            if (args.Length > 0 && args[0] == IdleCostBenchmark.HostMode)
            {
                return IdleCostBenchmark.Host(args);
            }

            if (args.Contains("--list"))
            {
                foreach (IBenchmark benchmark in All)
                {
                    Console.WriteLine($"{benchmark.Name,-24} {benchmark.Description}");
                }

                return 0;
            }

            var unknown = args.Where(a => All.All(b => b.Name != a)).ToList();
            if (unknown.Count > 0)
            {
                Console.Error.WriteLine("Unknown benchmark(s): " + string.Join(", ", unknown) + ". See --list.");
                return 2;
            }

            var selected = args.Length == 0 ? All : All.Where(b => args.Contains(b.Name)).ToList();
            if (selected.Count == 0)
            {
                Console.WriteLine("No benchmarks registered yet.");
                return 0;
            }

            bool allMet = true;
            foreach (IBenchmark benchmark in selected)
            {
                Console.WriteLine($"== {benchmark.Name}: {benchmark.Description}");
                foreach (Measurement m in benchmark.Run())
                {
                    allMet &= m.MeetsTarget;
                    Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
                        "{0}: ours {1:G4} {2}, baseline {3:G4} {2}, ratio {4:F1}x (target {5}) {6}",
                        m.Metric, m.Candidate, m.Unit, m.Baseline, m.Ratio, m.Target, m.MeetsTarget ? "MET" : "MISSED"));
                    AppendResult(benchmark, m);
                }
            }

            return allMet ? 0 : 1;
        }

        private static void AppendResult(IBenchmark benchmark, Measurement m)
        {
            string path = Path.Combine(FindBenchDirectory(), "RESULTS.md");
            if (!File.Exists(path))
            {
                File.WriteAllText(path,
                    "# Benchmark results\n\nAppended by `dotnet run -c Release --project bench/SshKeepAlive.Bench`; ratio = baseline ÷ ours, both measured in the same run.\n\n" +
                    "| date (UTC) | benchmark | metric | ours | baseline | unit | ratio | target | met | notes |\n" +
                    "|---|---|---|---|---|---|---|---|---|---|\n");
            }

            File.AppendAllText(path, string.Format(CultureInfo.InvariantCulture,
                "| {0:yyyy-MM-dd HH:mm} | {1} | {2} | {3:G4} | {4:G4} | {5} | {6:F1}x | {7} | {8} | {9} |\n",
                DateTime.UtcNow, benchmark.Name, m.Metric, m.Candidate, m.Baseline, m.Unit, m.Ratio, m.Target, m.MeetsTarget ? "yes" : "no", m.Notes));
        }

        private static string FindBenchDirectory()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "SshKeepAlive.Bench", "SshKeepAlive.Bench.csproj")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Cannot find bench/ above " + AppContext.BaseDirectory);
        }
    }
}
