using System.Collections.Generic;
using System.Management.Automation;
using SshKeepAlive.Core.ClientConfig;
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
        private static readonly ConfigEditor Editor = new ConfigEditor(new ResolverLookup(ClientEnvironment.Current()));

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

        /// <summary>After a server edit, reload sshd and check it still runs (restoring the previous config if not).</summary>
        [Parameter]
        public SwitchParameter Reload { get; set; }

        /// <summary>Do not keep a timestamped backup of each changed file.</summary>
        [Parameter]
        public SwitchParameter NoBackup { get; set; }

        /// <summary>Write the result object (file, changed lines, backup, reload outcome) to the pipeline.</summary>
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
                EditRequest request = EditRequest.For(EditScope, path, AllUsers, HostName, Changes());
                EditPlan plan = Editor.Plan(request);
                foreach (string decision in plan.Decisions)
                {
                    WriteVerbose(decision);
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
                WriteVerbose($"Wrote {string.Join(", ", result.ChangedLines)}" + (result.BackupPaths.Count > 0 ? $"; backup {string.Join(", ", result.BackupPaths)}" : string.Empty) + (result.ReloadOutcome != null ? $"; {result.ReloadOutcome}" : string.Empty) + ".");
                Emit(result);
            }
            catch (ConfigEditException ex)
            {
                ThrowTerminatingError(ErrorRecords.Create(ex, ex.ErrorId, CategoryOf(ex.Kind), (object?)ex.Location?.ToString() ?? ex.Path ?? HostName, ex.RecommendedAction ?? RecommendedAction(ex.Kind)));
            }
        }

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
                case ConfigEditErrorKind.NotEffective: return ErrorCategory.ResourceExists;
                case ConfigEditErrorKind.ValidationFailed: return ErrorCategory.InvalidResult;
                case ConfigEditErrorKind.ValidationUnavailable: return ErrorCategory.ResourceUnavailable;
                case ConfigEditErrorKind.ReloadFailed: return ErrorCategory.ResourceUnavailable;
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
                case ConfigEditErrorKind.NotEffective: return "Change or remove the named line by hand; it would otherwise win over the edit.";
                case ConfigEditErrorKind.ValidationFailed: return "Fix what sshd -t reports; nothing was changed.";
                case ConfigEditErrorKind.ValidationUnavailable: return "Provide what sshd lacks on this machine, as the message says; nothing was changed.";
                case ConfigEditErrorKind.ReloadFailed: return "Check the sshd log; the previous config was restored.";
                default: return "Check permissions and free space of the config's folder.";
            }
        }
    }
}
