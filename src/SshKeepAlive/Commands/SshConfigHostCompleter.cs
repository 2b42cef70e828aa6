using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using SshKeepAlive.Core.Config;

namespace SshKeepAlive.Commands
{
    /// <summary>Completes -HostName from the literal Host names of ~/.ssh/config and /etc/ssh/ssh_config.</summary>
    public sealed class SshConfigHostCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string typed = wordToComplete.Trim('\'', '"');
            int at = typed.LastIndexOf('@');
            string user = at >= 0 ? typed.Substring(0, at + 1) : string.Empty;
            var pattern = new WildcardPattern(typed.Substring(at + 1) + "*", WildcardOptions.IgnoreCase);
            return ClientConfigResolver.Load(ClientEnvironment.Current()).HostNames()
                .Where(pattern.IsMatch)
                .Select(host => new CompletionResult(CompletionText.Quote(user + host), host, CompletionResultType.ParameterValue, host));
        }
    }
}
