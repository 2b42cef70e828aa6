using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace SshKeepAlive.Commands
{
    /// <summary>Completes -Name from the sessions of this runspace.</summary>
    public sealed class SessionNameCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var pattern = new WildcardPattern(wordToComplete.Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
            return RunspaceState.Sessions.All
                .Where(s => pattern.IsMatch(s.Name))
                .Select(s => new CompletionResult(CompletionText.Quote(s.Name), s.Name, CompletionResultType.ParameterValue, $"{s.Target} ({s.State})"));
        }
    }
}
