using System;
using System.Collections.Generic;

namespace SshKeepAlive.Core.Ssh
{
    /// <summary>One question of a keyboard-interactive round, as the server sends it.</summary>
    public sealed class InteractivePrompt
    {
        public InteractivePrompt(string text, bool echo)
        {
            Text = text;
            Echo = echo;
        }

        /// <summary>The prompt exactly as the server sent it (e.g. "Verification code: ").</summary>
        public string Text { get; }

        /// <summary>False for secrets: the answer is typed without being shown.</summary>
        public bool Echo { get; }
    }

    /// <summary>
    /// Asks the user for what authentication needs, as ssh asks on its terminal: a key's passphrase, a password, the
    /// answers to a keyboard-interactive round. The cmdlets implement it over the PowerShell host's UI. An
    /// implementation that cannot ask (no one is there: a non-interactive host, a command that has returned)
    /// throws <see cref="CredentialRequiredException"/>.
    /// </summary>
    public interface ICredentialPrompter
    {
        /// <summary>A secret typed without echo; null when the user declined (an empty answer is an answer).</summary>
        string? ReadSecret(string prompt);

        /// <summary>The answers to one keyboard-interactive round, one per prompt, in order.</summary>
        IReadOnlyList<string> Answer(string instruction, IReadOnlyList<InteractivePrompt> prompts);
    }

    /// <summary>Authentication needs an answer (passphrase, password, a one-time code) that nobody can give.</summary>
    public sealed class CredentialRequiredException : Exception
    {
        public CredentialRequiredException(string message, Exception? inner = null)
            : base(message, inner)
        {
        }
    }

    /// <summary>Who answers prompts for a connection: a prompter, or nobody and why (BatchMode, a scripted host).</summary>
    public sealed class PromptPolicy
    {
        private PromptPolicy(ICredentialPrompter? prompter, string? noPromptReason)
        {
            Prompter = prompter;
            NoPromptReason = noPromptReason;
        }

        /// <summary>Nobody answers; <paramref name="reason"/> says why (it ends the message of the failure).</summary>
        public static PromptPolicy None(string reason) => new PromptPolicy(null, reason);

        public static PromptPolicy Ask(ICredentialPrompter prompter) => new PromptPolicy(prompter, null);

        public ICredentialPrompter? Prompter { get; }

        public string? NoPromptReason { get; }

        /// <summary>The prompter, or a <see cref="CredentialRequiredException"/> saying what was needed and why nobody can give it.</summary>
        internal ICredentialPrompter Require(string needed) =>
            Prompter ?? throw new CredentialRequiredException($"{needed}, and nobody can be asked: {NoPromptReason}");
    }
}
