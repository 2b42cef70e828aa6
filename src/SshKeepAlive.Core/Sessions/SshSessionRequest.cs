using System;
using System.Collections.Generic;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>
    /// What a caller asks of a session: a destination, the ssh_config to read, and explicit choices that win over
    /// what the config says. A null choice means "as ssh_config says, else this module's default". Paths are plain
    /// file-system paths; <see cref="SessionSettingsBuilder"/> turns the request into settings.
    /// </summary>
    public sealed class SshSessionRequest
    {
        public SshSessionRequest(string destination)
        {
            Destination = destination;
        }

        /// <summary><c>[user@]host</c> or <c>ssh://[user@]host[:port]</c>.</summary>
        public string Destination { get; }

        /// <summary>
        /// Only this ssh_config, as <c>ssh -F</c> reads it (<see cref="ClientConfig.ClientConfigResolver.NoConfigFile"/>:
        /// none at all); null: the user's and the system's configs.
        /// </summary>
        public string? ConfigFile { get; set; }

        /// <summary>The session's name; by default the destination as given.</summary>
        public string? Name { get; set; }

        public int? Port { get; set; }

        /// <summary>The user of a credential: used unless the destination names one.</summary>
        public string? CredentialUser { get; set; }

        /// <summary>For password and keyboard-interactive authentication.</summary>
        public string? Password { get; set; }

        /// <summary>Key files that must load, besides the agent's keys and the config's IdentityFile.</summary>
        public IReadOnlyList<string> KeyFiles { get; set; } = new string[0];

        public string? KeyPassphrase { get; set; }

        /// <summary>ServerAliveInterval; zero turns keepalives off.</summary>
        public TimeSpan? KeepAliveInterval { get; set; }

        /// <summary>ServerAliveCountMax.</summary>
        public int? KeepAliveCountMax { get; set; }

        /// <summary>Yes, No, Ask or AcceptNew, in any case; ssh's spelling accept-new too.</summary>
        public string? StrictHostKeyChecking { get; set; }

        /// <summary>The user's known_hosts file, where new keys are added.</summary>
        public string? KnownHostsFile { get; set; }

        public TimeSpan? ConnectTimeout { get; set; }

        /// <summary>The wait before the first reconnect attempt; later ones double it.</summary>
        public TimeSpan? ReconnectDelay { get; set; }

        /// <summary>The longest wait between reconnect attempts.</summary>
        public TimeSpan? ReconnectMaxDelay { get; set; }

        public int? ReconnectMaxAttempts { get; set; }

        /// <summary>How long after a loss reconnecting is tried.</summary>
        public TimeSpan? ReconnectTimeout { get; set; }

        /// <summary>Never reconnect: a lost connection leaves the session Broken.</summary>
        public bool NoReconnect { get; set; }

        /// <summary>For an interactive terminal (Enter-PersistentSsh) rather than commands: decides which of RemoteCommand and RequestTTY can be honoured.</summary>
        public bool Interactive { get; set; }

        /// <summary>Run Match exec commands of the configuration, as ssh does (otherwise their blocks do not match, with a warning).</summary>
        public bool RunMatchExec { get; set; }

        /// <summary>Jump hosts as ssh -J takes them (<c>[user@]host[:port]</c>, comma-separated, first hop first); win over ProxyJump and ProxyCommand.</summary>
        public string? JumpHosts { get; set; }

        /// <summary>Local forwards as ssh -L takes them, besides ssh_config's LocalForward.</summary>
        public IReadOnlyList<string> LocalForwards { get; set; } = new string[0];

        /// <summary>Remote forwards as ssh -R takes them, besides ssh_config's RemoteForward.</summary>
        public IReadOnlyList<string> RemoteForwards { get; set; } = new string[0];

        /// <summary>Dynamic (SOCKS) forwards as ssh -D takes them, besides ssh_config's DynamicForward.</summary>
        public IReadOnlyList<string> DynamicForwards { get; set; } = new string[0];

        /// <summary>SendEnv patterns as ssh -o SendEnv gives them (read before the configuration's).</summary>
        public IReadOnlyList<string> SendEnv { get; set; } = new string[0];

        /// <summary>SetEnv NAME=VALUE pairs as ssh -o SetEnv gives them: when there are any, the configuration's SetEnv lines do not count.</summary>
        public IReadOnlyList<string> SetEnv { get; set; } = new string[0];

        /// <summary>Who answers passphrase, password and keyboard-interactive prompts; null: nobody (then <see cref="NoPrompterReason"/> says why).</summary>
        public Ssh.ICredentialPrompter? Prompter { get; set; }

        /// <summary>Why nobody can answer prompts, for the error when one is needed.</summary>
        public string? NoPrompterReason { get; set; }
    }
}
