using System;
using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.Editing;
using SshKeepAlive.Core.Errors;

namespace SshKeepAlive.Core.Fleet
{
    /// <summary>
    /// What an edit did on one host of a fleet: changed or not, the edited keywords' values before and after as the
    /// host's own sshd -T -C (or ssh -G) printed them, the backup kept there, whether a brand-new login confirmed the
    /// edit, whether it was rolled back, and the error when it failed.
    /// </summary>
    public sealed class RemoteEditResult
    {
        internal RemoteEditResult(string computerName, EditScope scope, IReadOnlyList<SettingChange> changes)
        {
            ComputerName = computerName;
            Scope = scope;
            Settings = changes.Select(c => c.ToString()).ToList();
            Keywords = changes.Select(c => c.Keyword).ToList();
        }

        /// <summary>The host, as given to -ComputerName.</summary>
        public string ComputerName { get; }

        public EditScope Scope { get; }

        /// <summary>The requested settings, e.g. "ClientAliveInterval 300".</summary>
        public IReadOnlyList<string> Settings { get; }

        /// <summary>The top config file edited on the host.</summary>
        public string? Path { get; internal set; }

        /// <summary>True when the host's files were changed (and stay changed: a rolled-back edit did not change them).</summary>
        public bool Changed { get; internal set; }

        /// <summary>Each edited keyword's value before the edit, as OpenSSH on the host printed it (sshd -T -C, ssh -G); null when it could not be asked.</summary>
        public IReadOnlyDictionary<string, string>? Before { get; internal set; }

        /// <summary>Each edited keyword's value after the edit, as a brand-new login's sshd -T -C (or ssh -G) printed it; null when not confirmed.</summary>
        public IReadOnlyDictionary<string, string>? After { get; internal set; }

        /// <summary>The backup of the top file on the host (in the editing account's ~/.local/state/sshkeepalive/backups); null when none was made.</summary>
        public string? BackupPath { get; internal set; }

        /// <summary>True when a brand-new login (for the server; ssh -G for a client file) read the values the edit was to give.</summary>
        public bool Verified { get; internal set; }

        /// <summary>True when the edit was written and then undone: the previous files restored (and sshd reloaded on them).</summary>
        public bool RolledBack { get; internal set; }

        /// <summary>What went wrong on this host; null when nothing did.</summary>
        public string? Error { get; internal set; }

        /// <summary>The error's id from the module's catalogue; null when nothing went wrong.</summary>
        public ErrorId? ErrorId { get; internal set; }

        /// <summary>The host's OpenSSH release, whose rules the edit was planned and checked by.</summary>
        public string? OpenSshVersion { get; internal set; }

        /// <summary>Each written line as path:line.</summary>
        public IReadOnlyList<string> ChangedLines { get; internal set; } = Array.Empty<string>();

        /// <summary>The reload and the check, in a sentence; null when there was none.</summary>
        public string? Outcome { get; internal set; }

        /// <summary>How long the host took, login to last check.</summary>
        public TimeSpan Duration { get; internal set; }

        /// <summary>False when the user declined (-WhatIf, -Confirm) or Ctrl-C stopped the host before it changed anything: there is nothing to report.</summary>
        public bool Ran { get; internal set; } = true;

        /// <summary>True when the host failed (an error, or an edit written but not reloaded or not confirmed).</summary>
        public bool Failed => ErrorId != null;

        internal IReadOnlyList<string> Keywords { get; }

        internal void Fail(SshKeepAliveException exception)
        {
            ErrorId = exception.Id;
            Error = exception.Message.StartsWith(ComputerName + ":", StringComparison.Ordinal) ? exception.Message : ComputerName + ": " + exception.Message;
            RolledBack = (exception as ConfigEditException)?.RolledBack ?? false;
        }

        /// <summary>An oracle's values under the edited keywords' own spelling.</summary>
        internal IReadOnlyDictionary<string, string>? Named(OracleReading? reading)
        {
            if (reading == null || reading.Problem != null)
            {
                return null;
            }

            var named = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (string keyword in Keywords)
            {
                if (reading.Values.TryGetValue(keyword.ToLowerInvariant(), out string? value))
                {
                    named[keyword] = value;
                }
            }

            return named;
        }

        public override string ToString() =>
            $"{ComputerName}: {(Failed ? "failed" : Changed ? "changed" : "unchanged")}{(Verified ? ", verified" : string.Empty)}{(RolledBack ? ", rolled back" : string.Empty)}";
    }
}
