using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using SshKeepAlive.Core.ClientConfig;

namespace SshKeepAlive.Commands
{
    /// <summary>
    /// Completes a host from the literal Host names of the client configs (~/.ssh/config and the system one, or the
    /// file of the command's -Path or -ConfigPath when it is given as a full path); a typed <c>user@</c> is kept.
    /// </summary>
    public sealed class SshHostNameCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string word = wordToComplete.Trim('\'', '"');
            int at = word.LastIndexOf('@');
            string user = at < 0 ? string.Empty : word.Substring(0, at + 1);
            string prefix = word.Substring(at + 1);
            ClientEnvironment environment = ClientEnvironment.Current();
            ClientConfigResolver resolver = (fakeBoundParameters["Path"] ?? fakeBoundParameters["ConfigPath"]) is string path && System.IO.Path.IsPathRooted(path)
                ? ClientConfigResolver.LoadFile(environment, path)
                : ClientConfigResolver.Load(environment);
            return resolver.HostNames()
                .Where(h => h.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(h => new CompletionResult(CompletionText.Quote(user + h), user + h, CompletionResultType.ParameterValue, "Host " + h));
        }
    }
}
