using System;

namespace SshKeepAlive.Core.Sessions
{
    public enum SessionState
    {
        Connecting,
        Connected,
        Reconnecting,

        /// <summary>Lost and not coming back: reconnecting gave up or was not allowed.</summary>
        Broken,
        Closed,
    }

    public enum SessionEventKind
    {
        Connected,
        Disconnected,
        Reconnecting,
        Reconnected,
        GaveUp,
        Closed,
    }

    /// <summary>Something that happened to a session; also kept in its history.</summary>
    public sealed class SessionEvent : EventArgs
    {
        public SessionEvent(SessionEventKind kind, DateTimeOffset time, string message, int attempt = 0, TimeSpan? delay = null)
        {
            Kind = kind;
            Time = time;
            Message = message;
            Attempt = attempt;
            Delay = delay;
        }

        public SessionEventKind Kind { get; }

        public DateTimeOffset Time { get; }

        public string Message { get; }

        /// <summary>For <see cref="SessionEventKind.Reconnecting"/>: which attempt (1-based).</summary>
        public int Attempt { get; }

        /// <summary>For <see cref="SessionEventKind.Reconnecting"/>: the wait before the attempt.</summary>
        public TimeSpan? Delay { get; }

        public override string ToString() => $"{Time:HH:mm:ss} {Kind}: {Message}";
    }

    /// <summary>The connection was lost while a command ran: it may or may not have run, so it is not retried.</summary>
    public sealed class SessionLostException : Exception
    {
        public SessionLostException(string message)
            : base(message)
        {
        }

        public SessionLostException(string message, CommandResult? partial, Exception? inner)
            : base(message, inner)
        {
            Partial = partial;
        }

        /// <summary>What the command printed before the connection was lost (no exit status); null when nothing was run.</summary>
        public CommandResult? Partial { get; }
    }

    /// <summary>The session is not usable now (broken, closed, or still reconnecting after the wait).</summary>
    public sealed class SessionUnavailableException : Exception
    {
        public SessionUnavailableException(string message)
            : base(message)
        {
        }
    }
}
