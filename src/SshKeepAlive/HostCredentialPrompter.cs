using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Net;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using SshKeepAlive.Core.Ssh;

namespace SshKeepAlive
{
    /// <summary>
    /// Authentication prompts through the PowerShell host's UI (ReadLine, ReadLineAsSecureString), so they work in any
    /// host that can read a line. SSH.NET asks on its own threads, and a host's UI belongs to the pipeline thread: a
    /// question is queued and answered there, while the cmdlet that waits for the connection runs <see cref="Wait"/>.
    /// When no cmdlet is waiting (a reconnect after New-PersistentSshSession returned) or the host cannot read (pwsh
    /// -NonInteractive, a runspace without UI), the question fails at once with <see cref="CredentialRequiredException"/>.
    /// </summary>
    internal sealed class HostCredentialPrompter : ICredentialPrompter
    {
        private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

        private readonly PSHostUserInterface? ui;
        private readonly BlockingCollection<(Action Ask, Action Refuse)> questions = new BlockingCollection<(Action, Action)>();
        private int waiting;

        public HostCredentialPrompter(PSHostUserInterface? ui) => this.ui = ui;

        public string? ReadSecret(string prompt) => Ask(() =>
        {
            ui!.Write(prompt);
            return Plain(ui.ReadLineAsSecureString());
        });

        public IReadOnlyList<string> Answer(string instruction, IReadOnlyList<InteractivePrompt> prompts) => Ask<IReadOnlyList<string>>(() =>
        {
            if (instruction.Length > 0)
            {
                ui!.WriteLine(instruction.TrimEnd());
            }

            var answers = new List<string>();
            foreach (InteractivePrompt prompt in prompts)
            {
                ui!.Write(prompt.Text);
                answers.Add(prompt.Echo ? ui.ReadLine() : Plain(ui.ReadLineAsSecureString()) ?? string.Empty);
            }

            return answers;
        });

        /// <summary>Runs <paramref name="start"/> and, on the pipeline thread, answers the questions it asks until it ends.</summary>
        public void Wait(Func<Task> start, CancellationToken cancellationToken) => AnswerWhileRunning(() => Task.Run(start), cancellationToken);

        /// <summary>Runs <paramref name="start"/> and, on the pipeline thread, answers the questions it asks until it ends.</summary>
        public T Wait<T>(Func<Task<T>> start, CancellationToken cancellationToken) =>
            ((Task<T>)AnswerWhileRunning(() => Task.Run(start), cancellationToken)).GetAwaiter().GetResult();

        // Questions are answered from before the task starts (it may ask at once), and the task runs on the thread pool,
        // never on this thread: SSH.NET goes on with the key exchange and authentication on whichever thread finished
        // the socket connect, so a question it asks on its listener thread (keyboard-interactive) while it holds this
        // thread could never be answered.
        private Task AnswerWhileRunning(Func<Task> run, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref waiting);
            Task? task = null;
            try
            {
                task = run();
                while (!task.IsCompleted)
                {
                    if (questions.TryTake(out (Action Ask, Action Refuse) question, PollInterval))
                    {
                        question.Ask();
                    }
                    else if (cancellationToken.IsCancellationRequested)
                    {
                        break;
                    }
                }
            }
            finally
            {
                Interlocked.Decrement(ref waiting);
                while (Volatile.Read(ref waiting) == 0 && questions.TryTake(out (Action Ask, Action Refuse) late))
                {
                    late.Refuse();
                }
            }

            task.GetAwaiter().GetResult();
            return task;
        }

        private static string? Plain(SecureString? secret) => secret == null ? null : new NetworkCredential(string.Empty, secret).Password;

        private T Ask<T>(Func<T> question)
        {
            if (ui == null)
            {
                throw new CredentialRequiredException("this PowerShell host has no user interface to ask with.");
            }

            if (Volatile.Read(ref waiting) == 0)
            {
                throw new CredentialRequiredException("nobody is there to answer: the command that opened the session has returned (give -Credential or -KeyPassphrase, or use ssh-agent, so reconnects need no answer).");
            }

            var answered = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            questions.Add((
                () =>
                {
                    try
                    {
                        answered.SetResult(question());
                    }
                    catch (Exception ex) when (ex is PSInvalidOperationException || ex is HostException || ex is NotImplementedException || ex is PipelineStoppedException)
                    {
                        answered.SetException(new CredentialRequiredException($"this PowerShell host cannot ask ({ex.Message}).", ex));
                    }
                },
                () => answered.TrySetException(new CredentialRequiredException("nobody is there to answer: the command that opened the session has returned."))));
            return answered.Task.GetAwaiter().GetResult();
        }
    }
}
