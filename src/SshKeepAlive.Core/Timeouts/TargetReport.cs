using System.Collections.Generic;
using SshKeepAlive.Core.ConfigDocuments;

namespace SshKeepAlive.Core.Timeouts
{
    /// <summary>The settings and summary for one target.</summary>
    public sealed class TargetReport
    {
        internal TargetReport(string target, IReadOnlyList<TimeoutSetting> settings, TimeoutSummary summary, IReadOnlyList<ConfigDiagnostic> diagnostics, IReadOnlyList<UnappliedSetting> unapplied, int? pathIdleTimeout)
        {
            PathIdleTimeout = pathIdleTimeout;
            Unapplied = unapplied;
            Target = target;
            Settings = settings;
            Summary = summary;
            Diagnostics = diagnostics;
        }

        public string Target { get; }

        /// <summary>The settings that depend on the target (client scope); the others are in <see cref="TimeoutReporter.LocalSettings"/>.</summary>
        public IReadOnlyList<TimeoutSetting> Settings { get; }

        /// <summary>Summary over the target's settings and every local one.</summary>
        public TimeoutSummary Summary { get; }

        /// <summary>Client lines for the reported keywords that do not take effect for this target (an earlier line wins, or their block does not match).</summary>
        public IReadOnlyList<UnappliedSetting> Unapplied { get; }

        /// <summary>The path's idle timeout the report was made with (given or measured); null when unknown.</summary>
        public int? PathIdleTimeout { get; }

        /// <summary>Problems resolving this target (e.g. an unevaluated Match exec).</summary>
        public IReadOnlyList<ConfigDiagnostic> Diagnostics { get; }
    }
}
