using System;
using System.Collections.Generic;
using System.Linq;

namespace SshKeepAlive.Core.Editing
{
    /// <summary>What an edit did: the file, the lines written, the backups, and the reload's outcome.</summary>
    public sealed class EditResult
    {
        internal EditResult(EditPlan plan, IReadOnlyList<string> backupPaths, string? reloadOutcome)
        {
            Scope = plan.Request.Scope;
            HostName = plan.Request.HostPattern;
            Path = plan.Request.Path;
            Settings = plan.Request.Changes.Select(c => c.ToString()).ToList();
            Changed = plan.HasChanges;
            ChangedFiles = plan.Files.Select(f => f.Path).ToList();
            ChangedLines = plan.ChangedLines.Select(s => s.ToString()).ToList();
            BackupPaths = backupPaths;
            ReloadOutcome = reloadOutcome;
            Decisions = plan.Decisions;
        }

        /// <summary>The result of a plan that changes nothing (the values already hold): there is nothing to write.</summary>
        public static EditResult Unchanged(EditPlan plan) =>
            plan.HasChanges
                ? throw new ArgumentException("The plan changes files; make it with ConfigEditor.Apply.", nameof(plan))
                : new EditResult(plan, new string[0], null);

        public EditScope Scope { get; }

        /// <summary>The client Host pattern ("*" on the server).</summary>
        public string HostName { get; }

        /// <summary>The top config file edited.</summary>
        public string Path { get; }

        /// <summary>The requested settings, e.g. "ServerAliveInterval 60".</summary>
        public IReadOnlyList<string> Settings { get; }

        /// <summary>False when the values already held and nothing was written.</summary>
        public bool Changed { get; }

        public IReadOnlyList<string> ChangedFiles { get; }

        /// <summary>Each written line as path:line.</summary>
        public IReadOnlyList<string> ChangedLines { get; }

        /// <summary>The backup made of each changed file that existed (none with -NoBackup).</summary>
        public IReadOnlyList<string> BackupPaths { get; }

        /// <summary>How the daemon was reloaded; null when no reload was asked or nothing changed.</summary>
        public string? ReloadOutcome { get; }

        /// <summary>Per setting, the line chosen and why.</summary>
        public IReadOnlyList<string> Decisions { get; }
    }
}
