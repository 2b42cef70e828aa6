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

    /// <summary>
    /// What a connection authenticates with, in ssh's order: the agent's keys, then key files, then
    /// keyboard-interactive and password with the given password. Key files are read once, here, so a
    /// bad file or passphrase fails before any connection; agent keys are listed on every connection.
    /// </summary>
    public sealed class SshCredentials
    {
        private readonly List<(string Path, PrivateKeyFile Key)> keyFiles = new List<(string, PrivateKeyFile)>();
        private readonly string? password;

        /// <param name="keyFiles">Files that must load (given on the command line).</param>
        /// <param name="defaultKeyFiles">Files to use if present and loadable (config defaults such as ~/.ssh/id_ed25519), as ssh does.</param>
        /// <param name="keyPassphrase">The passphrase of encrypted key files.</param>
        /// <param name="password">For password and keyboard-interactive authentication; null for neither.</param>
        /// <param name="agent">The ssh-agent whose keys to offer first; null for none.</param>
        public SshCredentials(IEnumerable<string> keyFiles, IEnumerable<string> defaultKeyFiles, string? keyPassphrase, string? password, SshAgentClient? agent)
        {
            foreach (string path in keyFiles)
            {
                this.keyFiles.Add((path, Load(path, keyPassphrase)));
            }

            foreach (string path in defaultKeyFiles.Where(File.Exists).Except(this.keyFiles.Select(k => k.Path)))
            {
                try
                {
                    this.keyFiles.Add((path, Load(path, keyPassphrase)));
                }
                catch (PrivateKeyFileException)
                {
                    // A default key that does not load is passed over, as ssh passes it over.
                }
            }

            this.password = password;
            Agent = agent;
        }

        public SshAgentClient? Agent { get; }

        /// <summary>Fresh SSH.NET methods for one connection (they hold per-connection state).</summary>
        public IReadOnlyList<AuthenticationMethod> MethodsFor(string user)
        {
            var methods = new List<AuthenticationMethod>();
            var sources = new List<IPrivateKeySource>();
            if (Agent != null)
            {
                // An agent that is down must not stop key files or a password from working.
                try
                {
                    sources.AddRange(Agent.ListIdentities().Select(identity => new AgentKeySource(Agent, identity)));
                }
                catch (SshAgentException ex)
                {
                    AgentProblem = ex.Message;
                }
            }

            sources.AddRange(keyFiles.Select(k => (IPrivateKeySource)k.Key));
            if (sources.Count > 0)
            {
                methods.Add(new PrivateKeyAuthenticationMethod(user, sources.ToArray()));
            }

            if (password != null)
            {
                var keyboard = new KeyboardInteractiveAuthenticationMethod(user);
                keyboard.AuthenticationPrompt += (_, e) =>
                {
                    foreach (AuthenticationPrompt prompt in e.Prompts)
                    {
                        prompt.Response = prompt.IsEchoed ? string.Empty : password;
                    }
                };
                methods.Add(keyboard);
                methods.Add(new PasswordAuthenticationMethod(user, password));
            }

            if (methods.Count == 0)
            {
                throw new SshAuthenticationException(
                    $"Nothing to authenticate {user} with: no key file, no password, and no ssh-agent keys{(AgentProblem == null ? string.Empty : " (" + AgentProblem + ")")}.");
            }

            return methods;
        }

        /// <summary>The last reason the agent could not be used, if any.</summary>
        public string? AgentProblem { get; private set; }

        private static PrivateKeyFile Load(string path, string? passphrase)
        {
            if (!File.Exists(path))
            {
                throw new PrivateKeyFileException(path, $"The private key file {path} does not exist.");
            }

            try
            {
                return new PrivateKeyFile(path, passphrase);
            }
            catch (SshPassPhraseNullOrEmptyException ex)
            {
                throw new PrivateKeyFileException(path, $"The private key file {path} is encrypted and no passphrase was given.", ex);
            }
            catch (Exception ex) when (ex is SshException || ex is System.Security.Cryptography.CryptographicException || ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException || ex is InvalidOperationException || ex is FormatException)
            {
                throw new PrivateKeyFileException(path, $"Cannot use the private key file {path}: {ex.Message}" +
                    (passphrase == null ? string.Empty : " (is the passphrase right?)"), ex);
            }
        }
    }
}
