using System;
using System.Collections.Generic;
using SshKeepAlive.Core.ConfigDocuments;

namespace SshKeepAlive.Core.ClientConfig
{
    /// <summary>
    /// The literal Host names of a client configuration (<see cref="ClientConfigResolver.HostNames"/>), kept between
    /// calls and read again only when a file they came from has changed (<see cref="ConfigFilesStamp"/>): tab
    /// completion asks on every keystroke. Thread-safe.
    /// </summary>
    public sealed class ClientHostNameCache
    {
        private readonly object gate = new object();
        private readonly Dictionary<string, Entry> entries = new Dictionary<string, Entry>(StringComparer.Ordinal);

        /// <summary>The Host names of the configuration <see cref="ClientConfigResolver.Open"/> reads for <paramref name="configFile"/>.</summary>
        public IReadOnlyList<string> HostNames(ClientEnvironment environment, string? configFile)
        {
            string key = configFile ?? string.Empty;
            lock (gate)
            {
                if (entries.TryGetValue(key, out Entry? cached) && cached.Stamp.IsCurrent())
                {
                    return cached.Names;
                }
            }

            DateTime loadStarted = DateTime.UtcNow;
            ClientConfigResolver resolver = ClientConfigResolver.Open(environment, configFile);
            var fresh = new Entry(resolver.HostNames(), ConfigFilesStamp.Of(resolver.Files, loadStarted));
            lock (gate)
            {
                entries[key] = fresh;
            }

            return fresh.Names;
        }

        private sealed class Entry
        {
            public Entry(IReadOnlyList<string> names, ConfigFilesStamp stamp)
            {
                Names = names;
                Stamp = stamp;
            }

            public IReadOnlyList<string> Names { get; }

            public ConfigFilesStamp Stamp { get; }
        }
    }
}
