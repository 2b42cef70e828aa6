using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Platform;

namespace SshKeepAlive.Core.ClientConfig
{
    /// <summary>Evaluates ssh_config Host and Match lines against the state of a resolution, as readconf.c does.</summary>
    internal sealed class ClientMatchEvaluator
    {
        private readonly ClientResolutionRun run;

        public ClientMatchEvaluator(ClientResolutionRun run)
        {
            this.run = run;
        }

        /// <summary>Host: any pattern matching (case-sensitively) activates the block; a matching negated pattern cancels it.</summary>
        public bool EvaluateHost(in ClientConfigLine compiled, ConfigDocument document, int lineNumber)
        {
            ConfigLine line = compiled.Line;
            bool active = false;
            foreach (string argument in line.Arguments)
            {
                if (argument.Length == 0)
                {
                    run.Report(ConfigDiagnostic.Error("keyword Host empty argument", document.SourceOf(lineNumber)));
                    return false;
                }

                bool negated = argument[0] == '!';
                if (OpenSshPattern.Matches(run.HostForHostLines, 0, argument, negated ? 1 : 0, argument.Length, lowercasePattern: false))
                {
                    if (negated)
                    {
                        return false;
                    }

                    active = true;
                }
            }

            return active;
        }

        /// <summary>
        /// Match: every criterion must hold. Returns null when the line is malformed (reported; the block state is
        /// then left as it was, like ssh).
        /// </summary>
        public bool? EvaluateMatch(IReadOnlyList<string> criteria, ConfigSource source)
        {
            bool result = true;
            int attributes = 0;
            for (int i = 0; i < criteria.Count; i++)
            {
                string original = criteria[i];
                if (original.StartsWith("#", StringComparison.Ordinal))
                {
                    break;
                }

                bool negate = original.StartsWith("!", StringComparison.Ordinal);
                string attribute = (negate ? original.Substring(1) : original).ToLowerInvariant();
                if (attribute == "all")
                {
                    bool alone = attributes <= 1 && (i + 1 >= criteria.Count || criteria[i + 1].StartsWith("#", StringComparison.Ordinal));
                    if (!alone)
                    {
                        return Bad($"'{original}' cannot be combined with other Match attributes", source);
                    }

                    return result && !negate;
                }

                attributes++;
                if (attribute == "canonical" || attribute == "final")
                {
                    if (attribute == "final" && !run.FinalPass)
                    {
                        run.WantFinalPass = true;
                    }

                    result &= run.FinalPass != negate;
                    continue;
                }

                if (i + 1 >= criteria.Count || criteria[i + 1].StartsWith("#", StringComparison.Ordinal))
                {
                    return Bad($"missing Match criteria for {attribute}", source);
                }

                string argument = criteria[++i];
                bool matched;
                switch (attribute)
                {
                    case "host":
                        matched = OpenSshPattern.MatchHostName(run.CurrentHost(source), argument);
                        break;
                    case "originalhost":
                        matched = OpenSshPattern.MatchHostName(run.Target.Host, argument);
                        break;
                    case "user":
                        matched = OpenSshPattern.MatchList(run.CurrentUser, argument, lowercasePatterns: false) == 1;
                        break;
                    case "localuser":
                        matched = OpenSshPattern.MatchList(run.Environment.LocalUser, argument, lowercasePatterns: false) == 1;
                        break;
                    case "exec":
                        if (!result)
                        {
                            continue; // ssh does not run the command once the line cannot match
                        }

                        bool? exited = Execute(argument, source);
                        if (exited == null)
                        {
                            return null;
                        }

                        matched = exited.Value;
                        break;
                    default:
                        return Bad($"unsupported Match attribute {attribute}", source);
                }

                result &= matched != negate;
            }

            if (attributes == 0)
            {
                return Bad("one or more attributes required for Match", source);
            }

            return result;
        }

        private bool? Execute(string command, ConfigSource source)
        {
            if (!run.Options.RunMatchExec)
            {
                run.Report(ConfigDiagnostic.Warning($"Match exec \"{command}\" was not run (treated as not matching); allow running it to evaluate this block", source, ConfigProblem.MatchExecNotRun));
                return false;
            }

            string? expanded = PercentExpander.Expand(command, run.PercentTokens(run.CurrentHost(source), run.CurrentUser, run.CurrentPort), out string? error);
            if (expanded == null)
            {
                return Bad("Match exec: " + error, source);
            }

            bool windows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
            try
            {
                ExternalCommandResult result = ExternalCommand.Run(
                    windows ? "cmd.exe" : "/bin/sh", new[] { windows ? "/c" : "-c", expanded }, run.Options.MatchExecTimeout, run.Options.CancellationToken);
                return result.ExitCode == 0;
            }
            catch (ExternalCommandTimeoutException ex)
            {
                run.Report(ConfigDiagnostic.Error($"Match exec \"{command}\" (treated as not matching): {ex.Message}", source));
                return false;
            }
        }

        private bool? Bad(string message, ConfigSource source)
        {
            run.Report(ConfigDiagnostic.Error("bad Match condition: " + message, source));
            return null;
        }
    }
}
