using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Renci.SshNet;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Sessions;

namespace SshKeepAlive.Core.Terminal
{
    public enum ShellEnd
    {
        /// <summary>The remote shell exited, or the user detached from the multiplexer.</summary>
        RemoteEnded,

        /// <summary>The user typed the <c>~.</c> escape while connected.</summary>
        EscapeDisconnect,

        /// <summary>The connection was lost and the session gave up reconnecting (see its Failure and History).</summary>
        SessionLost,

        /// <summary>The connection was lost and did not come back within the time the caller would wait.</summary>
        ReconnectTimedOut,

        /// <summary>The connection was lost and the user gave up waiting (Ctrl-C or <c>~.</c>).</summary>
        GaveUp,

        /// <summary>Local input ended (end of file on the terminal).</summary>
        InputEnded,
    }

    /// <summary>
    /// Joins a terminal to a pseudo-terminal of a <see cref="PersistentSshSession"/>, and keeps doing so across
    /// reconnects: when the connection drops it says so at once on a status line that counts the outage and the
    /// attempts, waits for the session to come back (or for the user to give up), then opens a new terminal
    /// re-attaching the same multiplexer session, so remote programs keep running. Every byte the terminal sends
    /// goes to the server unchanged, but for the <c>~</c> escapes.
    /// </summary>
    public sealed class InteractiveShell
    {
        private const byte ControlC = 0x03;
        private static readonly TimeSpan ResizePoll = TimeSpan.FromMilliseconds(250);
        private static readonly TimeSpan ProgressPeriod = TimeSpan.FromSeconds(1);

        // A channel can close a moment before the transport error that closed it is reported.
        private static readonly TimeSpan LossReportGrace = TimeSpan.FromMilliseconds(500);

        private readonly PersistentSshSession session;
        private readonly ITerminal terminal;
        private readonly string terminalType;
        private readonly object shellGate = new object();
        private ShellStream? currentShell;

        public InteractiveShell(PersistentSshSession session, ITerminal terminal, string terminalType)
        {
            this.session = session;
            this.terminal = terminal;
            this.terminalType = terminalType;
        }

        /// <summary>Asks the server which multiplexer <see cref="Multiplexer.Auto"/> means there.</summary>
        public static async Task<Multiplexer> ResolveAsync(PersistentSshSession session, Multiplexer requested, TimeSpan wait, CancellationToken cancellationToken)
        {
            if (requested != Multiplexer.Auto)
            {
                return requested;
            }

            CommandResult probe = await session.RunCommandAsync(MultiplexerCommands.Probe, wait, cancellationToken).ConfigureAwait(false);
            return MultiplexerCommands.FromProbe(probe.Output);
        }

        /// <summary>
        /// Runs the shell until it ends; an outage longer than <paramref name="reconnectWait"/> ends it too. The
        /// multiplexer session is attached as the terminal's command, never typed into a shell.
        /// </summary>
        public async Task<ShellEnd> RunAsync(Multiplexer multiplexer, string sessionName, TimeSpan reconnectWait, CancellationToken cancellationToken)
        {
            string? attach = MultiplexerCommands.AttachCommand(multiplexer, sessionName);
            var ended = new TaskCompletionSource<ShellEnd>(TaskCreationOptions.RunContinuationsAsynchronously);
            using var stopInput = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task input = PumpInputAsync(ended, stopInput.Token);
            try
            {
                string? reconnected = null;
                while (true)
                {
                    ShellEnd? end = await RunShellAsync(attach, reconnected, ended, reconnectWait, cancellationToken).ConfigureAwait(false)
                        ?? await WaitOutOutageAsync(ended, reconnectWait, cancellationToken).ConfigureAwait(false);
                    if (end != null)
                    {
                        return end.Value;
                    }

                    reconnected = multiplexer == Multiplexer.None
                        ? $"Reconnected to {session.Target}; a new shell (no multiplexer kept the old one)."
                        : $"Reconnected to {session.Target}; re-attaching {multiplexer.ToString().ToLowerInvariant()} session '{sessionName}'.";
                }
            }
            finally
            {
                stopInput.Cancel();
                try
                {
                    await input.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Input stops with the shell.
                }
            }
        }

        /// <summary>
        /// Why a shell that ended with <paramref name="end"/> failed, to report to the user: a connect failure the
        /// session gave up on (a changed host key, refused credentials), or an <see cref="SshKeepAliveException"/>;
        /// null when it ended as the user or the remote side meant it to.
        /// </summary>
        public Exception? FailureOf(ShellEnd end, TimeSpan reconnectWait)
        {
            string target = session.Target.ToString();
            DateTimeOffset? lostAt = session.History.LastOrDefault(e => e.Kind == SessionEventKind.Disconnected)?.Time;
            string lostFor = lostAt == null ? string.Empty : $" after {Math.Floor((DateTimeOffset.Now - lostAt.Value).TotalSeconds):0} s";
            switch (end)
            {
                case ShellEnd.GaveUp:
                    return new SshKeepAliveException(ErrorId.SessionReconnectAbandoned, $"Gave up waiting for the connection to {target} to come back{lostFor}: Ctrl-C or ~. was typed during the outage.", target);
                case ShellEnd.ReconnectTimedOut:
                    return new SshKeepAliveException(ErrorId.SessionUnavailable, $"The connection to {target} was lost and did not come back within {reconnectWait.TotalSeconds:0} s.", target);
                case ShellEnd.SessionLost:
                    string reason = session.History.LastOrDefault(e => e.Kind == SessionEventKind.GaveUp)?.Message ?? $"The connection to {target} was lost and reconnecting gave up.";
                    return session.Failure ?? new SshKeepAliveException(ErrorId.SessionUnavailable, reason, target);
                default:
                    return null;
            }
        }

        // One terminal on the current connection, until it ends (the end) or its connection goes (null). The status of a
        // reconnect is shown once the terminal takes typing again.
        private async Task<ShellEnd?> RunShellAsync(string? attach, string? reconnected, TaskCompletionSource<ShellEnd> ended, TimeSpan reconnectWait, CancellationToken cancellationToken)
        {
            ShellStream shell;
            CancellationToken connectionLost;
            try
            {
                (shell, connectionLost) = await session.OpenShellAsync(terminalType, terminal.Columns, terminal.Rows, attach, reconnectWait, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested && session.State == SessionState.Reconnecting)
            {
                // The connection went while the terminal was being opened: another outage.
                return null;
            }

            Task lost = Task.Delay(Timeout.Infinite, connectionLost);
            lock (shellGate)
            {
                currentShell = shell;
            }

            if (reconnected != null)
            {
                terminal.WriteStatus(reconnected);
            }

            try
            {
                Task output = PumpOutputAsync(shell, cancellationToken);
                Task first = await Task.WhenAny(output, ended.Task, lost).ConfigureAwait(false);
                if (first == ended.Task)
                {
                    return await ended.Task.ConfigureAwait(false);
                }

                if (first == output && await Task.WhenAny(lost, Task.Delay(LossReportGrace, cancellationToken)).ConfigureAwait(false) != lost)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    return ShellEnd.RemoteEnded;
                }

                return null;
            }
            finally
            {
                lock (shellGate)
                {
                    currentShell = null;
                }

                // Closing a channel of a dead connection waits for an answer that never comes: not on this path.
                _ = Task.Run(shell.Dispose).ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
        }

        // The outage: a status line, updated every second, until the session is back (null), gives up, the wait runs out
        // or the user gives up.
        private async Task<ShellEnd?> WaitOutOutageAsync(TaskCompletionSource<ShellEnd> ended, TimeSpan reconnectWait, CancellationToken cancellationToken)
        {
            var status = new OutageStatus(session.Target.ToString(), DateTimeOffset.Now);
            EventHandler<SessionEvent> note = (_, e) => status.Note(e);
            session.StateChanged += note;
            foreach (SessionEvent past in session.History)
            {
                status.Note(past);
            }

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(reconnectWait);
            try
            {
                Task settled = session.WaitUntilSettledAsync(cancellationToken);
                Task timedOut = Task.Delay(Timeout.Infinite, deadline.Token);
                while (true)
                {
                    terminal.ShowProgress(status.Render(DateTimeOffset.Now));
                    Task tick = Task.Delay(ProgressPeriod, deadline.Token);
                    Task first = await Task.WhenAny(settled, ended.Task, timedOut, tick).ConfigureAwait(false);
                    if (first == ended.Task)
                    {
                        return await ended.Task.ConfigureAwait(false);
                    }

                    cancellationToken.ThrowIfCancellationRequested();
                    if (first == settled)
                    {
                        break;
                    }

                    if (first == timedOut)
                    {
                        return ShellEnd.ReconnectTimedOut;
                    }
                }
            }
            finally
            {
                session.StateChanged -= note;
            }

            if (session.State != SessionState.Connected)
            {
                terminal.WriteStatus($"Could not reconnect to {session.Target}; session is {session.State}.");
                return ShellEnd.SessionLost;
            }

            return null;
        }

        private async Task PumpOutputAsync(ShellStream shell, CancellationToken cancellationToken)
        {
            var buffer = new byte[16 * 1024];
            (int Columns, int Rows) size = (terminal.Columns, terminal.Rows);
            using Timer resize = new Timer(_ => size = FollowResize(shell, size), null, ResizePoll, ResizePoll);
            try
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    int count = await shell.ReadAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
                    if (count == 0)
                    {
                        return;
                    }

                    session.CountReceived(count);
                    terminal.Write(buffer, 0, count);
                }
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Closed under us, by the remote end or with its connection: the caller tells which.
            }
        }

        private (int Columns, int Rows) FollowResize(ShellStream shell, (int Columns, int Rows) known)
        {
            (int Columns, int Rows) now = (terminal.Columns, terminal.Rows);
            if (now != known)
            {
                try
                {
                    shell.ChangeWindowSize((uint)now.Columns, (uint)now.Rows, 0, 0);
                }
                catch (ObjectDisposedException)
                {
                    return known;
                }
            }

            return now;
        }

        private async Task PumpInputAsync(TaskCompletionSource<ShellEnd> ended, CancellationToken cancellationToken)
        {
            var escape = new EscapeFilter();
            var buffer = new byte[16 * 1024];
            ShellStream? lastShell = null;
            bool tildeWhileReconnecting = false;
            while (!cancellationToken.IsCancellationRequested)
            {
                int count = await terminal.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (count == 0)
                {
                    ended.TrySetResult(ShellEnd.InputEnded);
                    return;
                }

                ShellStream? shell;
                lock (shellGate)
                {
                    shell = currentShell;
                }

                if (shell == null)
                {
                    // Reconnecting: Ctrl-C, or ~. anywhere, gives up as the status line says; other typing is dropped,
                    // as on a dead line: it would reach a shell it was not meant for.
                    if (GivesUp(buffer, count, ref tildeWhileReconnecting))
                    {
                        ended.TrySetResult(ShellEnd.GaveUp);
                        return;
                    }

                    continue;
                }

                if (shell != lastShell)
                {
                    // A new shell starts at the start of a line, as a new connection does for ssh.
                    escape.StartLine();
                    lastShell = shell;
                    tildeWhileReconnecting = false;
                }

                byte[] forward = escape.Filter(buffer, count, out bool disconnect);
                if (forward.Length > 0)
                {
                    Send(shell, forward);
                }

                if (disconnect)
                {
                    ended.TrySetResult(ShellEnd.EscapeDisconnect);
                    return;
                }
            }
        }

        private static bool GivesUp(byte[] typed, int count, ref bool tildeBefore)
        {
            for (int i = 0; i < count; i++)
            {
                if (typed[i] == ControlC || (tildeBefore && typed[i] == (byte)'.'))
                {
                    return true;
                }

                tildeBefore = typed[i] == (byte)'~';
            }

            return false;
        }

        private void Send(ShellStream shell, byte[] data)
        {
            if (data.Length == 0)
            {
                return;
            }

            try
            {
                shell.Write(data, 0, data.Length);
                shell.Flush();
                session.CountSent(data.Length);
            }
            catch (ObjectDisposedException)
            {
                // The connection went away between the keystroke and the write: dropped like any other.
            }
        }
    }
}
