using System;
using System.Collections.Generic;
using SshKeepAlive.Core.Sessions;
using Xunit;

namespace SshKeepAlive.Core.Tests.Sessions
{
    public sealed class KeepAliveMonitorTests
    {
        private DateTimeOffset now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        [Theory]
        [InlineData(1)]
        [InlineData(3)]
        public void Tick_WhenCountMaxKeepalivesGoUnanswered_DeclaresDeadOnTheNextTick(int countMax)
        {
            int sent = 0;
            var monitor = new KeepAliveMonitor(countMax, () => { sent++; return true; }, () => now);

            for (int i = 0; i < countMax; i++)
            {
                Assert.True(monitor.Tick());
            }

            Assert.False(monitor.Tick());
            Assert.Equal(countMax, sent);
        }

        [Fact]
        public void OnReply_ClearsTheCount_AndMeasuresFromTheOldestOutstanding()
        {
            var monitor = new KeepAliveMonitor(2, () => true, () => now);
            monitor.Tick();
            now = now.AddSeconds(2);
            monitor.Tick();
            now = now.AddMilliseconds(150);

            monitor.OnReply();

            Assert.Equal(0, monitor.Unanswered);
            Assert.Equal(TimeSpan.FromMilliseconds(2150), monitor.LastRoundTrip);
            Assert.Equal(now, monitor.LastReplyAt);
            Assert.True(monitor.Tick());
            Assert.True(monitor.Tick());
            Assert.False(monitor.Tick());
        }

        [Fact]
        public void Tick_WhenTheTransportRefusesToSend_ReportsDead()
        {
            var monitor = new KeepAliveMonitor(3, () => false, () => now);

            Assert.False(monitor.Tick());
        }

        [Fact]
        public void Constructor_WithCountMaxBelowOne_Throws()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new KeepAliveMonitor(0, () => true, () => now));
        }
    }
}
