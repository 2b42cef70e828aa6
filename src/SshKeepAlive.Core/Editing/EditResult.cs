using System;
using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.Server;

namespace SshKeepAlive.Core.Editing
{
    /// <summary>
    /// What an edit did, step by step: the lines written, the backups kept (and where), whether sshd -t passed,
    /// whether the daemon was reloaded, and whether the previous config had to be restored.
    /// </summary>
    public sealed class EditResult
    {
        internal EditResult(EditPlan plan, IReadOnlyList<string> backupPaths, string? backupFolder, bool validated, SshdReloadOutcome? reload, OracleReading? check = null)
        {
            Verified = check != null && check.Problem == null;
            VerifyOutcome = check == null ? null : $"{check.Source} confirms it";
            Observed = check?.Values;
            Scope = plan.Request.Scope;
            HostName = plan.Request.Scope == EditScope.Client ? (plan.Request.User == null ? string.Empty : plan.Request.User + "@") + plan.Request.HostPattern : "*";
            Match = plan.Request.Match?.Text;
            Path = plan.Request.Path;
            Settings = plan.Request.Changes.Select(c => c.ToString()).ToList();
            Changed = plan.HasChanges;
            ChangedFiles = plan.Files.Select(f => f.Path).ToList();
            ChangedLines = plan.ChangedLines.Select(s => s.ToString()).ToList();
            BackupPaths = backupPaths;
            BackupFolder = backupFolder;
            Validated = validated;
            Reloaded = reload?.Reloaded ?? false;
            Restored = reload?.Restored ?? false;
            ReloadOutcome = reload?.Message;
            Decisions = plan.Decisions;
            Warnings = plan.Warnings;
        }

        /// <summary>The result of a plan that changes nothing (the values already hold): there is nothing to write.</summary>
        public static EditResult Unchanged(EditPlan plan) =>
            plan.HasChanges
                ? throw new ArgumentException("The plan changes files; make it with ConfigEditor.Apply.", nameof(plan))
                : new EditResult(plan, new string[0], null, false, null);

        public EditScope Scope { get; }

        /// <summary>The client Host pattern, with the user of a user@host destination ("*" on the server).</summary>
        public string HostName { get; }

        /// <summary>The server Match block edited ("Match User alice"); null for global settings and the client.</summary>
        public string? Match { get; }

        /// <summary>The top config file edited.</summary>
        public string Path { get; }

        /// <summary>The requested settings, e.g. "ServerAliveInterval 60".</summary>
        public IReadOnlyList<string> Settings { get; }

        /// <summary>True when files were written; false when the values already held.</summary>
        public bool Changed { get; }

        public IReadOnlyList<string> ChangedFiles { get; }

        /// <summary>Each written line as path:line.</summary>
        public IReadOnlyList<string> ChangedLines { get; }

        /// <summary>The backup made of each changed file that existed (none with -NoBackup).</summary>
        public IReadOnlyList<string> BackupPaths { get; }

        /// <summary>The folder where this tree's backups are kept (the newest ten of each file); null with -NoBackup.</summary>
        public string? BackupFolder { get; }

        /// <summary>True when sshd -t accepted the edited config (server edits with sshd present).</summary>
        public bool Validated { get; }

        /// <summary>True when the daemon reading the file was reloaded and survived.</summary>
        public bool Reloaded { get; }

        /// <summary>True when the daemon died on the reload and the previous config was put back.</summary>
        public bool Restored { get; }

        /// <summary>What the reload did, in a sentence; null when no reload was asked or nothing changed.</summary>
        public string? ReloadOutcome { get; }

        /// <summary>True when OpenSSH on the host confirmed the edited values (a remote edit: on a brand-new login).</summary>
        public bool Verified { get; }

        /// <summary>How the edit was confirmed; null when it was not asked (this machine).</summary>
        public string? VerifyOutcome { get; }

        /// <summary>What ssh -G or sshd -T -C printed when confirming it (lowercase keyword → value); null when not asked.</summary>
        public IReadOnlyDictionary<string, string>? Observed { get; }

        /// <summary>Per setting, the line chosen and why.</summary>
        public IReadOnlyList<string> Decisions { get; }

        /// <summary>What to know although the edit went ahead (hosts keeping their own values, lines left in place).</summary>
        public IReadOnlyList<string> Warnings { get; }
    }
}
