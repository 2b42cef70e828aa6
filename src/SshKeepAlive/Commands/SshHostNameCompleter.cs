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
    /// file of the command's -LiteralPath, -Path or -ConfigPath when it is given as a full path); a typed <c>user@</c>
    /// is kept. The names are cached per runspace until a config file changes.
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
            return RunspaceState.HostNames.HostNames(ClientEnvironment.Current(), ConfigFile(fakeBoundParameters))
                .Where(h => h.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(h => new CompletionResult(CompletionText.Quote(user + h), user + h, CompletionResultType.ParameterValue, "Host " + h));
        }

        /// <summary>The config file the command line names, when it is absolute (a completer cannot resolve PowerShell paths) or "none".</summary>
        private static string? ConfigFile(IDictionary fakeBoundParameters) =>
            (fakeBoundParameters["LiteralPath"] ?? fakeBoundParameters["Path"] ?? fakeBoundParameters["ConfigPath"]) is string path &&
            (System.IO.Path.IsPathRooted(path) || ClientConfigResolver.IsNoConfigFile(path))
                ? path
                : null;
    }
}
