using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>
    /// The state of a <see cref="PersistentSshSession"/> and its only way to change: <see cref="Fire"/>, under one
    /// lock. Every trigger carries the generation of the connection or connect attempt it comes from and is
    /// ignored unless that is still the current one, so a late loss report or a slow connect cannot touch a
    /// successor. Nothing here blocks or calls out: retiring connections, reconnecting and raising events are
    /// the caller's, after the lock is released.
    /// </summary>
    internal sealed class SessionStateMachine
    {
        private const int HistoryLimit = 100;

        private readonly object gate = new object();
        private readonly string target;
        private readonly ReconnectPolicy policy;
        private readonly ISessionClock clock;
        private readonly LinkedList<SessionEvent> history = new LinkedList<SessionEvent>();
        private readonly Queue<SessionEvent> undelivered = new Queue<SessionEvent>();
        private TaskCompletionSource<bool> settled = NewSignal();
        private ActiveConnection? current;
        private long lastGeneration = 1;
        private long attempt = 1;
        private TimeSpan lostAt;
        private bool delivering;

        public SessionStateMachine(string target, ReconnectPolicy policy, ISessionClock clock)
        {
            this.target = target;
            this.policy = policy;
            this.clock = clock;
        }

        public SessionState State { get; private set; } = SessionState.Connecting;

        public DateTimeOffset? ConnectedSince { get; private set; }

        public int ReconnectCount { get; private set; }

        /// <summary>The failure that made the session give up for good, if one did.</summary>
        public Exception? Failure { get; private set; }

        /// <summary>The generation the first connect attempt must carry.</summary>
        public long FirstAttempt => 1;

        /// <summary>The connection in use, its state, and a task that completes when the session next settles.</summary>
        public (ActiveConnection? Current, SessionState State, Task<bool> Settled) Snapshot()
        {
            lock (gate)
            {
                return (current, State, settled.Task);
            }
        }

        public IReadOnlyList<SessionEvent> History()
        {
            lock (gate)
            {
                return new List<SessionEvent>(history);
            }
        }

        /// <summary>The transition function: the state changes here and nowhere else.</summary>
        public Transition Fire(Trigger trigger)
        {
            lock (gate)
            {
                var transition = new Transition();
                switch (trigger.Kind)
                {
                    case TriggerKind.Connected:
                        TakeConnection(trigger.Connection!, trigger.Attempt, transition);
                        break;
                    case TriggerKind.Lost when State == SessionState.Connected && current!.Generation == trigger.Generation:
                        LeaveLostConnection(trigger.Reason!, transition);
                        break;
                    case TriggerKind.Attempting when State == SessionState.Reconnecting && attempt == trigger.Generation:
                        Record(trigger.Event!);
                        transition.Accepted = true;
                        break;
                    case TriggerKind.ConnectFailed when State == SessionState.Connecting && attempt == trigger.Generation:
                    case TriggerKind.GaveUp when State == SessionState.Reconnecting && attempt == trigger.Generation:
                        Settle(SessionState.Broken, connected: false);
                        Failure = trigger.Failure;
                        if (trigger.Reason != null)
                        {
                            Record(new SessionEvent(SessionEventKind.GaveUp, clock.Now, trigger.Reason));
                        }

                        transition.Accepted = true;
                        break;
                    case TriggerKind.Close when State != SessionState.Closed:
                        transition.Retire = current;
                        current = null;
                        Settle(SessionState.Closed, connected: false);
                        Record(new SessionEvent(SessionEventKind.Closed, clock.Now, $"Closed the session to {target}."));
                        transition.Accepted = transition.Closed = true;
                        break;
                }

                return transition;
            }
        }

        /// <summary>
        /// Hands recorded events to <paramref name="raise"/> in the order they happened, one at a time, outside the
        /// lock; a caller that finds another already delivering leaves its events to it.
        /// </summary>
        public void Deliver(Action<SessionEvent> raise)
        {
            while (true)
            {
                SessionEvent next;
                lock (gate)
                {
                    if (delivering || undelivered.Count == 0)
                    {
                        return;
                    }

                    delivering = true;
                    next = undelivered.Dequeue();
                }

                try
                {
                    raise(next);
                }
                finally
                {
                    lock (gate)
                    {
                        delivering = false;
                    }
                }
            }
        }

        private static TaskCompletionSource<bool> NewSignal() =>
            new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

        // Connecting/Reconnecting → Connected, when the connection comes from the attempt in progress and is not
        // already lost; anything else is a connection nobody wants, to be retired.
        private void TakeConnection(ActiveConnection connection, int attemptNumber, Transition transition)
        {
            bool wanted = (State == SessionState.Connecting || State == SessionState.Reconnecting)
                && attempt == connection.Generation
                && !connection.IsLost;
            if (!wanted)
            {
                transition.Retire = connection;
                return;
            }

            bool reconnected = State == SessionState.Reconnecting;
            current = connection;
            ConnectedSince = clock.Now;
            Settle(SessionState.Connected, connected: true);
            string version = connection.Connection.ServerVersion;
            if (reconnected)
            {
                ReconnectCount++;
                Record(new SessionEvent(SessionEventKind.Reconnected, clock.Now, $"Reconnected to {target} after {(clock.Elapsed - lostAt).TotalSeconds:0.#} s (attempt {attemptNumber})."));
            }
            else
            {
                Record(new SessionEvent(SessionEventKind.Connected, clock.Now, $"Connected to {target} ({version})."));
            }

            transition.Accepted = true;
        }

        // Connected → Reconnecting (a new attempt generation) when the policy allows a first attempt, else → Broken.
        private void LeaveLostConnection(string reason, Transition transition)
        {
            transition.Retire = current;
            transition.Accepted = true;
            current = null;
            ConnectedSince = null;
            lostAt = clock.Elapsed;
            Record(new SessionEvent(SessionEventKind.Disconnected, clock.Now, $"Lost the connection to {target}: {reason}"));
            if (!policy.Allows(1, TimeSpan.Zero))
            {
                Settle(SessionState.Broken, connected: false);
                Record(new SessionEvent(SessionEventKind.GaveUp, clock.Now, $"Not reconnecting to {target}: reconnecting is disabled."));
                return;
            }

            State = SessionState.Reconnecting;
            settled = NewSignal();
            attempt = ++lastGeneration;
            transition.Reconnect = attempt;
        }

        private void Settle(SessionState state, bool connected)
        {
            State = state;
            if (state != SessionState.Connected)
            {
                ConnectedSince = null;
            }

            settled.TrySetResult(connected);
        }

        private void Record(SessionEvent sessionEvent)
        {
            history.AddLast(sessionEvent);
            if (history.Count > HistoryLimit)
            {
                history.RemoveFirst();
            }

            undelivered.Enqueue(sessionEvent);
        }
    }
}
