using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.ConfigDocuments;

namespace SshKeepAlive.Core.ClientConfig
{
    /// <summary>What a client config line means, worked out once per load so each resolution only evaluates.</summary>
    internal sealed class ClientConfigLine
    {
        private ClientConfigLine(ConfigLine line, ConfigSource source)
        {
            Line = line;
            Source = source;
        }

        public ConfigLine Line { get; }

        public ConfigSource Source { get; }

        /// <summary>A syntax or value error OpenSSH would refuse the file for; reported whether or not the line is active.</summary>
        public string? Error { get; private set; }

        public bool IsHost { get; private set; }

        public bool IsMatch { get; private set; }

        /// <summary>Match criteria as OpenSSH splits them.</summary>
        public IReadOnlyList<string> MatchCriteria { get; private set; } = new string[0];

        /// <summary>For Include lines: the files included, each compiled; null for other lines.</summary>
        public IReadOnlyList<ClientConfigFile>? Included { get; private set; }

        /// <summary>A keyword ssh_config does not know (ssh refuses it unless IgnoreUnknown covers it).</summary>
        public bool IsUnknown { get; private set; }

        /// <summary>For IgnoreUnknown lines: the pattern list.</summary>
        public string? IgnoreUnknownPatterns { get; private set; }

        /// <summary>A known keyword the resolver does not report (canonical spelling): the line becomes a <see cref="ClientDirective"/>.</summary>
        public string? OtherKeyword { get; private set; }

        /// <summary>The reported keyword this line sets, if any.</summary>
        public ClientKeyword? Keyword { get; private set; }

        public object? Value { get; private set; }

        /// <summary>A time "none": accepted, but sets nothing.</summary>
        public bool IsNone { get; private set; }

        public static ClientConfigLine Compile(LoadedConfig file, ConfigLine line)
        {
            var compiled = new ClientConfigLine(line, file.Document.SourceOf(line)) { Error = line.Error };
            if (line.Error != null)
            {
                return compiled;
            }

            if (line.IsKeyword("Host"))
            {
                compiled.IsHost = true;
            }
            else if (line.IsKeyword("Match"))
            {
                compiled.IsMatch = true;
                compiled.MatchCriteria = line.MatchCriteria();
            }
            else if (line.IsKeyword("Include"))
            {
                compiled.Included = (file.IncludesAt(line.LineNumber)?.Files ?? new LoadedConfig[0]).Select(ClientConfigFile.Compile).ToList();
            }
            else if (line.IsKeyword("IgnoreUnknown"))
            {
                compiled.IgnoreUnknownPatterns = line.Value;
            }
            else if (!ClientKeywordNames.IsKnown(line.Keyword!))
            {
                compiled.IsUnknown = true;
            }
            else if (ClientKeyword.Find(line.Keyword!) is ClientKeyword keyword)
            {
                compiled.Keyword = keyword;
                compiled.Value = keyword.Parse(line.Arguments, out bool isNone, out string? error);
                compiled.IsNone = isNone;
                compiled.Error = error;
            }
            else
            {
                compiled.OtherKeyword = ClientKeywordNames.Canonical(line.Keyword!);
                string? error = ClientKeywordSyntax.Check(compiled.OtherKeyword!, line.Arguments, line.TextAfterSeparator.TrimEnd());
                compiled.Error = error == null || error.IndexOf(compiled.OtherKeyword!, System.StringComparison.OrdinalIgnoreCase) >= 0 ? error : compiled.OtherKeyword + ": " + error;
            }

            return compiled;
        }
    }

    /// <summary>A loaded client config file with its directive lines compiled (see <see cref="ClientConfigLine"/>).</summary>
    internal sealed class ClientConfigFile
    {
        private ClientConfigFile(IReadOnlyList<ClientConfigLine> lines)
        {
            Lines = lines;
        }

        public IReadOnlyList<ClientConfigLine> Lines { get; }

        public static ClientConfigFile Compile(LoadedConfig file) =>
            new ClientConfigFile(file.Document.Lines.Where(l => l.IsDirective || l.Error != null).Select(l => ClientConfigLine.Compile(file, l)).ToList());
    }
}
