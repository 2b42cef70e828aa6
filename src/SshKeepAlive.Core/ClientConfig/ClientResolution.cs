using System;
using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.OpenSsh;

namespace SshKeepAlive.Core.ClientConfig
{
    /// <summary>
    /// What ssh would use for one destination (the ssh -G view of the keywords in <see cref="ClientKeyword.All"/>),
    /// with the source of each value and every problem found on the way.
    /// </summary>
    public sealed class ClientResolution
    {
        private readonly Dictionary<ClientKeyword, EffectiveSetting> byKeyword;

        internal ClientResolution(SshTarget target, IReadOnlyList<EffectiveSetting> settings, IReadOnlyList<ConfigDiagnostic> diagnostics, IReadOnlyList<UnappliedSetting> unapplied, IReadOnlyList<ClientDirective> directives, IReadOnlyDictionary<char, string> tokens)
        {
            Unapplied = unapplied;
            Directives = directives;
            Tokens = tokens;
            Target = target;
            Settings = settings;
            Diagnostics = diagnostics;
            byKeyword = settings.ToDictionary(s => ClientKeyword.Find(s.Name)!);
        }

        /// <summary>The destination as given.</summary>
        public SshTarget Target { get; }

        /// <summary>One entry per keyword in <see cref="ClientKeyword.All"/>, in that order.</summary>
        public IReadOnlyList<EffectiveSetting> Settings { get; }

        /// <summary>Errors (ssh would refuse the configuration) and warnings (e.g. Match exec not run), with file:line.</summary>
        public IReadOnlyList<ConfigDiagnostic> Diagnostics { get; }

        /// <summary>
        /// The active lines of every other keyword ssh_config knows, in the order ssh reads them (the first pass, then
        /// lines only the final pass activates); each keyword's own rule (first wins, or every line adds) is the caller's.
        /// </summary>
        public IReadOnlyList<ClientDirective> Directives { get; }

        /// <summary>The active lines of one keyword (as in <see cref="Directives"/>), case-insensitively.</summary>
        public IEnumerable<ClientDirective> DirectivesOf(string keyword) =>
            Directives.Where(d => string.Equals(d.Keyword, keyword, StringComparison.OrdinalIgnoreCase));

        /// <summary>
        /// The %-tokens of this connection as ssh expands IdentityFile, CertificateFile, IdentityAgent and the like
        /// (%C %L %i %k %l %n %p %d %h %r %u), with the final host name, user and port.
        /// </summary>
        public IReadOnlyDictionary<char, string> Tokens { get; }

        /// <summary>Lines that set a keyword for no effect here: an earlier line won, or their block does not match.</summary>
        public IReadOnlyList<UnappliedSetting> Unapplied { get; }

        public bool HasErrors => Diagnostics.Any(d => d.IsError);

        public EffectiveSetting this[ClientKeyword keyword] => byKeyword[keyword];

        /// <summary>The setting for a keyword name or alias, case-insensitively.</summary>
        public EffectiveSetting this[string keyword] =>
            byKeyword[ClientKeyword.Find(keyword) ?? throw new ArgumentException($"'{keyword}' is not a keyword the resolver reports.", nameof(keyword))];

        /// <summary>The host ssh connects to (HostName applied, lowercased as ssh does).</summary>
        public string HostName => (string)this[ClientKeyword.HostName].Value!;
    }
}
