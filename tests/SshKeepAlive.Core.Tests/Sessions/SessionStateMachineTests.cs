using System;
using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.Sessions;
using Xunit;

namespace SshKeepAlive.Core.Tests.Sessions
{
    /// <summary>The transition function alone: which trigger moves which state, and that stale triggers change nothing.</summary>
    public sealed class SessionStateMachineTests
    {
        private readonly FakeClock clock = new FakeClock();
        private readonly List<SessionEvent> raised = new List<SessionEvent>();

        [Fact]
        public void FirstConnection_FromTheFirstAttempt_IsTaken()
        {
            SessionStateMachine machine = Machine();
            ActiveConnection connection = Connection(machine.FirstAttempt);

            Transition taken = Fire(machine, Trigger.Connected(connection, 1));

            Assert.True(taken.Accepted);
            Assert.Null(taken.Retire);
            Assert.Equal(SessionState.Connected, machine.State);
            Assert.Same(connection, machine.Snapshot().Current);
            Assert.Equal(new[] { SessionEventKind.Connected }, Kinds());
        }

        [Fact]
        public void Loss_OfTheCurrentConnection_StartsOneReconnectUnderANewGeneration()
        {
            SessionStateMachine machine = Connected(out ActiveConnection first);

            Transition lost = Fire(machine, Trigger.Lost(first.Generation, "reset"));

            Assert.True(lost.Accepted);
            Assert.Same(first, lost.Retire);
            Assert.NotNull(lost.Reconnect);
            Assert.NotEqual(first.Generation, lost.Reconnect);
            Assert.Equal(SessionState.Reconnecting, machine.State);
            Assert.False(machine.Snapshot().Settled.IsCompleted);
        }

        [Fact]
        public void LateLossReport_OfAConnectionNoLongerCurrent_ChangesNothing()
        {
            SessionStateMachine machine = Connected(out ActiveConnection first);
            long attempt = Fire(machine, Trigger.Lost(first.Generation, "reset")).Reconnect!.Value;
            ActiveConnection second = Connection(attempt);
            Fire(machine, Trigger.Connected(second, 1));
            int eventsBefore = raised.Count;

            Transition late = Fire(machine, Trigger.Lost(first.Generation, "the old client's error, late"));

            Assert.False(late.Accepted);
            Assert.Null(late.Retire);
            Assert.Null(late.Reconnect);
            Assert.Equal(SessionState.Connected, machine.State);
            Assert.Same(second, machine.Snapshot().Current);
            Assert.Equal(eventsBefore, raised.Count);
        }

        [Fact]
        public void Connection_FromAnAttemptThatIsNotTheCurrentOne_IsRetiredNotTaken()
        {
            SessionStateMachine machine = Connected(out ActiveConnection first);
            Fire(machine, Trigger.Lost(first.Generation, "reset"));
            ActiveConnection stale = Connection(first.Generation);

            Transition offered = Fire(machine, Trigger.Connected(stale, 1));

            Assert.False(offered.Accepted);
            Assert.Same(stale, offered.Retire);
            Assert.Equal(SessionState.Reconnecting, machine.State);
        }

        [Fact]
        public void Connection_ThatIsAlreadyLost_IsRetiredNotTaken()
        {
            SessionStateMachine machine = Machine();
            var failed = new FakeConnection();
            failed.Fail("reset");
            ActiveConnection connection = new ActiveConnection(machine.FirstAttempt, failed, clock);

            Transition offered = Fire(machine, Trigger.Connected(connection, 1));

            Assert.False(offered.Accepted);
            Assert.Same(connection, offered.Retire);
            Assert.Equal(SessionState.Connecting, machine.State);
        }

        [Fact]
        public void Close_RetiresTheCurrentConnection_AndLaterConnectionsAreRetiredToo()
        {
            SessionStateMachine machine = Connected(out ActiveConnection first);

            Transition closed = Fire(machine, Trigger.Close());
            Transition again = Fire(machine, Trigger.Close());
            ActiveConnection late = Connection(first.Generation);
            Transition offered = Fire(machine, Trigger.Connected(late, 1));

            Assert.True(closed.Accepted && closed.Closed);
            Assert.Same(first, closed.Retire);
            Assert.False(again.Accepted);
            Assert.Same(late, offered.Retire);
            Assert.Equal(SessionState.Closed, machine.State);
            Assert.Equal(new[] { SessionEventKind.Connected, SessionEventKind.Closed }, Kinds());
        }

        [Fact]
        public void Loss_WithReconnectingDisabled_BreaksTheSession()
        {
            SessionStateMachine machine = Connected(out ActiveConnection first, ReconnectPolicy.Never);

            Transition lost = Fire(machine, Trigger.Lost(first.Generation, "reset"));

            Assert.Null(lost.Reconnect);
            Assert.Equal(SessionState.Broken, machine.State);
            Assert.Equal(new[] { SessionEventKind.Connected, SessionEventKind.Disconnected, SessionEventKind.GaveUp }, Kinds());
        }

        [Fact]
        public void GivingUp_OnlyEndsTheReconnectOfItsOwnGeneration()
        {
            SessionStateMachine machine = Connected(out ActiveConnection first);
            long attempt = Fire(machine, Trigger.Lost(first.Generation, "reset")).Reconnect!.Value;

            Transition stale = Fire(machine, Trigger.GaveUp(first.Generation, "an old loop"));
            Transition current = Fire(machine, Trigger.GaveUp(attempt, "gave up"));

            Assert.False(stale.Accepted);
            Assert.True(current.Accepted);
            Assert.Equal(SessionState.Broken, machine.State);
            Assert.True(machine.Snapshot().Settled.IsCompleted);
        }

        [Fact]
        public void Events_AreDeliveredInTheOrderTheyHappened()
        {
            SessionStateMachine machine = Connected(out ActiveConnection first);
            long attempt = Fire(machine, Trigger.Lost(first.Generation, "reset")).Reconnect!.Value;
            Fire(machine, Trigger.Attempting(attempt, new SessionEvent(SessionEventKind.Reconnecting, clock.Now, "in 1 s")));
            Fire(machine, Trigger.Connected(Connection(attempt), 1));

            Assert.Equal(new[] { SessionEventKind.Connected, SessionEventKind.Disconnected, SessionEventKind.Reconnecting, SessionEventKind.Reconnected }, Kinds());
            Assert.Equal(raised, machine.History());
            Assert.Equal(1, machine.ReconnectCount);
        }

        private SessionStateMachine Machine(ReconnectPolicy? policy = null) =>
            new SessionStateMachine("alice@web01:22", policy ?? ReconnectPolicy.Default, clock);

        private SessionStateMachine Connected(out ActiveConnection connection, ReconnectPolicy? policy = null)
        {
            SessionStateMachine machine = Machine(policy);
            connection = Connection(machine.FirstAttempt);
            Assert.True(Fire(machine, Trigger.Connected(connection, 1)).Accepted);
            return machine;
        }

        private ActiveConnection Connection(long generation) => new ActiveConnection(generation, new FakeConnection(), clock);

        private Transition Fire(SessionStateMachine machine, Trigger trigger)
        {
            Transition transition = machine.Fire(trigger);
            machine.Deliver(raised.Add);
            return transition;
        }

        private SessionEventKind[] Kinds() => raised.Select(e => e.Kind).ToArray();
    }
}
