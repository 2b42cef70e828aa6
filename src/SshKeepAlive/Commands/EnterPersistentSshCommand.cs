using System;
using System.Management.Automation;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Sessions;
using SshKeepAlive.Core.Terminal;
using MultiplexerKind = SshKeepAlive.Core.Terminal.Multiplexer;

namespace SshKeepAlive.Commands
{
    /// <summary>
    /// An interactive shell over a persistent session, inside a tmux or screen session that is re-attached
    /// after every reconnect, so remote programs keep running through a drop.
    /// </summary>
    [Cmdlet(VerbsCommon.Enter, "PersistentSsh")]
    [OutputType(typeof(void))]
    public sealed class EnterPersistentSshCommand : PersistentSessionCmdlet
    {
        /// <summary>Which terminal multiplexer keeps the remote session: Auto (tmux, else screen, else none), Tmux, Screen or None.</summary>
        /// <remarks>A string for the reason given on <see cref="ConnectionParametersCmdlet.StrictHostKeyChecking"/>.</remarks>
        [Parameter]
        [ValidateSet("Auto", "Tmux", "Screen", "None")]
        public string Multiplexer { get; set; } = "Auto";

        /// <summary>The tmux/screen session to attach to or create; 1-64 letters, digits, '.', '_' or '-'. Default sshkeepalive.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string SessionName { get; set; } = "sshkeepalive";

        /// <summary>Seconds to wait for a reconnect before giving up the shell. Default 600.</summary>
        [Parameter]
        [ValidateRange(1, 604800)]
        public int ReconnectWaitSeconds { get; set; } = 600;

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            try
            {
                MultiplexerCommands.CheckSessionName(SessionName);
            }
            catch (SshKeepAliveException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex));
            }

            SshSessionSettings settings = BuildSettings();
            using PersistentSshSession session = Connect(settings, terminating: true)!;
            try
            {
                RunShell(session, settings);
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                // Stopped by the user: the remote multiplexer session keeps running.
            }
            catch (SessionUnavailableException ex)
            {
                WriteError(SessionErrors.Unavailable(session, ex, ComeBackAdvice(MultiplexerCommands.Parse(Multiplexer))));
            }
        }

        private string ComeBackAdvice(MultiplexerKind multiplexer) => multiplexer == MultiplexerKind.None
            ? "Check the path to the host, then run Enter-PersistentSsh again; without tmux or screen the old shell and its programs are gone."
            : $"Check the path to the host, then run Enter-PersistentSsh again: it re-attaches the multiplexer session '{SessionName}', whose programs kept running.";

        private void RunShell(PersistentSshSession session, SshSessionSettings settings)
        {
            TimeSpan wait = TimeSpan.FromSeconds(ReconnectWaitSeconds);
            MultiplexerKind requested = MultiplexerCommands.Parse(Multiplexer);
            MultiplexerKind multiplexer = Await(() => InteractiveShell.ResolveAsync(session, requested, wait, CancellationToken));
            if (multiplexer == MultiplexerKind.None && requested != MultiplexerKind.None)
            {
                WriteWarning($"{session.Target} has neither tmux nor screen: a plain shell, whose programs end if the connection drops.");
            }

            string terminalType = ConsoleTerminal.TerminalTypeFor(settings);
            WriteVerbose($"Attaching {(multiplexer == MultiplexerKind.None ? "a plain shell" : $"{multiplexer.ToString().ToLowerInvariant()} session '{SessionName}'")} with TERM={terminalType}; type ~. after Enter to disconnect.");
            ShellEnd end;
            InteractiveShell shell;
            using (var terminal = new ConsoleTerminal())
            {
                // The console is raw until disposed: errors are written after, where a newline is a newline again.
                shell = new InteractiveShell(session, terminal, terminalType);
                // Awaited so: a reconnect that must ask for a password or a one-time code asks in this terminal.
                end = Await(() => shell.RunAsync(multiplexer, SessionName, wait, CancellationToken));
            }

            WriteVerbose($"The shell ended: {end}.");
            switch (shell.FailureOf(end, wait))
            {
                case SshKeepAliveException failure:
                    WriteError(failure.Id == ErrorId.SessionReconnectAbandoned
                        ? ErrorRecords.From(failure)
                        : SessionErrors.Unavailable(session, failure, ComeBackAdvice(multiplexer)));
                    break;
                case Exception failure when ConnectionErrors.For(failure, settings) is ErrorRecord record:
                    WriteError(record);
                    break;
                case Exception failure:
                    WriteError(SessionErrors.Unavailable(session, failure, ComeBackAdvice(multiplexer)));
                    break;
            }
        }
    }
}
