using System;
using System.Collections.Generic;

namespace SshKeepAlive.Bench
{
    /// <summary>One comparison: what we measure, against what, and whether the target was met.</summary>
    public sealed class Measurement
    {
        public Measurement(string metric, double candidate, double baseline, string unit, double targetRatio, string notes, double? limit = null)
        {
            Limit = limit;
            Metric = metric;
            Candidate = candidate;
            Baseline = baseline;
            Unit = unit;
            TargetRatio = targetRatio;
            Notes = notes;
        }

        public string Metric { get; }

        /// <summary>Our value (lower is better).</summary>
        public double Candidate { get; }

        /// <summary>The baseline's value, measured in the same run.</summary>
        public double Baseline { get; }

        public string Unit { get; }

        /// <summary>Baseline ÷ candidate that counts as meeting the target (100 = "100× faster", 1 = "no slower").</summary>
        public double TargetRatio { get; }

        public string Notes { get; }

        /// <summary>An absolute target besides the ratio: our value must be at most this, in <see cref="Unit"/>.</summary>
        public double? Limit { get; }

        public double Ratio => Candidate == 0 ? double.PositiveInfinity : Baseline / Candidate;

        public bool MeetsTarget => Ratio >= TargetRatio && (Limit == null || Candidate <= Limit);

        /// <summary>The target as printed: the ratio, and the limit when there is one.</summary>
        public string Target => FormattableString.Invariant($"{TargetRatio:G3}x") + (Limit == null ? string.Empty : FormattableString.Invariant($" and <= {Limit:G} {Unit}"));
    }

    /// <summary>A temp folder for a benchmark's generated files, removed afterwards.</summary>
    internal static class BenchmarkFolder
    {
        public static IReadOnlyList<Measurement> Use(string prefix, System.Func<string, IReadOnlyList<Measurement>> measure)
        {
            string directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + System.Guid.NewGuid().ToString("N").Substring(0, 8));
            System.IO.Directory.CreateDirectory(directory);
            try
            {
                return measure(directory);
            }
            finally
            {
                System.IO.Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>A benchmark measures our code and its baseline in one run.</summary>
    public interface IBenchmark
    {
        string Name { get; }

        string Description { get; }

        IEnumerable<Measurement> Run();
    }
}
