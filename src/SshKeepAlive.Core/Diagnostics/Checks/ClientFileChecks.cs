using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using SshKeepAlive.Core.ConfigDocuments;

namespace SshKeepAlive.Core.Diagnostics
{
    /// <summary>
    /// <see cref="FindingId.ClientConfigInsecure"/>: ~/.ssh/config or a file it (or the system config) includes is
    /// owned by another user than root or the user, or is writable by group or others. ssh then refuses to run
    /// ("Bad owner or permissions on", readconf.c). Not for the system config or a -F file, which ssh does not check.
    /// </summary>
    internal sealed class ClientConfigInsecureCheck : IDiagnosticCheck
    {
        private const int GroupOrOthersWrite = 0x12; // 022

        public FindingId Id => FindingId.ClientConfigInsecure;

        public IEnumerable<Finding> Run(CheckContext context)
        {
            uint? user = context.Machine.UserId;
            foreach (ClientFileFacts file in context.Machine.ClientFiles.Where(f => f.CheckedBySsh && f.Facts?.Mode != null && f.Facts.UserId != null))
            {
                bool badOwner = file.Facts!.UserId != 0 && file.Facts.UserId != user;
                bool writable = (file.Facts.Mode!.Value & GroupOrOthersWrite) != 0;
                if (!badOwner && !writable)
                {
                    continue;
                }

                string quoted = FixCommands.Quote(file.Path);
                yield return context.Make(
                    Id,
                    FindingSeverity.Error,
                    $"ssh refuses to run: Bad owner or permissions on {file.Path}",
                    $"{file.Path}: owner uid {file.Facts.UserId}, mode {file.Facts.ModeText}; ssh accepts only root or uid {user} as owner, and no write permission for group or others",
                    "Run: " + (badOwner ? $"chown {user} {quoted} && " : string.Empty) + $"chmod go-w {quoted}",
                    FixKind.Manual);
            }
        }
    }

    /// <summary>
    /// <see cref="FindingId.ClientConfigInvalid"/>: ssh rejects the client configuration for the target — a byte-order
    /// mark, an unknown keyword, a bad value — in ssh's own words (<c>ssh -G</c>). Where ssh was not run, the
    /// resolver's errors and unknown keywords (and byte-order marks) stand in, with file:line.
    /// </summary>
    internal sealed class ClientConfigInvalidCheck : IDiagnosticCheck
    {
        private const string ByteOrderMark = "\uFEFF";
        private const string PermissionMessage = "Bad owner or permissions";

        // "file: line 3: Bad configuration option: foo" and "file line 3: missing argument."
        private static readonly Regex Location = new Regex(@"^(?<file>.+?):? line (?<line>\d+):", RegexOptions.CultureInvariant);

        public FindingId Id => FindingId.ClientConfigInvalid;

        public IEnumerable<Finding> Run(CheckContext context)
        {
            SshConfigCheck? ssh = context.Ssh;
            if (ssh?.Output != null)
            {
                var messages = ssh.Messages.Where(m => !m.StartsWith(PermissionMessage, StringComparison.Ordinal)).ToList();
                if (ssh.Refused && messages.Count > 0)
                {
                    Match at = Location.Match(messages[0]);
                    ConfigSource? source = at.Success ? new ConfigSource(at.Groups["file"].Value, int.Parse(at.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture)) : null;
                    yield return context.Make(
                        Id,
                        FindingSeverity.Error,
                        $"ssh refuses its configuration for {context.Target.Target}: {messages[0]}",
                        $"{ssh.CommandLine} exited with {ssh.Output.ExitCode}: {string.Join(" | ", messages)}",
                        source == null ? $"Correct what ssh reports, then check again with: {ssh.CommandLine}" : Fix(context, source, messages[0]),
                        FixKind.Manual);
                }

                yield break;
            }

            foreach (ClientFileFacts file in context.Machine.ClientFiles.Where(f => f.StartsWithByteOrderMark))
            {
                var source = new ConfigSource(file.Path, 1);
                yield return context.Make(
                    Id,
                    FindingSeverity.Error,
                    $"ssh refuses {file.Path}: it starts with a UTF-8 byte-order mark, which ssh reads as part of the first keyword (Bad configuration option: \\357\\273\\277…).",
                    $"{source}: bytes EF BB BF; {ssh?.Skipped ?? "ssh -G was not run"}",
                    Fix(context, source, ByteOrderMark),
                    FixKind.Manual);
            }

            var diagnostics = context.Machine.Reporter.Diagnostics.Concat(context.Target.Diagnostics)
                .Where(d => d.Source != null && context.Machine.ClientFiles.Any(f => f.Path == d.Source.Path))
                .Where(d => (d.IsError && !d.Message.StartsWith("bad owner", StringComparison.OrdinalIgnoreCase)) || d.Problem == ConfigProblem.UnknownKeyword)
                .Where(d => !(d.Source!.Line == 1 && context.Machine.ClientFiles.Any(f => f.Path == d.Source.Path && f.StartsWithByteOrderMark)));
            foreach (ConfigDiagnostic diagnostic in diagnostics)
            {
                yield return context.Make(
                    Id,
                    diagnostic.IsError ? FindingSeverity.Error : FindingSeverity.Warning,
                    $"ssh would refuse {diagnostic.Source}: {diagnostic.Message}",
                    diagnostic + "; " + (ssh?.Skipped ?? "ssh -G was not run"),
                    Fix(context, diagnostic.Source!, diagnostic.Message),
                    FixKind.Manual);
            }
        }

        /// <summary>The manual step for the line ssh names: drop a byte-order mark, or correct (or IgnoreUnknown) the line.</summary>
        private static string Fix(CheckContext context, ConfigSource source, string message)
        {
            string? text = LineText(context, source);
            if (message == ByteOrderMark || (source.Line == 1 && text != null && text.StartsWith(ByteOrderMark, StringComparison.Ordinal)))
            {
                return $"Save {source.Path} as UTF-8 without a byte-order mark, e.g. run: sed -i '1s/^\\xEF\\xBB\\xBF//' {FixCommands.Quote(source.Path)}";
            }

            string written = text == null ? string.Empty : $" ('{text.Trim()}')";
            bool unknown = message.IndexOf("Bad configuration option", StringComparison.OrdinalIgnoreCase) >= 0;
            string keyword = unknown && text != null ? text.Trim().Split(' ', '\t', '=')[0] : string.Empty;
            return keyword.Length > 0
                ? $"Remove or correct line {source.Line} of {source.Path}{written}; if a newer ssh knows {keyword}, write 'IgnoreUnknown {keyword}' above that line instead."
                : $"Correct line {source.Line} of {source.Path}{written} as ssh says.";
        }

        private static string? LineText(CheckContext context, ConfigSource source)
        {
            LoadedConfig? file = context.Machine.Reporter.ClientFiles.SelectMany(f => f.AllFiles()).FirstOrDefault(f => f.Document.Path == source.Path);
            return file != null && source.Line >= 1 && source.Line <= file.Document.Lines.Count ? file.Document.GetLine(source.Line).Text : null;
        }
    }
}
