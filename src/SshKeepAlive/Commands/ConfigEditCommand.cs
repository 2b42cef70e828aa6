using System;
using System.Collections.Generic;
using System.Management.Automation;
using SshKeepAlive.Core.Editing;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Server;

namespace SshKeepAlive.Commands
{
    /// <summary>
    /// What Set-SshKeepAlive, Set-SshTimeoutConfig and Reset-SshKeepAlive share: where the edit goes, and
    /// plan, confirm (showing the diff), apply, report.
    /// </summary>
    public abstract class ConfigEditCommand : SshKeepAliveCmdlet
    {
        /// <summary>Parameter set of -Path (wildcards allowed).</summary>
        protected const string ByPath = "Path";

        /// <summary>Parameter set of -LiteralPath.</summary>
        protected const string ByLiteralPath = "LiteralPath";

        private const string EveryHost = "*";

        private static readonly ConfigEditor Editor = ConfigEditor.ForThisMachine();

        /// <summary>
        /// The client Host pattern the settings are for (default *: every host); a destination user@host names its
        /// host. Binds Get-SshTimeoutConfig's Target by property name; a null one (a file's link Target, when Get-Item
        /// pipes a file in) means the default. Ignored for the server.
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Host", "Target")]
        [AllowNull]
        [ArgumentCompleter(typeof(SshHostNameCompleter))]
        public string? HostName { get; set; } = EveryHost;

        /// <summary>Client (ssh_config, the default) or Server (sshd_config); binds Get-SshTimeoutConfig's Scope by property name.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public ConfigScope Scope { get; set; } = ConfigScope.Client;

        /// <summary>Edit the system-wide client config (/etc/ssh/ssh_config) instead of ~/.ssh/config.</summary>
        [Parameter]
        public SwitchParameter AllUsers { get; set; }

        /// <summary>The config file to edit instead of the default one (read as ssh -F / sshd -f read it); wildcards must match one file.</summary>
        [Parameter(ParameterSetName = ByPath, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        /// <summary>The config file to edit, taken exactly as written (no wildcards); binds a file's PSPath from the pipeline.</summary>
        [Parameter(ParameterSetName = ByLiteralPath, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath")]
        [ValidateNotNullOrEmpty]
        public string? LiteralPath { get; set; }

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

        /// <summary>True when the server is edited with -Reload: the daemon is reloaded even when the values already hold.</summary>
        protected bool ReloadsServer => Reload && Scope == ConfigScope.Server;

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

                ThrowTerminatingError(ErrorRecords.Create(ErrorId.ScopeNotEditable, $"-Scope {Scope} is not editable by this command; use Client or Server.", Scope));
            }

            if (Reload && Scope == ConfigScope.Client)
            {
                WriteWarning("-Reload applies to -Scope Server only; ssh reads its config anew for each connection.");
            }

            string? path = LiteralPath != null ? FileSystemPath(LiteralPath, expandWildcards: false)
                : Path != null ? FileSystemPath(Path, expandWildcards: true)
                : null;
            try
            {
                Edit(EditRequest.For(EditScope, path, AllUsers, HostName ?? EveryHost, Changes(), MatchTarget()));
            }
            catch (ConfigEditException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex, HostName));
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }

        private void Edit(EditRequest request)
        {
            EditPlan plan = Editor.Plan(request);
            foreach (string decision in plan.Decisions)
            {
                WriteVerbose(decision);
            }

            foreach (string warning in plan.Warnings)
            {
                WriteWarning(warning);
            }

            if (!plan.HasChanges && !ReloadsServer)
            {
                // No second plan under the lock: it would only repeat this one, or (had the file just
                // changed) write without the -WhatIf/-Confirm this path skips.
                WriteVerbose($"{request.Path}: the values already hold; nothing written.");
                Emit(EditResult.Unchanged(plan));
                return;
            }

            if (!plan.HasChanges)
            {
                WriteVerbose($"{request.Path}: the values already hold; nothing written.");
                if (ShouldProcess(request.Path, "Reload sshd with the config as it is"))
                {
                    EditResult reloaded = Editor.Apply(request, Options(request));
                    WriteVerbose(reloaded.ReloadOutcome ?? "Not reloaded.");
                    ReportNotReloaded(reloaded, request.Path);
                    Emit(reloaded);
                }

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
            ReportNotReloaded(result, request.Path);
            Emit(result);
        }

        // -Reload asked for a reload the daemon did not do (none reads the file, or it is not running).
        private void ReportNotReloaded(EditResult result, string path)
        {
            if (Reload && !result.Reloaded && result.ReloadOutcome != null)
            {
                WriteError(ErrorRecords.Create(
                    ErrorId.SshdNotReloaded,
                    $"{path} was {(result.Changed ? "written" : "not changed")}{(result.Validated ? " and passed sshd -t" : string.Empty)}, but not reloaded: {result.ReloadOutcome}.",
                    path));
            }
        }

        // The Match block of the -Match parameters; null when none is given.
        private ServerMatchTarget? MatchTarget() =>
            MatchUser == null && MatchGroup == null && MatchAddress == null && MatchHost == null && MatchLocalPort == null
                ? null
                : new ServerMatchTarget(MatchUser, MatchGroup, MatchHost, MatchAddress, MatchLocalPort);

        private ApplyOptions Options(EditRequest request) => new ApplyOptions
        {
            NoBackup = NoBackup,
            Reload = Reload,
            Daemon = Scope == ConfigScope.Server ? SshdDaemon.For(request.Path) : null,
            CancellationToken = CancellationToken,
        };

        private void Emit(EditResult result)
        {
            if (PassThru)
            {
                WriteObject(result);
            }
        }
    }
}
