using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using SshKeepAlive.Core.Timeouts;

namespace SshKeepAlive.Commands
{
    /// <summary>Completes a host from the literal Host names of the user's ~/.ssh/config; keeps a typed <c>user@</c>.</summary>
    public sealed class SshHostNameCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string word = wordToComplete.Trim('\'', '"');
            int at = word.LastIndexOf('@');
            string user = at < 0 ? string.Empty : word.Substring(0, at + 1);
            string prefix = word.Substring(at + 1);
            return ConfiguredHostNames.ForUser(TimeoutEnvironment.Current())
                .Where(h => h.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(h => new CompletionResult(CompletionText.Quote(user + h), user + h, CompletionResultType.ParameterValue, "Host " + h));
        }
    }
}
