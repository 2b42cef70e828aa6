using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.OpenSsh;

namespace SshKeepAlive.Core.ClientConfig
{
    /// <summary>Options for one resolution.</summary>
    public sealed class ClientResolveOptions
    {
        /// <summary>
        /// Run "Match exec" commands (through /bin/sh, as ssh does). Off by default: an unrun exec counts as not
        /// matching and is reported as a warning naming its file:line.
        /// </summary>
        public bool RunMatchExec { get; set; }

        /// <summary>
        /// Report a keyword ssh_config does not know (and IgnoreUnknown does not cover) as an error, as the ssh of this
        /// machine refuses the file ("Bad configuration option"); by default only a warning, since a newer ssh may know it.
        /// </summary>
        public bool UnknownKeywordsAreErrors { get; set; }

        /// <summary>How long one Match exec command may run before it is stopped (ssh waits forever); default 30 s.</summary>
        public TimeSpan MatchExecTimeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Stops a running Match exec command (Ctrl-C): the resolution then throws <see cref="OperationCanceledException"/>.</summary>
        public CancellationToken CancellationToken { get; set; }

        /// <summary>
        /// Record the lines that set a keyword for no effect (<see cref="ClientResolution.Unapplied"/>, else empty).
        /// Off by default: a resolution then holds nothing per line it skips, which is what resolving many hosts,
        /// or editing a file of millions of lines, needs; the timeout report asks for the record.
        /// </summary>
        public bool RecordUnapplied { get; set; }
    }

    /// <summary>
    /// Resolves ssh client settings as <c>ssh -G</c> does: the user config (~/.ssh/config) then the system config
    /// (/etc/ssh/ssh_config), or only an explicit file (like <c>ssh -F</c>). Files are loaded once; resolve any
    /// number of destinations.
    /// </summary>
    public sealed class ClientConfigResolver
    {
        private readonly List<ConfigDiagnostic> loadDiagnostics = new List<ConfigDiagnostic>();

        private ClientConfigResolver(ClientEnvironment environment, IReadOnlyList<LoadedConfig> files, IReadOnlyList<ClientConfigFile>? compiledFiles = null)
        {
            Environment = environment;
            Files = files;
            CompiledFiles = compiledFiles ?? files.Select(f => ClientConfigFile.Compile(f)).ToList();
        }

        public ClientEnvironment Environment { get; }

        /// <summary>The top files in reading order (user then system, or the explicit file), each with its Includes.</summary>
        public IReadOnlyList<LoadedConfig> Files { get; }

        internal IReadOnlyList<ClientConfigFile> CompiledFiles { get; }

        /// <summary>Problems found while loading (unreadable files, Include errors, a missing explicit file).</summary>
        public IReadOnlyList<ConfigDiagnostic> LoadDiagnostics => loadDiagnostics;

        /// <summary>ssh -F's word for "no config file at all" (compared without regard to case, as ssh does).</summary>
        public const string NoConfigFile = "none";

        /// <summary>True when <paramref name="configFile"/> is <see cref="NoConfigFile"/> rather than a path.</summary>
        public static bool IsNoConfigFile(string configFile) => string.Equals(configFile, NoConfigFile, System.StringComparison.OrdinalIgnoreCase);

        /// <summary>
        /// What ssh reads: only <paramref name="configFile"/> when one is given (as <c>ssh -F</c>, see <see cref="LoadFile"/>),
        /// otherwise the user and system configs (see <see cref="Load"/>).
        /// </summary>
        public static ClientConfigResolver Open(ClientEnvironment environment, string? configFile) =>
            configFile == null ? Load(environment) : LoadFile(environment, configFile);

        /// <summary>Loads the user and system configs of <paramref name="environment"/>; a missing one is skipped as ssh does.</summary>
        public static ClientConfigResolver Load(ClientEnvironment environment)
        {
            var files = new[]
            {
                LoadedConfig.Load(environment.UserConfigPath, IncludeRules.ForUserClientConfig(environment.HomeDirectory, environment.NumericUserId), environment.Files),
                LoadedConfig.Load(environment.SystemConfigPath, IncludeRules.ForSystemClientConfig(environment.SystemDirectory, environment.HomeDirectory), environment.Files),
            };
            var resolver = new ClientConfigResolver(environment, files);
            if (LoadedConfig.HasUnsafePermissions(environment.Files.Stat(environment.UserConfigPath), environment.NumericUserId))
            {
                resolver.loadDiagnostics.Add(ConfigDiagnostic.Error($"bad owner or permissions on {environment.UserConfigPath}", null));
            }

            resolver.loadDiagnostics.AddRange(files.SelectMany(f => f.Diagnostics));
            return resolver;
        }

        /// <summary>
        /// Loads only <paramref name="configFile"/>, as <c>ssh -F</c>: the system config is skipped, relative Includes
        /// resolve under ~/.ssh, "none" reads no file, and a missing file is an error.
        /// </summary>
        public static ClientConfigResolver LoadFile(ClientEnvironment environment, string configFile)
        {
            if (IsNoConfigFile(configFile))
            {
                return new ClientConfigResolver(environment, new LoadedConfig[0]);
            }

            LoadedConfig file = LoadedConfig.Load(configFile, IncludeRules.ForUserClientConfig(environment.HomeDirectory, environment.NumericUserId), environment.Files);
            var resolver = new ClientConfigResolver(environment, new[] { file });
            if (!file.Exists)
            {
                resolver.loadDiagnostics.Add(ConfigDiagnostic.Error($"can't open user config file {configFile}: no such file", null));
            }

            resolver.loadDiagnostics.AddRange(file.Diagnostics);
            return resolver;
        }

        /// <summary>
        /// A resolver over one already-loaded top file (e.g. a config being edited, possibly not yet written), read
        /// as <c>ssh -F</c> reads it: no system config.
        /// </summary>
        public static ClientConfigResolver ForLoaded(ClientEnvironment environment, LoadedConfig file)
        {
            var resolver = new ClientConfigResolver(environment, new[] { file });
            resolver.loadDiagnostics.AddRange(file.Diagnostics);
            return resolver;
        }

        /// <summary>
        /// A resolver over <paramref name="edited"/>, a tree made from the one <paramref name="original"/> reads by
        /// editing some of its files (<see cref="LoadedConfig.WithDocuments"/>): what was compiled for the lines the
        /// edit kept is kept, so only the lines it wrote are compiled.
        /// </summary>
        internal static ClientConfigResolver ForEdit(ClientConfigResolver original, LoadedConfig edited)
        {
            if (original.Files.Count != 1 || !ReferenceEquals(edited.EditedFrom, original.Files[0]))
            {
                throw new ArgumentException("The tree is not an edit of the resolver's file.", nameof(edited));
            }

            var resolver = new ClientConfigResolver(original.Environment, new[] { edited }, new[] { ClientConfigFile.Compile(edited, original.CompiledFiles[0]) });
            resolver.loadDiagnostics.AddRange(edited.Diagnostics);
            return resolver;
        }

        /// <summary>Resolves a destination "[user@]host" or "ssh://[user@]host[:port]".</summary>
        public ClientResolution Resolve(string destination, ClientResolveOptions? options = null) => Resolve(SshTarget.Parse(destination), options);

        /// <summary>Resolves a destination; its user and port, when given, win over the files as on ssh's command line.</summary>
        public ClientResolution Resolve(SshTarget target, ClientResolveOptions? options = null) => Resolve(new[] { target }, options)[0];

        /// <summary>
        /// Resolves several destinations in one walk over the files, each exactly as <see cref="Resolve(SshTarget, ClientResolveOptions)"/>
        /// would: for a large file, resolving many destinations costs little more than resolving one.
        /// </summary>
        public IReadOnlyList<ClientResolution> Resolve(IReadOnlyList<SshTarget> targets, ClientResolveOptions? options = null) =>
            ClientResolutionRun.RunAll(this, targets, options ?? new ClientResolveOptions(), loadDiagnostics);

        /// <summary>
        /// The literal host names of every Host line (no wildcards, no negation), in file order without duplicates —
        /// the names worth offering for completion.
        /// </summary>
        public IReadOnlyList<string> HostNames() =>
            Files.SelectMany(f => f.Directives())
                .Where(d => d.Line.IsKeyword("Host"))
                .SelectMany(d => d.Line.Arguments)
                .Where(p => p.Length > 0 && !p.StartsWith("!", System.StringComparison.Ordinal) && OpenSshPattern.IsLiteral(p))
                .Distinct()
                .ToList();
    }
}
