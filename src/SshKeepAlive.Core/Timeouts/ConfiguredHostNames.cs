using System;
using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.Config;

namespace SshKeepAlive.Core.Timeouts
{
    /// <summary>The host names a client config names literally: what a user would type after <c>ssh</c>.</summary>
    public static class ConfiguredHostNames
    {
        /// <summary>
        /// Every Host pattern without wildcards or negation, in file order (Includes expanded), without repeats.
        /// </summary>
        public static IReadOnlyList<string> From(LoadedConfig config) =>
            config.Directives()
                .Where(d => d.Line.IsKeyword("Host"))
                .SelectMany(d => d.Line.Arguments)
                .Where(pattern => pattern.Length > 0 && pattern.IndexOfAny(new[] { '*', '?', '!' }) < 0)
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .ToList();

        /// <summary>The names in the user's ~/.ssh/config (and what it includes); none when it does not exist.</summary>
        public static IReadOnlyList<string> ForUser(TimeoutEnvironment environment) =>
            From(LoadedConfig.Load(environment.UserClientConfig, IncludeRules.ForUserClientConfig(environment.HomeDirectory)));
    }
}
