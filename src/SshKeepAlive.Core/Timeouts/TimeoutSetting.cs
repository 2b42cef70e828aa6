using SshKeepAlive.Core.OpenSsh;

namespace SshKeepAlive.Core.Timeouts
{
    /// <summary>Where a setting that can end an idle SSH session lives.</summary>
    public enum TimeoutScope
    {
        /// <summary>ssh_config, as <c>ssh -G</c> resolves it for a host.</summary>
        Client,

        /// <summary>sshd_config, as <c>sshd -T -C</c> resolves it for a connection.</summary>
        Server,

        /// <summary>bash's TMOUT from the startup files.</summary>
        Shell,

        /// <summary>Linux TCP keepalive and conntrack settings from /proc/sys.</summary>
        Kernel,
    }

    /// <summary>One effective setting with where it came from.</summary>
    public sealed class TimeoutSetting
    {
        /// <summary>The <see cref="Source"/> of a built-in default.</summary>
        public const string DefaultSource = "default";

        public TimeoutSetting(TimeoutScope scope, string target, string name, object? value, bool isDefault, string source, int? line, string? note = null, string? computerName = null, string? openSshVersion = null)
        {
            ComputerName = computerName;
            OpenSshVersion = openSshVersion;
            Scope = scope;
            Target = target;
            Name = name;
            Value = value;
            IsDefault = isDefault;
            Source = source;
            Line = line;
            Note = note;
        }

        /// <summary>The machine the setting was read on (as given to -ComputerName); null for this machine.</summary>
        public string? ComputerName { get; }

        /// <summary>The OpenSSH release whose rules resolved it (a client or server row; on a remote machine every row names the machine's), e.g. 9.2p1; null when unknown.</summary>
        public string? OpenSshVersion { get; }

        public TimeoutScope Scope { get; }

        /// <summary>The host (client), the connection (server), the shell kind, or "kernel".</summary>
        public string Target { get; }

        /// <summary>OpenSSH's spelling (ServerAliveInterval, TCPKeepAlive…), TMOUT, or the sysctl name.</summary>
        public string Name { get; }

        /// <summary>int seconds for times, int for counts, bool for yes/no, a string for lists, null for none.</summary>
        public object? Value { get; }

        /// <summary>True when no file sets it and the built-in default applies.</summary>
        public bool IsDefault { get; }

        /// <summary>Full path of the file that sets it, or <c>default</c>.</summary>
        public string Source { get; }

        /// <summary>1-based line in <see cref="Source"/>; null for a default or a whole-file value (/proc/sys).</summary>
        public int? Line { get; }

        /// <summary>What else an admin should know: read-only, refused overrides, a value that is not what it seems.</summary>
        public string? Note { get; }

        /// <summary>"path:line", the path alone, or "default".</summary>
        public string Location => Line == null ? Source : Source + ":" + Line;

        public override string ToString() => $"{(ComputerName == null ? string.Empty : ComputerName + ": ")}{Scope} {Target} {Name}={OpenSshValues.Format(Value)} ({Location})";
    }
}
