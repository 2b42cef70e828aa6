using System;
using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.Timeouts;

namespace SshKeepAlive.Core.Diagnostics
{
    /// <summary>ssh's own verdict on the client configuration for one target: what <c>ssh -G</c> printed on standard error.</summary>
    public sealed class SshConfigCheck
    {
        private SshConfigCheck(string commandLine, CommandOutput? output, string? skipped)
        {
            CommandLine = commandLine;
            Output = output;
            Skipped = skipped;
        }

        /// <summary>The command run (or that would have been).</summary>
        public string CommandLine { get; }

        /// <summary>What ssh said; null when it was not run.</summary>
        public CommandOutput? Output { get; }

        /// <summary>Why ssh was not run: not installed, a Match exec it would run, another account's files.</summary>
        public string? Skipped { get; }

        /// <summary>What ssh said or why it was not asked, for the verbose stream.</summary>
        public string Describe() => Output != null ? $"{CommandLine}: exit {Output.ExitCode}." : $"{CommandLine} not run: {Skipped}.";

        /// <summary>True when ssh ran and refused the configuration.</summary>
        public bool Refused => Output != null && Output.Started && Output.ExitCode != 0;

        /// <summary>ssh's error lines (without the terminal notes ssh prints when it has no terminal).</summary>
        public IReadOnlyList<string> Messages =>
            Output == null ? new string[0] : Output.Error.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0 && !l.StartsWith("Pseudo-terminal", StringComparison.Ordinal)).ToList();

        /// <summary>
        /// Runs <c>ssh -G</c> for the target, with <c>-F</c> for a -Path file. Not run when the client files have a
        /// Match exec and running it was not allowed (ssh -G would run it), and not for files of another account
        /// than this process's (ssh reads its own user's files, so its verdict would be about other files).
        /// </summary>
        internal static SshConfigCheck Run(MachineSnapshot machine, string target)
        {
            TimeoutReporter reporter = machine.Reporter;
            var arguments = new List<string> { "-G" };
            if (reporter.ClientFromPath)
            {
                arguments.Add("-F");
                arguments.Add(reporter.ClientFiles[0].Document.Path);
            }

            arguments.Add(target);
            string commandLine = "ssh " + string.Join(" ", arguments);
            if (!machine.AllowMatchExec && reporter.ClientFiles.SelectMany(f => f.Directives()).Any(d => d.Line.IsKeyword("Match") && d.Line.Arguments.Any(a => a.StartsWith("exec", StringComparison.OrdinalIgnoreCase))))
            {
                return new SshConfigCheck(commandLine, null, "the configuration has a Match exec, which ssh -G would run (-AllowMatchExec allows it)");
            }

            if (!reporter.ClientFromPath && reporter.Environment.Client.UserConfigPath != reporter.Environment.CommandUserConfigPath)
            {
                return new SshConfigCheck(commandLine, null, "ssh reads this account's files, not " + reporter.Environment.Client.UserConfigPath);
            }

            CommandOutput output = machine.Machine.Run("ssh", arguments.ToArray());
            return output.Started ? new SshConfigCheck(commandLine, output, null) : new SshConfigCheck(commandLine, null, "ssh is not installed: " + output.Error.Trim());
        }
    }
}
