using System;
using System.Collections.Generic;
using SshKeepAlive.Core.Sessions;
using Xunit;

namespace SshKeepAlive.Core.Tests.Sessions
{
    public sealed class ReconnectPolicyTests
    {
        [Fact]
        public void DelayBefore_DoublesFromTheFirstDelay_UpToTheCap()
        {
            var policy = new ReconnectPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), null, null, jitter: 0);
            var random = new Random(1);

            var delays = new List<double>();
            for (int attempt = 1; attempt <= 6; attempt++)
            {
                delays.Add(policy.DelayBefore(attempt, random).TotalSeconds);
            }

            Assert.Equal(new[] { 1.0, 2, 4, 8, 10, 10 }, delays);
        }

        [Fact]
        public void DelayBefore_WithJitter_StaysWithinTheBandAndTheCap()
        {
            var policy = new ReconnectPolicy(TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5), null, null, jitter: 0.25);
            var random = new Random(7);

            for (int i = 0; i < 1000; i++)
            {
                double seconds = policy.DelayBefore(1, random).TotalSeconds;
                Assert.InRange(seconds, 3.0, 5.0);
            }
        }

        [Theory]
        [InlineData(3, 3, 0, true)]
        [InlineData(3, 4, 0, false)]
        [InlineData(null, 1000, 59, true)]
        [InlineData(null, 1, 60, false)]
        public void Allows_BoundsAttemptsAndDuration(int? maxAttempts, int attempt, int elapsedSeconds, bool expected)
        {
            var policy = new ReconnectPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), maxAttempts, TimeSpan.FromSeconds(60));

            Assert.Equal(expected, policy.Allows(attempt, TimeSpan.FromSeconds(elapsedSeconds)));
        }

        [Fact]
        public void Never_AllowsNoAttempt()
        {
            Assert.False(ReconnectPolicy.Never.Allows(1, TimeSpan.Zero));
        }
    }
}
