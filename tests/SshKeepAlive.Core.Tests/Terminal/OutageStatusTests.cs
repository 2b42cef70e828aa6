using System;
using SshKeepAlive.Core.Sessions;
using SshKeepAlive.Core.Terminal;
using Xunit;

namespace SshKeepAlive.Core.Tests.Terminal
{
    public sealed class OutageStatusTests
    {
        private static readonly DateTimeOffset LostAt = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

        [Fact]
        public void Render_BeforeAnyAttemptIsPlanned_SaysHowLongAgoAndHowToGiveUp()
        {
            var status = new OutageStatus("alice@web01:22", LostAt);

            Assert.Equal("Connection to alice@web01:22 lost 0 s ago; reconnecting (Ctrl-C or ~. to give up)", status.Render(LostAt.AddMilliseconds(300)));
        }

        [Fact]
        public void Render_CountsDownToThePlannedAttempt_ThenSaysItIsUnderWay()
        {
            var status = new OutageStatus("web01", LostAt);
            status.Note(new SessionEvent(SessionEventKind.Reconnecting, LostAt.AddSeconds(10), "Reconnecting to web01 in 4 s (attempt 3).", 3, TimeSpan.FromSeconds(4)));

            Assert.Equal("Connection to web01 lost 11 s ago; attempt 3 in 3 s (Ctrl-C or ~. to give up)", status.Render(LostAt.AddSeconds(11.2)));
            Assert.Equal("Connection to web01 lost 14 s ago; attempt 3 under way (Ctrl-C or ~. to give up)", status.Render(LostAt.AddSeconds(14.5)));
        }

        [Fact]
        public void Note_KeepsThePlannedAttempt_WhenAFailureIsReported()
        {
            var status = new OutageStatus("web01", LostAt);
            status.Note(new SessionEvent(SessionEventKind.Reconnecting, LostAt, "Reconnecting to web01 in 1 s (attempt 1).", 1, TimeSpan.FromSeconds(1)));

            status.Note(new SessionEvent(SessionEventKind.Reconnecting, LostAt.AddSeconds(3), "Attempt 1 to reach web01 failed: refused", 1));

            Assert.Contains("attempt 1 under way", status.Render(LostAt.AddSeconds(3)));
        }
    }
}
