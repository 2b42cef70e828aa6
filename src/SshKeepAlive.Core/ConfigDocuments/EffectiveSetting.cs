using System.Collections.Generic;
using SshKeepAlive.Core.OpenSsh;

namespace SshKeepAlive.Core.ConfigDocuments
{
    /// <summary>Where an effective value came from.</summary>
    public enum SettingOrigin
    {
        /// <summary>Nothing set it: OpenSSH's built-in default.</summary>
        Default,

        /// <summary>A configuration line (see <see cref="EffectiveSetting.Source"/>).</summary>
        ConfigFile,

        /// <summary>The destination itself (user@host, ssh://host:port), which wins over any file.</summary>
        CommandLine,
    }

    /// <summary>The effective value of one keyword for one destination or connection, and where it came from.</summary>
    public sealed class EffectiveSetting
    {
        internal EffectiveSetting(string name, object? value, SettingOrigin origin, IReadOnlyList<ConfigSource> sources, string? rawText)
        {
            Name = name;
            Value = value;
            Origin = origin;
            Sources = sources;
            RawText = rawText;
        }

        /// <summary>OpenSSH's spelling of the keyword.</summary>
        public string Name { get; }

        /// <summary>
        /// int seconds for times (null = none), int for counts and ports, bool for yes/no, string for words and
        /// text, IReadOnlyList&lt;string&gt; for path lists and IdentityFile.
        /// </summary>
        public object? Value { get; }

        /// <summary>The value as ssh -G / sshd -T print it.</summary>
        public string Text => OpenSshValues.Format(Value);

        public SettingOrigin Origin { get; }

        public bool IsDefault => Origin == SettingOrigin.Default;

        /// <summary>The line that set the value; for IdentityFile the first contributing line; null unless from a file.</summary>
        public ConfigSource? Source => Sources.Count > 0 ? Sources[0] : null;

        /// <summary>Every contributing line (several only for IdentityFile).</summary>
        public IReadOnlyList<ConfigSource> Sources { get; }

        /// <summary>The winning line's arguments as written (quotes included); null for defaults.</summary>
        public string? RawText { get; }

        public override string ToString() => $"{Name} {Text} ({(Source?.ToString() ?? Origin.ToString().ToLowerInvariant())})";
    }
}
