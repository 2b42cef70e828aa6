using System;
using System.Globalization;

namespace SshKeepAlive.Core.Config
{
    /// <summary>
    /// The value a configuration keyword ends up with, and where it came from: the winning line, or OpenSSH's
    /// default when no line set it.
    /// </summary>
    public sealed class EffectiveSetting
    {
        public EffectiveSetting(string name, object? value, string? rawValue, ConfigSource? source)
        {
            Name = name ?? throw new ArgumentNullException(nameof(name));
            Value = value;
            RawValue = rawValue;
            Source = source;
        }

        /// <summary>The keyword in OpenSSH's documented spelling, e.g. "ClientAliveInterval".</summary>
        public string Name { get; }

        /// <summary>
        /// The effective value: int seconds for times, int for counts, bool for yes/no, string for paths and
        /// lists; null for "none" (nothing set, the feature is off).
        /// </summary>
        public object? Value { get; }

        /// <summary>The arguments exactly as written on the winning line; null for a default.</summary>
        public string? RawValue { get; }

        /// <summary>The winning line; null when the value is OpenSSH's default.</summary>
        public ConfigSource? Source { get; }

        public bool IsDefault => Source == null;

        /// <summary>"ClientAliveInterval 30 (/etc/ssh/sshd_config:12)" or "... (default)".</summary>
        public override string ToString() =>
            Name + " " + FormatValue(Value) + " (" + (Source?.ToString() ?? "default") + ")";

        private static string FormatValue(object? value) => value switch
        {
            null => "none",
            bool flag => flag ? "yes" : "no",
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "none",
        };
    }
}
