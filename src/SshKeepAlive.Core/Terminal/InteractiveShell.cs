using System;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Renci.SshNet;
using SshKeepAlive.Core.Sessions;

namespace SshKeepAlive.Core.Terminal
{
    public enum ShellEnd
    {
        /// <summary>The remote shell exited, or the user detached from the multiplexer.</summary>
        RemoteEnded,

        /// <summary>The user typed the <c>~.</c> escape.</summary>
        EscapeDisconnect,

        /// <summary>The connection was lost and reconnecting gave up.</summary>
        SessionLost,

        /// <summary>Local input ended (end of file on the terminal).</summary>
        InputEnded,
    }

    /// <summary>
    /// Joins a terminal to a PTY shell of a <see cref="PersistentSshSession"/>, and keeps doing so across
    /// reconnects: when the connection drops it says so on one line, waits for the session to come back,
    /// opens a new shell and re-attaches the same multiplexer session, so remote programs keep running.
    /// </summary>
    public sealed class InteractiveShell
    {
        private static readonly TimeSpan ResizePoll = TimeSpan.FromMilliseconds(250);

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
        public async Task<Multiplexer> ResolveAsync(Multiplexer requested, TimeSpan wait, CancellationToken cancellationToken)
        {
            if (requested != Multiplexer.Auto)
            {
                return requested;
            }

            CommandResult probe = await session.RunCommandAsync(MultiplexerCommands.Probe, wait, cancellationToken).ConfigureAwait(false);
            return MultiplexerCommands.FromProbe(probe.Output);
        }

        public async Task<ShellEnd> RunAsync(Multiplexer multiplexer, string sessionName, TimeSpan reconnectWait, CancellationToken cancellationToken)
        {
            string attachLine = MultiplexerCommands.AttachLine(multiplexer, sessionName);
            var ended = new TaskCompletionSource<ShellEnd>(TaskCreationOptions.RunContinuationsAsynchronously);
            using var stopInput = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task input = PumpInputAsync(ended, stopInput.Token);
            try
            {
                while (true)
                {
                    var (shell, connectionLost) = await session.OpenShellAsync(terminalType, terminal.Columns, terminal.Rows, reconnectWait, cancellationToken).ConfigureAwait(false);
                    using (shell)
                    using (connectionLost.Register(shell.Dispose))
                    {
                        lock (shellGate)
                        {
                            currentShell = shell;
                        }

                        Send(shell, Encoding.UTF8.GetBytes(attachLine));
                        Task output = PumpOutputAsync(shell, cancellationToken);
                        if (await Task.WhenAny(output, ended.Task).ConfigureAwait(false) == ended.Task)
                        {
                            return await ended.Task.ConfigureAwait(false);
                        }

                        lock (shellGate)
                        {
                            currentShell = null;
                        }

                        await Task.Delay(LossReportGrace, cancellationToken).ConfigureAwait(false);
                        if (!connectionLost.IsCancellationRequested && session.State == SessionState.Connected)
                        {
                            return ShellEnd.RemoteEnded;
                        }
                    }

                    terminal.WriteStatus($"Connection to {session.Target} lost; reconnecting (Ctrl-C or ~. to give up)...");
                    Task settled = session.WaitUntilSettledAsync(cancellationToken);
                    if (await Task.WhenAny(settled, ended.Task).ConfigureAwait(false) == ended.Task)
                    {
                        return await ended.Task.ConfigureAwait(false);
                    }

                    if (session.State != SessionState.Connected)
                    {
                        terminal.WriteStatus($"Could not reconnect to {session.Target}; session is {session.State}.");
                        return ShellEnd.SessionLost;
                    }

                    terminal.WriteStatus(multiplexer == Multiplexer.None
                        ? $"Reconnected to {session.Target}; a new shell (no multiplexer kept the old one)."
                        : $"Reconnected to {session.Target}; re-attaching {multiplexer.ToString().ToLowerInvariant()} session '{sessionName}'.");
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
            var buffer = new byte[4096];
            while (!cancellationToken.IsCancellationRequested)
            {
                int count = await terminal.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (count == 0)
                {
                    ended.TrySetResult(ShellEnd.InputEnded);
                    return;
                }

                byte[] forward = escape.Filter(buffer, count, out bool disconnect);
                ShellStream? shell;
                lock (shellGate)
                {
                    shell = currentShell;
                }

                // Typing while reconnecting is dropped, as on a dead line: it would reach a shell it was not meant for.
                if (shell != null && forward.Length > 0)
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
