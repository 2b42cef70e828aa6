using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.ServerConfig;

namespace SshKeepAlive.Core.Editing
{
    /// <summary>
    /// The winning line as OpenSSH's own rules decide it: <see cref="ClientConfigResolver"/> (ssh -G semantics) for a
    /// client destination, <see cref="ServerConfigResolver"/> (sshd -T -C) for a server connection or the global
    /// settings. Match exec is not run: such a block counts as not matching, and the planner refuses to rely on a
    /// line it could override. A config OpenSSH itself refuses (a syntax error, or on the client a keyword ssh does
    /// not know) is refused with OpenSSH's reason and file:line.
    /// </summary>
    public sealed class ResolverLookup : IWinningDirectiveLookup
    {
        private readonly ClientEnvironment environment;
        private readonly UnixAccounts accounts;
        private readonly OpenSshVersion? serverVersion;

        // A tree is compiled for the client resolver once, however many destinations an edit checks on it; the
        // edited tree takes over what was compiled for the lines the edit kept.
        private readonly ConditionalWeakTable<LoadedConfig, ClientConfigResolver> compiled = new ConditionalWeakTable<LoadedConfig, ClientConfigResolver>();

        /// <param name="environment">The client side: whose home, which ssh release (<see cref="ClientEnvironment.OpenSshVersion"/>).</param>
        /// <param name="accounts">Where Match Group looks users up (default this machine's).</param>
        /// <param name="serverVersion">The sshd release server configs are read as; null: the newest.</param>
        public ResolverLookup(ClientEnvironment environment, UnixAccounts? accounts = null, OpenSshVersion? serverVersion = null)
        {
            this.environment = environment;
            this.accounts = accounts ?? new UnixAccounts();
            this.serverVersion = serverVersion;
        }

        public Func<string, ConfigSource?> ResolveClient(LoadedConfig config, SshTarget destination) => ResolveClients(config, new[] { destination })[0].Value;

        public IReadOnlyList<Lazy<Func<string, ConfigSource?>>> ResolveClients(LoadedConfig config, IReadOnlyList<SshTarget> destinations) =>
            compiled.GetValue(config, Compile).Resolve(destinations).Select(client => new Lazy<Func<string, ConfigSource?>>(() =>
            {
                ThrowIfRefused(client.Diagnostics.FirstOrDefault(d => d.IsError || d.Problem == ConfigProblem.UnknownKeyword), config.Document.Path);
                return keyword => client[keyword].Source;
            })).ToList();

        public Func<string, ConfigSource?> ResolveServer(LoadedConfig config, ServerConnection? connection)
        {
            // Global settings: a Match condition that needs a connection to judge (Match LocalPort without one) is
            // no reason to refuse editing them. An unknown keyword is left to sshd -t, which knows its own version.
            ServerResolution server = ServerConfigResolver.ForLoaded(config, accounts, serverVersion).Resolve(connection);
            ThrowIfRefused(server.Diagnostics.FirstOrDefault(d => d.IsError && (connection != null || !IsMatchLine(config, d.Source))), config.Document.Path);
            return keyword => server[keyword].Source;
        }

        public void Release(LoadedConfig config) => compiled.Remove(config);

        public Func<string, EffectiveSetting> ClientSettings(LoadedConfig config, SshTarget destination)
        {
            ClientResolution client = compiled.GetValue(config, Compile).Resolve(destination);
            return keyword => client[keyword];
        }

        public Func<string, EffectiveSetting> ServerSettings(LoadedConfig config, ServerConnection? connection)
        {
            ServerResolution server = ServerConfigResolver.ForLoaded(config, accounts, serverVersion).Resolve(connection);
            return keyword => server[keyword];
        }

        private ClientConfigResolver Compile(LoadedConfig tree) =>
            tree.EditedFrom != null && compiled.TryGetValue(tree.EditedFrom, out ClientConfigResolver? original)
                ? ClientConfigResolver.ForEdit(original, tree)
                : ClientConfigResolver.ForLoaded(environment, tree);

        private static bool IsMatchLine(LoadedConfig config, ConfigSource? source) =>
            source != null && config.AllFiles().Any(f => f.Document.Path == source.Path && source.Line <= f.Document.Lines.Count && f.Document.GetLine(source.Line).IsKeyword("Match"));

        private static void ThrowIfRefused(ConfigDiagnostic? problem, string path)
        {
            if (problem != null)
            {
                throw ConfigEditException.ConfigRefused(problem, path);
            }
        }
    }
}
