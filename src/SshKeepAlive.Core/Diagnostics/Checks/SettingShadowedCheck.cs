using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Timeouts;

namespace SshKeepAlive.Core.Diagnostics
{
    /// <summary>
    /// <see cref="FindingId.SettingShadowed"/>: a keepalive or timeout line meant for the target that never takes
    /// effect, naming both places. Reported: a line in a Host block naming the target (or a second line in the same
    /// block) that an earlier line with another value beats, as OpenSSH keeps the first value; in sshd_config any
    /// such pair; a line in a Host block of negated patterns only (which matches no host); and a line written at the
    /// left margin after an indented block that does not match (OpenSSH ignores indentation). A Host * block after
    /// the specific ones is the usual layout, not a finding.
    /// </summary>
    internal sealed class SettingShadowedCheck : IDiagnosticCheck
    {
        public FindingId Id => FindingId.SettingShadowed;

        public IEnumerable<Finding> Run(CheckContext context)
        {
            var clientFiles = context.Machine.Reporter.ClientFiles.SelectMany(f => f.AllFiles()).ToList();
            foreach (UnappliedSetting line in context.Target.Unapplied)
            {
                Finding? finding = Client(context, clientFiles, line);
                if (finding != null)
                {
                    yield return finding;
                }
            }

            var serverFiles = context.Machine.Reporter.ServerConfig?.AllFiles().ToList() ?? new List<LoadedConfig>();
            foreach (UnappliedSetting line in context.Machine.Reporter.ServerResolution?.Unapplied ?? new UnappliedSetting[0])
            {
                Finding? finding = Server(context, serverFiles, line);
                if (finding != null)
                {
                    yield return finding;
                }
            }
        }

        private Finding? Client(CheckContext context, IReadOnlyList<LoadedConfig> files, UnappliedSetting line)
        {
            TimeoutSetting? effective = context.Setting(TimeoutScope.Client, line.Name);
            ConfigBlock? block = BlockOf(files, line.Source);
            if (effective == null || block == null)
            {
                return null;
            }

            if (line.Reason == UnappliedReason.EarlierValueWins)
            {
                bool forTarget = block.Header != null && block.Header.IsKeyword("Host") && NamesHost(block.Header, context.Target.Target);
                bool sameBlock = line.Winner != null && line.Winner.Path == line.Source.Path && BlockOf(files, line.Winner) == block;
                if (!Differs(line, effective) || !(forTarget || sameBlock))
                {
                    return null;
                }

                string? command = forTarget ? ClientFix(context, line) : null;
                return context.Make(
                    Id,
                    FindingSeverity.Warning,
                    Beaten(context, line, effective),
                    $"{line.Source}: {line.Name} {line.RawText}; {line.Winner?.ToString() ?? "default"}: {line.Name} {OpenSshValues.Format(effective.Value)}",
                    command ?? $"Remove line {line.Source.Line} of {line.Source.Path}, which never applies, or line {line.Winner?.Line} there, whose value {OpenSshValues.Format(effective.Value)} wins.",
                    command == null ? FixKind.Manual : FixKind.Command);
            }

            return Misplaced(context, line, block, allowNegatedHost: true);
        }

        private Finding? Server(CheckContext context, IReadOnlyList<LoadedConfig> files, UnappliedSetting line)
        {
            TimeoutSetting? effective = context.Setting(TimeoutScope.Server, line.Name);
            ConfigBlock? block = BlockOf(files, line.Source);
            if (effective == null || block == null)
            {
                return null;
            }

            if (line.Reason == UnappliedReason.EarlierValueWins)
            {
                return !Differs(line, effective) ? null : context.Make(
                    Id,
                    FindingSeverity.Warning,
                    Beaten(context, line, effective),
                    $"{line.Source}: {line.Name} {line.RawText}; {line.Winner}: {line.Name} {OpenSshValues.Format(effective.Value)}",
                    $"Keep one of the two lines: remove line {line.Winner?.Line} of {line.Winner?.Path} so that {line.Name} {line.RawText} applies, or remove line {line.Source.Line} of {line.Source.Path}; then reload sshd ({context.Fixes.ServerReload()}).",
                    FixKind.Manual);
            }

            return Misplaced(context, line, block, allowNegatedHost: false);
        }

        private Finding? Misplaced(CheckContext context, UnappliedSetting line, ConfigBlock block, bool allowNegatedHost)
        {
            ConfigLine? header = block.Header;
            if (header == null)
            {
                return null;
            }

            string headerText = header.Text.Trim();
            if (allowNegatedHost && header.IsKeyword("Host") && header.Arguments.All(p => p.StartsWith("!", StringComparison.Ordinal)))
            {
                return context.Make(
                    Id,
                    FindingSeverity.Warning,
                    $"{line.Name} {line.RawText} at {line.Source} never applies: its block '{headerText}' has only negated patterns, and such a Host line matches no host at all.",
                    $"{line.Source}; block at {line.Source.Path}:{header.LineNumber}",
                    $"Write line {header.LineNumber} of {line.Source.Path} as 'Host * {string.Join(" ", header.Arguments)}' to mean every host but those.",
                    FixKind.Manual);
            }

            ConfigLine written = block.Lines.First(l => l.LineNumber == line.Source.Line);
            bool blockIndented = block.Lines.Any(l => l != header && l.IsDirective && l.LineNumber < written.LineNumber && l.Indentation.Length > 0);
            if (written.Indentation.Length > 0 || !blockIndented || header.Indentation.Length > 0)
            {
                return null;
            }

            return context.Make(
                Id,
                FindingSeverity.Warning,
                $"{line.Name} {line.RawText} at {line.Source} is written at the left margin, but it belongs to the block '{headerText}' (line {header.LineNumber}), which does not match {context.Target.Target}: OpenSSH reads every line up to the next Host or Match line as part of the block, whatever the indentation.",
                $"{line.Source}; block at {line.Source.Path}:{header.LineNumber}",
                $"Move line {line.Source.Line} of {line.Source.Path} above line {header.LineNumber} ('{headerText}'), or indent it if it belongs to that block.",
                FixKind.Manual);
        }

        private static string Beaten(CheckContext context, UnappliedSetting line, TimeoutSetting effective) =>
            $"{line.Name} {line.RawText} at {line.Source} never takes effect for {context.Target.Target}: {line.Winner?.ToString() ?? "an earlier line"} sets {line.Name} first ({OpenSshValues.Format(effective.Value)}), and OpenSSH keeps the first value it reads.";

        /// <summary>The cmdlet that makes the line's value the target's own: Set-SshKeepAlive or Set-SshTimeoutConfig for the keyword.</summary>
        private static string? ClientFix(CheckContext context, UnappliedSetting line)
        {
            string? value = line.Value is int number ? number.ToString(CultureInfo.InvariantCulture) : line.Value is bool flag ? (flag ? "$true" : "$false") : null;
            if (value == null)
            {
                return null;
            }

            switch (line.Name)
            {
                case "ServerAliveInterval": return context.Fixes.Client("Set-SshKeepAlive", "Interval", value);
                case "ServerAliveCountMax": return context.Fixes.Client("Set-SshKeepAlive", "CountMax", value);
                case "TCPKeepAlive": return context.Fixes.Client("Set-SshKeepAlive", "TcpKeepAlive", value);
                case "ConnectTimeout": return context.Fixes.Client("Set-SshTimeoutConfig", "ConnectTimeout", value);
                default: return null;
            }
        }

        private static bool Differs(UnappliedSetting line, TimeoutSetting effective) =>
            !string.Equals(OpenSshValues.Format(line.Value), OpenSshValues.Format(effective.Value), StringComparison.OrdinalIgnoreCase);

        /// <summary>True when a Host line names the target's host literally (not through wildcards).</summary>
        private static bool NamesHost(ConfigLine header, string target)
        {
            string host = target.Substring(target.LastIndexOf('@') + 1);
            return header.Arguments.Any(p => !p.StartsWith("!", StringComparison.Ordinal) && OpenSshPattern.IsLiteral(p) && string.Equals(p, host, StringComparison.OrdinalIgnoreCase));
        }

        private static ConfigBlock? BlockOf(IReadOnlyList<LoadedConfig> files, ConfigSource source)
        {
            LoadedConfig? file = files.FirstOrDefault(f => f.Document.Path == source.Path);
            return file == null || source.Line < 1 || source.Line > file.Document.Lines.Count ? null : file.Document.BlockOf(source.Line);
        }
    }
}
