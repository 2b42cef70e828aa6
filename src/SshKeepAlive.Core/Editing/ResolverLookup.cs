using System;
using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.ServerConfig;

namespace SshKeepAlive.Core.Editing
{
    /// <summary>
    /// The winning directive as OpenSSH's own rules decide it: <see cref="ClientConfigResolver"/> (ssh -G semantics)
    /// for a host the client pattern stands for, <see cref="ServerConfigResolver"/> (sshd -T) for the server's
    /// global settings. Match exec is not run: such a block counts as not matching, and the planner refuses to
    /// rely on a line it could override.
    /// </summary>
    public sealed class ResolverLookup : IWinningDirectiveLookup
    {
        private readonly ClientEnvironment environment;

        public ResolverLookup(ClientEnvironment environment) => this.environment = environment;

        public Func<string, ConfigDirective?> Resolve(LoadedConfig config, EditRequest request)
        {
            Func<string, EffectiveSetting> settingOf;
            if (request.Scope == EditScope.Server)
            {
                // Global settings only: a Match condition that needs a connection to judge (Match LocalPort
                // without one) is no reason to refuse editing them.
                ServerResolution server = ServerConfigResolver.ForLoaded(config).Resolve();
                ThrowIfBroken(server.Diagnostics.FirstOrDefault(d => d.IsError && !IsMatchLine(config, d.Source)), request);
                settingOf = keyword => server[keyword];
            }
            else
            {
                ClientResolution client = ClientConfigResolver.ForLoaded(environment, config).Resolve(ProbeHost(request.HostPattern));
                ThrowIfBroken(client.Diagnostics.FirstOrDefault(d => d.IsError), request);
                settingOf = keyword => client[keyword];
            }

            IReadOnlyList<DirectivePlacement> placed = DirectivePlacement.Of(config);
            return keyword => settingOf(keyword).Source is ConfigSource source ? placed.First(p => p.Source.Equals(source)).Directive : null;
        }

        /// <summary>A host name the pattern matches: itself when literal, wildcards filled in otherwise.</summary>
        public static string ProbeHost(string pattern) =>
            pattern == "*" ? "sshka-probe" : pattern.Replace("*", "sshka-probe").Replace('?', 'x');

        private static bool IsMatchLine(LoadedConfig config, ConfigSource? source) =>
            source != null && config.AllFiles().Any(f => f.Document.Path == source.Path && source.Line <= f.Document.Lines.Count && f.Document.GetLine(source.Line).IsKeyword("Match"));

        private static void ThrowIfBroken(ConfigDiagnostic? error, EditRequest request)
        {
            if (error != null)
            {
                throw ConfigEditException.ConfigBroken(error, request.Path);
            }
        }
    }
}
