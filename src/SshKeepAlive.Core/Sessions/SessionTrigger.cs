using System;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>What happened to a session, as its state machine hears it.</summary>
    internal enum TriggerKind
    {
        /// <summary>A connect attempt produced a connection (watched, not yet in use).</summary>
        Connected,

        /// <summary>The first connect attempt failed; the caller hears why.</summary>
        ConnectFailed,

        /// <summary>A connection was lost: transport error or unanswered keepalives.</summary>
        Lost,

        /// <summary>A reconnect attempt is about to wait, or failed (for the history).</summary>
        Attempting,

        /// <summary>The reconnect loop ran out of attempts or time, or met a failure retrying cannot mend.</summary>
        GaveUp,

        /// <summary>The session was disposed.</summary>
        Close,
    }

    /// <summary>One input to <see cref="SessionStateMachine.Fire"/>; the generation says which connection or attempt it is about.</summary>
    internal sealed class Trigger
    {
        private Trigger(TriggerKind kind, long generation, ActiveConnection? connection = null, SessionEvent? sessionEvent = null, string? reason = null, int attempt = 0, Exception? failure = null)
        {
            Failure = failure;
            Kind = kind;
            Generation = generation;
            Connection = connection;
            Event = sessionEvent;
            Reason = reason;
            Attempt = attempt;
        }

        public TriggerKind Kind { get; }

        public long Generation { get; }

        public ActiveConnection? Connection { get; }

        public SessionEvent? Event { get; }

        public string? Reason { get; }

        public int Attempt { get; }

        /// <summary>For <see cref="TriggerKind.GaveUp"/>: the failure retrying cannot mend, if that was why.</summary>
        public Exception? Failure { get; }

        public static Trigger Connected(ActiveConnection connection, int attempt) => new Trigger(TriggerKind.Connected, connection.Generation, connection, attempt: attempt);

        public static Trigger ConnectFailed(long generation) => new Trigger(TriggerKind.ConnectFailed, generation);

        public static Trigger Lost(long generation, string reason) => new Trigger(TriggerKind.Lost, generation, reason: reason);

        public static Trigger Attempting(long generation, SessionEvent sessionEvent) => new Trigger(TriggerKind.Attempting, generation, sessionEvent: sessionEvent);

        public static Trigger GaveUp(long generation, string reason, Exception? failure = null) => new Trigger(TriggerKind.GaveUp, generation, reason: reason, failure: failure);

        public static Trigger Close() => new Trigger(TriggerKind.Close, 0);
    }

    /// <summary>What the caller of <see cref="SessionStateMachine.Fire"/> must do outside the lock.</summary>
    internal sealed class Transition
    {
        /// <summary>False when the trigger was stale (another connection's, or the session had moved on) and changed nothing.</summary>
        public bool Accepted { get; set; }

        /// <summary>A connection to retire: the one lost or closed, or a new one that was not taken.</summary>
        public ActiveConnection? Retire { get; set; }

        /// <summary>Set when a reconnect loop must start, for this attempt generation.</summary>
        public long? Reconnect { get; set; }

        /// <summary>The session closed: cancel whatever it still has running.</summary>
        public bool Closed { get; set; }
    }
}
