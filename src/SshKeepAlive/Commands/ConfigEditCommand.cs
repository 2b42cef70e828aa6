using System.Collections.Generic;
using System.Management.Automation;
using SshKeepAlive.Core.Editing;
using SshKeepAlive.Core.Server;

namespace SshKeepAlive.Commands
{
    /// <summary>
    /// What Set-SshKeepAlive, Set-SshTimeoutConfig and Reset-SshKeepAlive share: where the edit goes, and
    /// plan, confirm (showing the diff), apply, report.
    /// </summary>
    public abstract class ConfigEditCommand : SshKeepAliveCmdlet
    {
        private static readonly ConfigEditor Editor = ConfigEditor.ForThisMachine();

        /// <summary>
        /// The client Host pattern the settings are for (default *: every host); a destination user@host names its
        /// host. Binds Get-SshTimeoutConfig's Target by property name. Ignored for the server.
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Host", "Target")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SshHostNameCompleter))]
        public string HostName { get; set; } = "*";

        /// <summary>Client (ssh_config, the default) or Server (sshd_config); binds Get-SshTimeoutConfig's Scope by property name.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public ConfigScope Scope { get; set; } = ConfigScope.Client;

        /// <summary>Edit the system-wide client config (/etc/ssh/ssh_config) instead of ~/.ssh/config.</summary>
        [Parameter]
        public SwitchParameter AllUsers { get; set; }

        /// <summary>The config file to edit instead of the default one (read as ssh -F / sshd -f read it).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath")]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        /// <summary>Server: edit inside the "Match User" block for these users (created at the end when missing).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? MatchUser { get; set; }

        /// <summary>Server: edit inside the "Match Group" block for these groups.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? MatchGroup { get; set; }

        /// <summary>Server: edit inside the "Match Address" block for these client addresses or networks (e.g. 10.0.0.0/8).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? MatchAddress { get; set; }

        /// <summary>Server: edit inside the "Match Host" block for these client host names.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? MatchHost { get; set; }

        /// <summary>Server: edit inside the "Match LocalPort" block for connections to this server port.</summary>
        [Parameter]
        [ValidateRange(1, 65535)]
        public int? MatchLocalPort { get; set; }

        /// <summary>After a server edit, reload the sshd that reads the file and check it still runs (restoring the previous config if not).</summary>
        [Parameter]
        public SwitchParameter Reload { get; set; }

        /// <summary>Do not keep a backup of each changed file (backups go to ~/.local/state/sshkeepalive/backups, the newest ten of each file).</summary>
        [Parameter]
        public SwitchParameter NoBackup { get; set; }

        /// <summary>Write the result object (file, changed lines, backups and their folder, validation, reload and restore) to the pipeline.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>The scope as Core names it.</summary>
        protected EditScope EditScope => Scope == ConfigScope.Server ? EditScope.Server : EditScope.Client;

        /// <summary>The settings this command changes, validated.</summary>
        protected abstract IReadOnlyList<SettingChange> Changes();

        /// <summary>The verb shown in -WhatIf and the confirmation prompt.</summary>
        protected abstract string Action { get; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            if (Scope != ConfigScope.Client && Scope != ConfigScope.Server)
            {
                if (MyInvocation.ExpectingInput)
                {
                    WriteVerbose($"Skipped a {Scope} row from the pipeline: only Client and Server settings are edited here.");
                    return;
                }

                ThrowTerminatingError(ErrorRecords.Create($"-Scope {Scope} is not editable by this command; use Client or Server.", "ScopeNotEditable", ErrorCategory.InvalidArgument, Scope, "Use -Scope Client or -Scope Server."));
            }

            if (Reload && Scope == ConfigScope.Client)
            {
                WriteWarning("-Reload applies to -Scope Server only; ssh reads its config anew for each connection.");
            }

            try
            {
                string? path = Path == null ? null : GetUnresolvedProviderPathFromPSPath(Path);
                EditRequest request = EditRequest.For(EditScope, path, AllUsers, HostName, Changes(), MatchTarget());
                EditPlan plan = Editor.Plan(request);
                foreach (string decision in plan.Decisions)
                {
                    WriteVerbose(decision);
                }

                foreach (string warning in plan.Warnings)
                {
                    WriteWarning(warning);
                }

                if (!plan.HasChanges)
                {
                    // No second plan under the lock: it would only repeat this one, or (had the file just
                    // changed) write without the -WhatIf/-Confirm this path skips.
                    WriteVerbose($"{request.Path}: the values already hold; nothing written.");
                    Emit(EditResult.Unchanged(plan));
                    return;
                }

                if (!ShouldProcess(plan.Diff, $"{Action} in {request.Path}?\n{plan.Diff}", "Confirm"))
                {
                    return;
                }

                EditResult result = Editor.Apply(request, Options(request));
                WriteVerbose($"Wrote {string.Join(", ", result.ChangedLines)}" +
                    (result.Validated ? "; sshd -t accepts it" : string.Empty) +
                    (result.BackupPaths.Count > 0 ? $"; backup {string.Join(", ", result.BackupPaths)}" : string.Empty) +
                    (result.ReloadOutcome != null ? $"; {result.ReloadOutcome}" : string.Empty) + ".");
                if (Reload && result.Changed && !result.Reloaded && result.ReloadOutcome != null)
                {
                    WriteError(ErrorRecords.Create(
                        $"{request.Path} was written{(result.Validated ? " and passed sshd -t" : string.Empty)}, but not reloaded: {result.ReloadOutcome}.",
                        "SshdNotReloaded",
                        ErrorCategory.ResourceUnavailable,
                        request.Path,
                        "Reload (or start) the sshd that reads this file yourself; the new config is in place."));
                }

                Emit(result);
            }
            catch (ConfigEditException ex)
            {
                ThrowTerminatingError(ErrorRecords.Create(ex, ex.ErrorId, CategoryOf(ex.Kind), (object?)ex.Location?.ToString() ?? ex.Path ?? HostName, RecommendedAction(ex.Kind)));
            }
        }

        // The Match block of -Match* parameters; null when none is given.
        private ServerMatchTarget? MatchTarget() =>
            MatchUser == null && MatchGroup == null && MatchAddress == null && MatchHost == null && MatchLocalPort == null
                ? null
                : new ServerMatchTarget(MatchUser, MatchGroup, MatchHost, MatchAddress, MatchLocalPort);

        private ApplyOptions Options(EditRequest request) => new ApplyOptions
        {
            NoBackup = NoBackup,
            Reload = Reload,
            Daemon = Scope == ConfigScope.Server ? SshdDaemon.For(request.Path) : null,
        };

        private void Emit(EditResult result)
        {
            if (PassThru)
            {
                WriteObject(result);
            }
        }

        private static ErrorCategory CategoryOf(ConfigEditErrorKind kind)
        {
            switch (kind)
            {
                case ConfigEditErrorKind.InvalidArgument: return ErrorCategory.InvalidArgument;
                case ConfigEditErrorKind.InvalidConfig: return ErrorCategory.InvalidData;
                case ConfigEditErrorKind.NotFound: return ErrorCategory.ObjectNotFound;
                case ConfigEditErrorKind.ReadOnly: return ErrorCategory.PermissionDenied;
                case ConfigEditErrorKind.Unreadable: return ErrorCategory.PermissionDenied;
                case ConfigEditErrorKind.NotRegularFile: return ErrorCategory.InvalidType;
                case ConfigEditErrorKind.NotEffective: return ErrorCategory.ResourceExists;
                case ConfigEditErrorKind.ValidationFailed: return ErrorCategory.InvalidResult;
                case ConfigEditErrorKind.ReloadFailed: return ErrorCategory.ResourceUnavailable;
                case ConfigEditErrorKind.Locked: return ErrorCategory.ResourceBusy;
                default: return ErrorCategory.WriteError;
            }
        }

        private static string RecommendedAction(ConfigEditErrorKind kind)
        {
            switch (kind)
            {
                case ConfigEditErrorKind.InvalidArgument: return "Correct the value as the message says.";
                case ConfigEditErrorKind.InvalidConfig: return "Fix the named line (ssh -G or sshd -t show the same problem), then run the command again.";
                case ConfigEditErrorKind.NotFound: return "Give an existing file with -Path.";
                case ConfigEditErrorKind.ReadOnly: return "Make the file writable if it is meant to be edited.";
                case ConfigEditErrorKind.Unreadable: return "Make the file readable by this account (or run as an account that can read it), then run the command again.";
                case ConfigEditErrorKind.NotRegularFile: return "Give the path of a regular config file (a symbolic link to one is followed).";
                case ConfigEditErrorKind.NotEffective: return "Change or remove the named line by hand, or target its block (-HostName, -Match*); it would otherwise win over the edit.";
                case ConfigEditErrorKind.ValidationFailed: return "Fix what sshd -t reports; the message says what was left in place.";
                case ConfigEditErrorKind.ReloadFailed: return "Check the sshd log; the message says whether the previous config was restored and sshd runs.";
                case ConfigEditErrorKind.Locked: return "Wait for the other edit of this file to finish (or end the process named), then run the command again.";
                default: return "Check that the config's folder is writable and has free space; nothing was left changed.";
            }
        }
    }
}
