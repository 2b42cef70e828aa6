using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>The time a session lives by: event stamps, spans, delays and the keepalive timer.</summary>
    public interface ISessionClock
    {
        /// <summary>Wall-clock time, for event stamps and ConnectedSince.</summary>
        DateTimeOffset Now { get; }

        /// <summary>Monotonic time since some fixed point, for measuring spans.</summary>
        TimeSpan Elapsed { get; }

        /// <summary>Completes after <paramref name="delay"/>; cancelled by the token.</summary>
        Task Delay(TimeSpan delay, CancellationToken cancellationToken);

        /// <summary>Calls <paramref name="tick"/> every <paramref name="period"/>, the first time one period from now, until disposed.</summary>
        IDisposable StartTimer(TimeSpan period, Action tick);
    }

    /// <summary>Real time: the system clock, Task.Delay, and the one process-wide <see cref="SharedTimer"/> for periodic callbacks.</summary>
    public sealed class SystemSessionClock : ISessionClock
    {
        private readonly Stopwatch monotonic = Stopwatch.StartNew();

        private SystemSessionClock()
        {
        }

        public static SystemSessionClock Instance { get; } = new SystemSessionClock();

        public DateTimeOffset Now => DateTimeOffset.Now;

        public TimeSpan Elapsed => monotonic.Elapsed;

        public Task Delay(TimeSpan delay, CancellationToken cancellationToken) => Task.Delay(delay, cancellationToken);

        public IDisposable StartTimer(TimeSpan period, Action tick) => SharedTimer.Start(period, tick);
    }
}
