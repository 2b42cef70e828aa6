using System;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>Exponential backoff with jitter, bounded by attempts and by total time.</summary>
    public sealed class ReconnectPolicy
    {
        public ReconnectPolicy(TimeSpan firstDelay, TimeSpan maxDelay, int? maxAttempts, TimeSpan? maxDuration, double jitter = 0.2)
        {
            if (firstDelay < TimeSpan.Zero || maxDelay < firstDelay)
            {
                throw new ArgumentOutOfRangeException(nameof(maxDelay), "Delays must satisfy 0 <= first delay <= max delay.");
            }

            if (maxAttempts < 0 || jitter < 0 || jitter > 1)
            {
                throw new ArgumentOutOfRangeException(nameof(maxAttempts), "Attempts must be >= 0 and jitter within [0, 1].");
            }

            FirstDelay = firstDelay;
            MaxDelay = maxDelay;
            MaxAttempts = maxAttempts;
            MaxDuration = maxDuration;
            Jitter = jitter;
        }

        /// <summary>1 s doubling to 30 s, for up to 10 minutes.</summary>
        public static ReconnectPolicy Default { get; } = new ReconnectPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), null, TimeSpan.FromMinutes(10));

        /// <summary>Never reconnect: a lost connection is final.</summary>
        public static ReconnectPolicy Never { get; } = new ReconnectPolicy(TimeSpan.Zero, TimeSpan.Zero, 0, TimeSpan.Zero);

        public TimeSpan FirstDelay { get; }

        public TimeSpan MaxDelay { get; }

        /// <summary>Null: no limit on attempts (time still bounds them when <see cref="MaxDuration"/> is set).</summary>
        public int? MaxAttempts { get; }

        public TimeSpan? MaxDuration { get; }

        /// <summary>Fraction of each delay randomised (±), so a fleet does not reconnect in lockstep.</summary>
        public double Jitter { get; }

        /// <summary>The wait before attempt <paramref name="attempt"/> (1-based).</summary>
        public TimeSpan DelayBefore(int attempt, Random random)
        {
            double baseSeconds = Math.Min(MaxDelay.TotalSeconds, FirstDelay.TotalSeconds * Math.Pow(2, Math.Min(attempt - 1, 30)));
            double factor = 1 + (((random.NextDouble() * 2) - 1) * Jitter);
            return TimeSpan.FromSeconds(Math.Min(MaxDelay.TotalSeconds, baseSeconds * factor));
        }

        /// <summary>Whether attempt <paramref name="attempt"/> may start, <paramref name="elapsed"/> after the loss.</summary>
        public bool Allows(int attempt, TimeSpan elapsed) =>
            (MaxAttempts == null || attempt <= MaxAttempts) && (MaxDuration == null || elapsed < MaxDuration);
    }
}
