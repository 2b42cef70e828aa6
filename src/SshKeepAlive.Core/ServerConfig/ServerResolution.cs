using System;
using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.ConfigDocuments;

namespace SshKeepAlive.Core.ServerConfig
{
    /// <summary>The effective sshd settings for one connection, as `sshd -T -C` would print them, with sources.</summary>
    public sealed class ServerResolution
    {
        internal ServerResolution(
            string configPath, ServerConnection connection, IReadOnlyList<EffectiveSetting> settings, IReadOnlyList<ConfigDiagnostic> diagnostics, IReadOnlyList<UnappliedSetting> unapplied)
        {
            Unapplied = unapplied;
            ConfigPath = configPath;
            Connection = connection;
            Settings = settings;
            Diagnostics = diagnostics;
        }

        /// <summary>The sshd_config that was resolved.</summary>
        public string ConfigPath { get; }

        public ServerConnection Connection { get; }

        /// <summary>One setting per reported keyword, in a fixed order.</summary>
        public IReadOnlyList<EffectiveSetting> Settings { get; }

        /// <summary>Problems with file:line; with any error, sshd itself would refuse to start on this config.</summary>
        public IReadOnlyList<ConfigDiagnostic> Diagnostics { get; }

        /// <summary>Lines that set a reported keyword for no effect on this connection: an earlier line won, or their Match block does not hold.</summary>
        public IReadOnlyList<UnappliedSetting> Unapplied { get; }

        public bool HasErrors => Diagnostics.Any(d => d.IsError);

        /// <summary>The setting for a keyword (case-insensitive), e.g. resolution["ClientAliveInterval"].</summary>
        public EffectiveSetting this[string keyword] =>
            Settings.FirstOrDefault(s => string.Equals(s.Name, keyword, StringComparison.OrdinalIgnoreCase))
            ?? throw new KeyNotFoundException($"{keyword} is not one of the reported sshd keywords: {string.Join(", ", Settings.Select(s => s.Name))}.");
    }
}
