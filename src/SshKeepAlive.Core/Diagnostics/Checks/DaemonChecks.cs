using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Platform;

namespace SshKeepAlive.Core.Diagnostics
{
    /// <summary>
    /// <see cref="FindingId.SshdConfigNotLoaded"/>: a file of the running sshd's configuration changed after the
    /// daemon last loaded it (its start, or the PidFile it rewrites on every reload), so what the report shows is
    /// not what the daemon does.
    /// </summary>
    internal sealed class SshdConfigNotLoadedCheck : IDiagnosticCheck
    {
        /// <summary>Process start times come from a boot time in whole seconds: a second of doubt either way.</summary>
        private static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(1);

        public FindingId Id => FindingId.SshdConfigNotLoaded;

        public IEnumerable<Finding> Run(CheckContext context)
        {
            SshdFacts? sshd = context.Machine.Sshd;
            if (sshd?.Pid == null || !(sshd.LoadedAt is DateTimeOffset loaded))
            {
                yield break;
            }

            var changed = sshd.ConfigFiles.Where(f => f.LastWrite > loaded + Tolerance).ToList();
            if (changed.Count == 0)
            {
                yield break;
            }

            string files = string.Join(", ", changed.Select(f => $"{f.Path} modified {Time(f.LastWrite)}"));
            yield return context.Make(
                Id,
                FindingSeverity.Error,
                $"The running sshd (pid {sshd.Pid}) has not loaded its configuration as it is on disk: {string.Join(", ", changed.Select(f => f.Path))} changed after it last (re)loaded, so it still runs with the old settings.",
                $"sshd pid {sshd.Pid} started {Time(sshd.ProcessStart!.Value)}" + (sshd.PidFileWritten is DateTimeOffset written ? $", {sshd.PidFile} written {Time(written)}" : string.Empty) + "; " + files,
                context.Fixes.ServerReload(),
                FixKind.Command);
        }

        private static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// <see cref="FindingId.SshdConfigInvalid"/>: <c>sshd -t</c> rejects the server config, so sshd would not start
    /// or reload with it; in sshd's own words. Where sshd -t cannot run (not root, no sshd), the server resolver's
    /// own errors with file:line stand in.
    /// </summary>
    internal sealed class SshdConfigInvalidCheck : IDiagnosticCheck
    {
        // sshd -t checks its runtime directory before the config: a machine where sshd never ran lacks it.
        private const string MissingRuntimeDirectory = "Missing privilege separation directory";

        public FindingId Id => FindingId.SshdConfigInvalid;

        public IEnumerable<Finding> Run(CheckContext context)
        {
            SshdFacts? sshd = context.Machine.Sshd;
            if (sshd == null)
            {
                yield break;
            }

            string check = $"sshd -t -f {sshd.ConfigPath}";
            CommandOutput? validation = sshd.Validation;
            if (validation != null && validation.Started && !validation.Error.Contains(MissingRuntimeDirectory))
            {
                if (validation.ExitCode != 0)
                {
                    string said = validation.Error.Trim();
                    string first = said.Split('\n')[0].Trim();
                    yield return context.Make(
                        Id,
                        FindingSeverity.Error,
                        $"sshd rejects {sshd.ConfigPath}, so it would not start or reload with it: {first}",
                        $"{check} exited with {validation.ExitCode}: {said}",
                        $"Correct what sshd reports ({first}), then check the file again with: {check}",
                        FixKind.Manual);
                }

                yield break;
            }

            var files = new HashSet<string>(sshd.ConfigFiles.Select(f => f.Path));
            foreach (ConfigDiagnostic error in context.Machine.Reporter.Diagnostics.Where(d => d.IsError && d.Source != null && files.Contains(d.Source.Path)))
            {
                yield return context.Make(
                    Id,
                    FindingSeverity.Error,
                    $"sshd would reject {error.Source}: {error.Message}",
                    $"{error}; {check} was not run: {sshd.ValidationSkipped ?? validation?.Error.Trim()}",
                    $"Correct line {error.Source!.Line} of {error.Source.Path}, then check the file with: {check}",
                    FixKind.Manual);
            }
        }
    }
}
