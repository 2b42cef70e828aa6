using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace SshKeepAlive.Core.Ssh
{
    /// <summary>A private key file that cannot be used: missing, unreadable, encrypted without (or with a wrong) passphrase.</summary>
    public sealed class PrivateKeyFileException : Exception
    {
        public PrivateKeyFileException(string path, string message, Exception? inner = null)
            : base(message, inner) => Path = path;

        public string Path { get; }
    }

    /// <summary>What a connection may authenticate with (ssh_config's IdentityFile, IdentitiesOnly, CertificateFile, the auth switches).</summary>
    public sealed class CredentialOptions
    {
        /// <summary>Files that must load (-KeyFile, as ssh -i).</summary>
        public IReadOnlyList<string> KeyFiles { get; set; } = new string[0];

        /// <summary>Files used when present (IdentityFile, or ssh's ~/.ssh/id_* defaults); a missing one is passed over.</summary>
        public IReadOnlyList<string> IdentityFiles { get; set; } = new string[0];

        /// <summary>OpenSSH certificates (CertificateFile), each offered with the identity whose public key it certifies.</summary>
        public IReadOnlyList<string> CertificateFiles { get; set; } = new string[0];

        /// <summary>IdentitiesOnly: of the agent's keys, only those of the files above.</summary>
        public bool IdentitiesOnly { get; set; }

        public string? KeyPassphrase { get; set; }

        /// <summary>For password and keyboard-interactive authentication; null: asked for when needed, if anyone can be asked.</summary>
        public string? Password { get; set; }

        public SshAgentClient? Agent { get; set; }

        public bool PubkeyAuthentication { get; set; } = true;

        public bool PasswordAuthentication { get; set; } = true;

        public bool KbdInteractiveAuthentication { get; set; } = true;

        /// <summary>NumberOfPasswordPrompts: how often a refused password is asked for again.</summary>
        public int PasswordPrompts { get; set; } = 3;

        public PromptPolicy Prompts { get; set; } = PromptPolicy.None("no one to ask was given.");
    }

    /// <summary>
    /// What a connection authenticates with, in ssh's order (sshconnect2.c pubkey_prepare): certificates, then the
    /// agent's keys (those of configured files at their place, the others only without IdentitiesOnly), then the key
    /// files not in the agent; then keyboard-interactive, each prompt shown as the server sends it, and password.
    /// Key files are opened once, here, so a bad -KeyFile fails before any connection; an encrypted key's passphrase
    /// is asked for at its first signature; agent keys are listed on every connection.
    /// </summary>
    public sealed class SshCredentials
    {
        private readonly CredentialOptions options;
        private readonly List<FileKeySource> files = new List<FileKeySource>();
        private readonly List<FileKeySource> certificates = new List<FileKeySource>();
        private string? password;

        /// <exception cref="PrivateKeyFileException">A -KeyFile (or a certificate's key) cannot be used.</exception>
        public SshCredentials(CredentialOptions options)
        {
            this.options = options;
            password = options.Password;
            foreach (string path in options.KeyFiles)
            {
                files.Add(OpenKey(path, null, required: true)!);
            }

            foreach (string path in options.IdentityFiles.Where(File.Exists).Except(options.KeyFiles))
            {
                FileKeySource? key = OpenKey(path, null, required: false);
                if (key != null)
                {
                    files.Add(key);
                }
            }

            foreach (string certificate in options.CertificateFiles.Where(File.Exists))
            {
                // The certificate goes with the identity file whose public key it holds (ssh matches them so too).
                byte[]? certified = PublicKeyBlob.CertifiedKey(PublicKeyBlob.ReadFile(certificate));
                FileKeySource? identity = certified == null ? null : files.FirstOrDefault(f => f.PublicKey.SequenceEqual(certified));
                FileKeySource? key = identity == null ? null : OpenKey(identity.Path, certificate, required: false);
                if (key != null)
                {
                    certificates.Add(key);
                }
            }
        }

        public SshAgentClient? Agent => options.Agent;

        /// <summary>The last reason the agent could not be used, if any.</summary>
        public string? AgentProblem { get; private set; }

        /// <summary>Fresh SSH.NET methods for one connection (they hold per-connection state).</summary>
        /// <exception cref="SshAuthenticationException">Nothing at all to authenticate with.</exception>
        public IReadOnlyList<AuthenticationMethod> MethodsFor(string user, string host)
        {
            var methods = new List<AuthenticationMethod>();
            if (options.PubkeyAuthentication)
            {
                IPrivateKeySource[] keys = PublicKeys().ToArray();
                if (keys.Length > 0)
                {
                    methods.Add(new PrivateKeyAuthenticationMethod(user, keys));
                }
            }

            // Offered even when nobody can answer: if the server gets to them, the failure says what it asked for and
            // why nobody could answer (BatchMode, a host that cannot prompt) rather than a bare "permission denied".
            if (options.KbdInteractiveAuthentication)
            {
                methods.Add(KeyboardInteractive(user));
            }

            if (options.PasswordAuthentication)
            {
                methods.Add(new PromptedPasswordMethod(user, host, this));
            }

            if (methods.Count == 0)
            {
                throw new SshAuthenticationException(
                    $"Nothing to authenticate {user} with: no key file, no password, and no ssh-agent keys{(AgentProblem == null ? string.Empty : " (" + AgentProblem + ")")}" +
                    (options.Prompts.NoPromptReason == null ? "." : "; and no password can be asked for: " + options.Prompts.NoPromptReason));
            }

            return methods;
        }

        private IEnumerable<IPrivateKeySource> PublicKeys()
        {
            foreach (FileKeySource certificate in certificates)
            {
                yield return certificate;
            }

            var remaining = new List<FileKeySource>(files);
            foreach (AgentIdentity identity in AgentIdentities())
            {
                FileKeySource? file = remaining.FirstOrDefault(f => f.PublicKey.SequenceEqual(identity.PublicKey));
                if (file != null)
                {
                    remaining.Remove(file);
                }
                else if (options.IdentitiesOnly)
                {
                    continue;
                }

                yield return new AgentKeySource(options.Agent!, identity);
            }

            foreach (FileKeySource file in remaining)
            {
                yield return file;
            }
        }

        private IReadOnlyList<AgentIdentity> AgentIdentities()
        {
            if (options.Agent == null)
            {
                return new AgentIdentity[0];
            }

            // An agent that is down must not stop key files or a password from working.
            try
            {
                return options.Agent.ListIdentities();
            }
            catch (SshAgentException ex)
            {
                AgentProblem = ex.Message;
                return new AgentIdentity[0];
            }
        }

        private FileKeySource? OpenKey(string path, string? certificate, bool required)
        {
            // A -KeyFile that nobody could ever decrypt fails before any connection, as a missing one does.
            if (required && options.KeyPassphrase == null && options.Prompts.Prompter == null && File.Exists(path) && FileKeySource.IsEncrypted(path))
            {
                throw new PrivateKeyFileException(path, $"The private key file {path} is encrypted and no passphrase was given, and nobody can be asked for it: {options.Prompts.NoPromptReason}");
            }

            try
            {
                return FileKeySource.Open(path, certificate, options.KeyPassphrase, () => AskPassphrase(path));
            }
            catch (PrivateKeyFileException) when (!required)
            {
                // A default or configured key that cannot be read is passed over, as ssh passes it over.
                return null;
            }
        }

        private string? AskPassphrase(string path) =>
            options.Prompts.Require($"The server accepts the key {path}, which is encrypted, so its passphrase is needed")
                .ReadSecret($"Enter passphrase for key '{path}': ");

        private KeyboardInteractiveAuthenticationMethod KeyboardInteractive(string user)
        {
            var method = new KeyboardInteractiveAuthenticationMethod(user);
            bool passwordUsed = false;
            method.AuthenticationPrompt += (_, e) =>
            {
                var prompts = e.Prompts.Select(p => new InteractivePrompt(p.Request, p.IsEchoed)).ToList();
                // A known password answers the first password question of a round (PAM's "Password: "), once;
                // every other question, a one-time code for one, is the user's to answer.
                int byPassword = password == null || passwordUsed ? -1 : prompts.FindIndex(IsPasswordQuestion);
                List<InteractivePrompt> asked = prompts.Where((_, i) => i != byPassword).ToList();
                IReadOnlyList<string> answers = asked.Count > 0
                    ? options.Prompts.Require($"The server asks: {string.Join(" ", prompts.Select(p => p.Text.Trim()))}").Answer(e.Instruction, asked)
                    : e.Instruction.Length > 0 && options.Prompts.Prompter != null ? options.Prompts.Prompter.Answer(e.Instruction, asked) : new string[0];
                int next = 0;
                for (int i = 0; i < e.Prompts.Count; i++)
                {
                    e.Prompts[i].Response = i == byPassword ? password! : (next < answers.Count ? answers[next++] : string.Empty);
                    if (i != byPassword && password == null && IsPasswordQuestion(prompts[i]))
                    {
                        // Kept for reconnects, which nobody may be there to answer; one-time codes are not kept.
                        password = e.Prompts[i].Response;
                        passwordUsed = true;
                    }
                }

                passwordUsed |= byPassword >= 0;
            };
            return method;
        }

        private static bool IsPasswordQuestion(InteractivePrompt prompt) =>
            !prompt.Echo && prompt.Text.IndexOf("assword", StringComparison.OrdinalIgnoreCase) >= 0;

        /// <summary>
        /// Password authentication whose password is asked for only when the server gets to it (as ssh asks
        /// "user@host's password:"), again after a refusal, up to NumberOfPasswordPrompts; an accepted one is kept for reconnects.
        /// </summary>
        private sealed class PromptedPasswordMethod : AuthenticationMethod
        {
            private readonly string host;
            private readonly SshCredentials credentials;

            public PromptedPasswordMethod(string user, string host, SshCredentials credentials)
                : base(user)
            {
                this.host = host;
                this.credentials = credentials;
            }

            public override string Name => "password";

            public override AuthenticationResult Authenticate(Session session)
            {
                if (credentials.password != null)
                {
                    return Delegate(session, credentials.password);
                }

                AuthenticationResult result = AuthenticationResult.Failure;
                for (int prompt = 0; prompt < Math.Max(1, credentials.options.PasswordPrompts) && result == AuthenticationResult.Failure; prompt++)
                {
                    string? typed = credentials.options.Prompts.Require($"The server asks for {Username}'s password")
                        .ReadSecret($"{Username}@{host}'s password: ");
                    if (typed == null)
                    {
                        break;
                    }

                    result = Delegate(session, typed);
                    if (result != AuthenticationResult.Failure)
                    {
                        credentials.password = typed;
                    }
                }

                return result;
            }

            private AuthenticationResult Delegate(Session session, string text)
            {
                var method = new PasswordAuthenticationMethod(Username, text);
                AuthenticationResult result = method.Authenticate(session);
                AllowedAuthentications = method.AllowedAuthentications;
                return result;
            }
        }
    }
}
