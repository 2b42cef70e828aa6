using System.Collections.Generic;
using SshKeepAlive.Core.ConfigDocuments;

namespace SshKeepAlive.Core.ClientConfig
{
    /// <summary>
    /// A line, active for the destination, of a keyword the resolver does not report itself (ProxyJump, LocalForward,
    /// IdentitiesOnly, ...): what it says and where. Its meaning (first value wins, or every line adds) is the
    /// caller's to apply, as ssh applies it per keyword.
    /// </summary>
    public sealed class ClientDirective
    {
        internal ClientDirective(string keyword, IReadOnlyList<string> arguments, string rest, ConfigSource source)
        {
            Keyword = keyword;
            Arguments = arguments;
            Rest = rest;
            Source = source;
        }

        /// <summary>The keyword as ssh_config(5) spells it.</summary>
        public string Keyword { get; }

        /// <summary>The arguments, unquoted.</summary>
        public IReadOnlyList<string> Arguments { get; }

        /// <summary>The text after the keyword as written, which ProxyCommand, RemoteCommand and ProxyJump take whole.</summary>
        public string Rest { get; }

        public ConfigSource Source { get; }

        public override string ToString() => $"{Keyword} {Rest} ({Source})";
    }
}
