using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>The session's connecting half: opening a connection, offering it to the machine, and the reconnect loop.</summary>
    public sealed partial class PersistentSshSession
    {
        // The first connect, tried ConnectionAttempts times a second apart while the server cannot be reached (as ssh).
        private async Task<bool> TryTakeFirstAsync(long generation, CancellationToken cancellationToken)
        {
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    return await TryTakeAsync(generation, 1, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (attempt < ConnectionAttempts && SshConnector.IsUnreachable(ex))
                {
                    await clock.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                }
            }
        }

        // Opens a connection for attempt <generation>, sets its forwards up and offers it to the machine. False when the
        // machine did not take it (lost at once, or the session moved on); it is then retired. Throws what the connect
        // threw, or ForwardFailedException when a forward fails under ExitOnForwardFailure.
        private async Task<bool> TryTakeAsync(long generation, int attempt, CancellationToken cancellationToken)
        {
            ISshConnection connection = await connector.ConnectAsync(cancellationToken).ConfigureAwait(false);
            var active = new ActiveConnection(generation, connection, clock);
            try
            {
                active.StartKeepAlive(KeepAliveInterval, KeepAliveCountMax);
                EstablishForwards(connection);
            }
            catch
            {
                await active.RetireAsync().ConfigureAwait(false);
                throw;
            }

            Transition transition = machine.Fire(Trigger.Connected(active, attempt));
            if (transition.Accepted)
            {
                _ = RetryFailedForwardsAsync(active);
                _ = active.Lost.ContinueWith(
                    lost => Apply(machine.Fire(Trigger.Lost(generation, lost.Result))),
                    CancellationToken.None,
                    TaskContinuationOptions.OnlyOnRanToCompletion,
                    TaskScheduler.Default);
            }

            await Apply(transition).ConfigureAwait(false);
            return transition.Accepted;
        }

        // Between connect and taking the connection, as ssh sets forwards up before the session is used: a failure is the
        // attempt's under ExitOnForwardFailure, else only the forward's (its state says why; the next connection tries again).
        private void EstablishForwards(ISshConnection connection)
        {
            foreach (PortForward forward in PortForwards)
            {
                try
                {
                    forward.Establish(connection);
                }
                catch (ForwardFailedException) when (!ExitOnForwardFailure)
                {
                    // Shown in the forward's state and LastError.
                }
            }
        }

        // A forward that failed (a remote port the server's copy of a dead connection still holds, a local port in use)
        // is tried again every few seconds while this connection is the session's.
        private async Task RetryFailedForwardsAsync(ActiveConnection active)
        {
            try
            {
                while (PortForwards.Any(f => f.State == PortForwardState.Failed))
                {
                    await clock.Delay(ForwardRetry, active.Ended).ConfigureAwait(false);
                    foreach (PortForward forward in PortForwards.Where(f => f.State == PortForwardState.Failed))
                    {
                        try
                        {
                            forward.Establish(active.Connection);
                        }
                        catch (ForwardFailedException)
                        {
                            // Its state and LastError say so; tried again next round.
                        }
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The connection was retired: the next one sets its forwards up itself.
            }
        }

        // Does what a transition asks, outside the machine's lock. The returned task is the retirement, if any.
        private Task Apply(Transition transition)
        {
            if (transition.Closed)
            {
                closing.Cancel();
            }

            Task retiring = transition.Retire?.RetireAsync() ?? Task.CompletedTask;
            if (transition.Reconnect is long generation)
            {
                _ = Task.Run(() => ReconnectLoopAsync(generation, closing.Token));
            }

            machine.Deliver(Raise);
            return retiring;
        }

        private async Task ReconnectLoopAsync(long generation, CancellationToken cancellationToken)
        {
            TimeSpan lostAt = clock.Elapsed;
            bool unreachable = true;
            for (int attempt = 1; ReconnectPolicy.Allows(attempt, clock.Elapsed - lostAt); attempt++)
            {
                TimeSpan delay = ReconnectPolicy.DelayBefore(attempt, jitter);
                if (!Note(generation, new SessionEvent(SessionEventKind.Reconnecting, clock.Now, $"Reconnecting to {Target} in {delay.TotalSeconds:0.#} s (attempt {attempt}).", attempt, delay)))
                {
                    return;
                }

                try
                {
                    await connector.WaitForPathAsync(delay, unreachable, cancellationToken).ConfigureAwait(false);
                    bool? taken = await AttemptAsync(generation, attempt, cancellationToken).ConfigureAwait(false);
                    if (taken == true || machine.Snapshot().State != SessionState.Reconnecting)
                    {
                        return;
                    }

                    unreachable = taken == null;
                    Note(generation, new SessionEvent(
                        SessionEventKind.Reconnecting,
                        clock.Now,
                        taken == null
                            ? $"Attempt {attempt} to reach {Target} was abandoned: the path came back while it hung, so a fresh one starts at once."
                            : $"Attempt {attempt} to reach {Target} was lost as soon as it connected.",
                        attempt));
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (!SshConnector.IsRetryable(ex))
                {
                    _ = Apply(machine.Fire(Trigger.GaveUp(generation, $"{ex.Message} This will not change by retrying.", ex)));
                    return;
                }
                catch (Exception ex)
                {
                    unreachable = SshConnector.IsUnreachable(ex);
                    Note(generation, new SessionEvent(SessionEventKind.Reconnecting, clock.Now, $"Attempt {attempt} to reach {Target} failed: {ex.Message}", attempt));
                }
            }

            _ = Apply(machine.Fire(Trigger.GaveUp(generation, $"Gave up reconnecting to {Target} after {(clock.Elapsed - lostAt).TotalSeconds:0} s.")));
        }

        // One connect attempt, watched: when the path is seen down and then back while it runs (it began during the
        // outage and hangs on lost packets, which TCP retries only after seconds), it is abandoned rather than left to
        // its connect timeout. True when the machine took the connection, false when it did not, null when abandoned;
        // throws what the connect threw. An abandoned attempt is cancelled, not awaited: a connection it makes all the
        // same is offered like any other (taken if the session still wants one, else retired).
        private async Task<bool?> AttemptAsync(long generation, int attempt, CancellationToken cancellationToken)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task<bool> taking = TryTakeAsync(generation, attempt, stop.Token);
            Task pathBack = connector.WaitForPathAsync(Timeout.InfiniteTimeSpan, unreachableBefore: false, stop.Token);
            Task first = await Task.WhenAny(taking, pathBack).ConfigureAwait(false);
            stop.Cancel();
            if (first == taking || pathBack.Status != TaskStatus.RanToCompletion)
            {
                _ = pathBack.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                return await taking.ConfigureAwait(false);
            }

            _ = taking.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return null;
        }

        // Records a reconnect attempt's progress; false when this loop's attempt is no longer the session's.
        private bool Note(long generation, SessionEvent sessionEvent)
        {
            bool accepted = machine.Fire(Trigger.Attempting(generation, sessionEvent)).Accepted;
            machine.Deliver(Raise);
            return accepted;
        }
    }
}
