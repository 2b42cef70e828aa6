using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SshKeepAlive.Core.Editing;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Fleet;
using SshKeepAlive.Core.Server;

namespace SshKeepAlive.Commands
{
    /// <summary>
    /// What Set-SshKeepAlive, Set-SshTimeoutConfig and Reset-SshKeepAlive share: where the edit goes, and
    /// plan, confirm (showing the diff), apply, report — on this machine, or with -ComputerName on every host named
    /// (Core's <see cref="RemoteConfigEdit"/>, one result object per host).
    /// </summary>
    public abstract class ConfigEditCommand : FleetCmdlet
    {
        /// <summary>Parameter set of -Path (wildcards allowed).</summary>
        protected const string ByPath = "Path";

        /// <summary>Parameter set of -LiteralPath.</summary>
        protected const string ByLiteralPath = "LiteralPath";

        private const string EveryHost = "*";

        private static readonly ConfigEditor Editor = ConfigEditor.ForThisMachine();

        private FleetRun<RemoteEditResult>? fleet;
        private FleetConnection? connection;

        /// <summary>
        /// Hosts to edit over SSH instead of this machine ([user@]host or ssh://[user@]host[:port]), in parallel
        /// (-ThrottleLimit), nothing installed there: each is planned, checked by its own sshd -t, installed with a
        /// backup there, reloaded and confirmed by a brand-new login, or rolled back. From the pipeline: strings, or
        /// objects with a ComputerName property (Import-Csv).
        /// </summary>
        [Parameter(ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [AllowEmptyCollection]
        [ArgumentCompleter(typeof(SshHostNameCompleter))]
        public SshComputerName[]? ComputerName { get; set; }

        /// <summary>With -ComputerName -Scope Client: whose ~/.ssh/config on the hosts (default: the login user's).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? User { get; set; }

        /// <inheritdoc />
        /// <remarks>-User names an account on the hosts: without them it means nothing.</remarks>
        protected override string[] ConnectionParameterNames => base.ConnectionParameterNames.Concat(new[] { nameof(User) }).ToArray();

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

            string[] hosts = (ComputerName ?? new SshComputerName[0]).Where(c => c != null && c.Name.Length > 0).Select(c => c.Name).ToArray();
            if (hosts.Length > 0)
            {
                EditOn(hosts);
                return;
            }

            ThrowIfConnectionParametersWithoutHosts();
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

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            if (fleet != null)
            {
                Pump(fleet, untilFinished: true, Write);
            }
        }

        // Queues the hosts (their work starts at once) and writes what earlier hosts have finished.
        private void EditOn(string[] hosts)
        {
            RemoteEdit edit;
            try
            {
                edit = new RemoteEdit(EditScope, HostName ?? EveryHost, Changes(), Action)
                {
                    Path = RemotePath(),
                    AllUsers = AllUsers,
                    Match = MatchTarget(),
                    User = User,
                    NoBackup = NoBackup,
                    Reload = ReloadsServer,
                };
            }
            catch (SshKeepAliveException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex, HostName));
                return;
            }

            connection ??= FleetConnection();
            FleetConnection reach = connection;
            fleet ??= Run(host => RemoteConfigEdit.Run(host, (RemoteEdit)host.Item!, reach), result => result.Failed);
            foreach (string host in hosts)
            {
                fleet.Add(host, edit);
            }

            Pump(fleet, untilFinished: false, Write);
        }

        // A path on the hosts, as written. A provider path (PSPath) names a file of this machine: it comes from the pipeline
        // (Get-Content's lines carry the file they were read from) and is not the hosts' config.
        private string? RemotePath()
        {
            if (LiteralPath != null && LiteralPath.Contains("::"))
            {
                WriteVerbose($"-LiteralPath {LiteralPath} is a path of this machine, not of the hosts; their own config is edited.");
                return null;
            }

            return LiteralPath ?? Path;
        }

        private void Write(RemoteEditResult result)
        {
            if (!result.Ran)
            {
                return;
            }

            WriteObject(result);
            if (result.ErrorId is ErrorId id)
            {
                WriteError(ErrorRecords.Create(id, result.Error ?? id.ToString(), result.ComputerName));
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
