using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.Editing;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.Server;
using SshKeepAlive.Core.Sessions;

namespace SshKeepAlive.Core.Fleet
{
    /// <summary>An edit to make on every host of a fleet: what a Set or Reset cmdlet asks, whatever the host.</summary>
    public sealed class RemoteEdit
    {
        /// <param name="scope">Client (a user's ~/.ssh/config, or the system ssh_config) or server (sshd_config).</param>
        /// <param name="hostPattern">Client: the Host pattern; ignored for the server.</param>
        /// <param name="changes">The settings.</param>
        /// <param name="action">The verb of -WhatIf and -Confirm, e.g. "Set keepalive".</param>
        public RemoteEdit(EditScope scope, string hostPattern, IReadOnlyList<SettingChange> changes, string action)
        {
            Scope = scope;
            HostPattern = hostPattern;
            Changes = changes;
            Action = action;
        }

        public EditScope Scope { get; }

        public string HostPattern { get; }

        public IReadOnlyList<SettingChange> Changes { get; }

        public string Action { get; }

        /// <summary>The file on the host (absolute, or ~/... in the home of the user edited); null: the server's own sshd_config (its -f), or the user's ~/.ssh/config.</summary>
        public string? Path { get; set; }

        /// <summary>Client: the system-wide /etc/ssh/ssh_config instead of a user's file.</summary>
        public bool AllUsers { get; set; }

        /// <summary>Server: the Match block to edit in; null for the global settings.</summary>
        public ServerMatchTarget? Match { get; set; }

        /// <summary>Client: whose ~/.ssh/config on the host; null: the login user's.</summary>
        public string? User { get; set; }

        public bool NoBackup { get; set; }

        /// <summary>Server: reload sshd even when the values already hold (-Reload: a daemon that has not loaded the file on disk).</summary>
        public bool Reload { get; set; }

        /// <summary>How long to wait for another edit of the same file on the host.</summary>
        public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(30);
    }

    /// <summary>
    /// One host's edit, start to end: log in (the module's sessions), learn the host (its sshd, the file it reads, its
    /// OpenSSH release), ask its own sshd -T -C (or ssh -G) for the values before, plan with the same planner as local
    /// edits on the tree read there (so the same losslessness, effective-for-target check and refusals), ask the caller
    /// (ShouldProcess), then apply through <see cref="RemoteEditHost"/>: lock, read and plan again, sshd -t on the
    /// candidate there, backup there, atomic replace, reload, a brand-new login's sshd -T -C to confirm — and on any
    /// failure after the install, the previous files, a reload and a confirming login again. Ctrl-C before the install
    /// leaves the host untouched; after it, the edit runs to its confirmed end. Nothing escapes: every failure is in the result.
    /// </summary>
    public static class RemoteConfigEdit
    {
        private const string StateFolder = "/.local/state/sshkeepalive";

        public static RemoteEditResult Run(FleetHost host, RemoteEdit edit, FleetConnection connection)
        {
            var clock = Stopwatch.StartNew();
            var result = new RemoteEditResult(host.ComputerName, edit.Scope, edit.Changes);
            CancellationToken cancellationToken = host.CancellationToken;
            FleetLogin? login = null;
            RemoteEditHost? editHost = null;
            void Step(string text) => host.Verbose($"{text} ({clock.Elapsed.TotalSeconds:0.00} s)");
            try
            {
                login = connection.Open(host.ComputerName, cancellationToken);
                RemoteMachine machine = login.Machine;
                var sshd = new RemoteSshd(machine);
                result.OpenSshVersion = sshd.Version?.ToString();
                Step($"logged in as {login.Destination}; OpenSSH {result.OpenSshVersion ?? "of unknown release"}; " +
                    (sshd.Pid == null ? "no sshd found serving this session" : $"sshd (pid {sshd.Pid}{(sshd.Unit == null ? string.Empty : ", unit " + sshd.Unit)}) reads {sshd.ConfigPath}"));

                var accounts = new UnixAccounts(files: new RemoteFileSystem(machine.Shell, asRoot: false, cancellationToken));
                Target target = Prepare(edit, machine, sshd, accounts);
                EditRequest request = target.Request;
                result.Path = request.Path;
                var editor = new ConfigEditor(new ResolverLookup(target.Client, accounts, sshd.Version), accounts);
                editHost = new RemoteEditHost(machine, sshd, target.AsRoot, target.StateDirectory, target.ClientUser, target.NewFileOwner, login.NewLogin, accounts, cancellationToken);

                EditPlan plan = editor.Plan(request, editHost);
                OracleReading? before = editHost.Observe(request, newLogin: false, cancellationToken);
                result.Before = result.Named(before);
                Step($"{request.Path} planned, {before?.Source ?? "the values before"} read");
                foreach (string decision in plan.Decisions)
                {
                    host.Verbose(decision);
                }

                foreach (string warning in plan.Warnings)
                {
                    host.Warning(warning);
                }

                bool reloadOnly = !plan.HasChanges && edit.Reload && request.Scope == EditScope.Server;
                if (!plan.HasChanges && !reloadOnly)
                {
                    result.After = result.Before;
                    result.Verified = before != null && editor.Disagreement(plan, before) == null;
                    result.Outcome = $"the values already hold{(result.Verified ? "; " + before!.Source + " confirms them" : string.Empty)}";
                    return result;
                }

                if (reloadOnly
                    ? !host.ShouldProcess($"{host.ComputerName}: {request.Path}", "Reload sshd with the config as it is", string.Empty)
                    : !host.ShouldProcess($"{host.ComputerName}: {request.Path}", edit.Action, plan.Diff))
                {
                    result.Ran = false;
                    return result;
                }

                EditResult done = editor.Apply(request, editHost, new ApplyOptions
                {
                    NoBackup = edit.NoBackup,
                    Reload = request.Scope == EditScope.Server,
                    LockTimeout = edit.LockTimeout,
                    FinishOnceWritten = true,
                    CancellationToken = cancellationToken,
                });
                Step(string.Join("; ", new[] { $"wrote {string.Join(", ", done.ChangedLines)}", done.ReloadOutcome, done.VerifyOutcome }.Where(t => t != null)));
                result.Changed = done.Changed;
                result.ChangedLines = done.ChangedLines;
                result.BackupPath = done.BackupPaths.FirstOrDefault();
                result.Verified = done.Verified;
                result.After = done.Observed == null ? null : result.Named(new OracleReading(done.Observed, string.Empty));
                result.Outcome = string.Join("; ", new[] { done.Validated ? "sshd -t passed" : null, done.ReloadOutcome, done.VerifyOutcome }.Where(s => s != null));
                if ((done.Changed || reloadOnly) && request.Scope == EditScope.Server && !done.Reloaded)
                {
                    result.ErrorId = Errors.ErrorId.SshdNotReloaded;
                    result.Error = $"{host.ComputerName}: {request.Path} was {(done.Changed ? "written" : "not changed")}{(done.Validated ? " and passed sshd -t" : string.Empty)}, but not reloaded: {done.ReloadOutcome}.";
                }
            }
            catch (SshKeepAliveException ex)
            {
                result.Fail(ex);
                result.BackupPath = editHost?.BackupsMade.FirstOrDefault();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopped before anything was written (after it, the edit runs to its end): the host is untouched.
                result.Ran = false;
            }
            catch (Exception ex) when (ConnectFailure.IdOf(ex) is ErrorId lost)
            {
                // The session itself failed part-way (before the install: writing is never cancelled once begun).
                result.Fail(new SshKeepAliveException(lost, $"{host.ComputerName}: the session was lost: {ex.Message}", host.ComputerName, ex));
                result.BackupPath = editHost?.BackupsMade.FirstOrDefault();
            }
            finally
            {
                login?.Dispose();
                result.Duration = clock.Elapsed;
            }

            return result;
        }

        // Where the edit goes on this host, as whom, and how its client side reads.
        private static Target Prepare(RemoteEdit edit, RemoteMachine machine, RemoteSshd sshd, UnixAccounts accounts)
        {
            string rootHome = machine.UserId == 0 ? machine.HomeDirectory : machine.RootHomeDirectory;
            if (edit.Scope == EditScope.Server)
            {
                string serverPath = Absolute(edit.Path, rootHome, machine) ?? sshd.ConfigPath;
                EditRequest server = EditRequest.ForMachine(EditScope.Server, serverPath, false, edit.HostPattern, edit.Changes, edit.Match, "/etc/ssh", rootHome, 0);
                return new Target(server, ClientOf(machine, machine.UserName, machine.HomeDirectory, machine.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture)), true, rootHome + StateFolder, null, null);
            }

            string user = edit.User ?? machine.UserName;
            bool self = user == machine.UserName;
            string? home = self ? machine.HomeDirectory : accounts.HomeOf(user);
            string? owner = self ? null : accounts.OwnerOf(user);
            if (home == null || (owner == null && !self))
            {
                throw new ConfigEditException(Errors.ErrorId.ConfigFileNotFound, $"{machine.HostName}: there is no user {user} (in its /etc/passwd), so no ~{user}/.ssh/config to edit.", edit.Path);
            }

            string uid = self ? machine.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture) : owner!.Substring(0, owner.IndexOf(':'));
            string? path = Absolute(edit.Path, home, machine);
            EditRequest client = EditRequest.ForMachine(EditScope.Client, path, edit.AllUsers, edit.HostPattern, edit.Changes, null, "/etc/ssh", home, uint.Parse(uid, System.Globalization.CultureInfo.InvariantCulture));
            // The login user's own file is edited as that user; anything else (another user's, the system's) as root.
            bool ownFile = self && !edit.AllUsers && client.Path.StartsWith(home.TrimEnd('/') + "/", StringComparison.Ordinal);
            return new Target(client, ClientOf(machine, user, home, uid), !ownFile, (ownFile ? machine.HomeDirectory : rootHome) + StateFolder, user, self ? null : owner);
        }

        // A path on the host: absolute, or ~/... in the given home; none means the default.
        private static string? Absolute(string? path, string home, RemoteMachine machine)
        {
            if (path == null)
            {
                return null;
            }

            if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
            {
                return home.TrimEnd('/') + path.Substring(1);
            }

            if (!path.StartsWith("/", StringComparison.Ordinal))
            {
                throw new SshKeepAliveException(Errors.ErrorId.RemotePathInvalid, $"{machine.HostName}: '{path}' is not an absolute path there (nor ~/...).", path);
            }

            return path;
        }

        // The client side as ssh runs on the host for that user.
        private static ClientEnvironment ClientOf(RemoteMachine machine, string user, string home, string uid) =>
            new ClientEnvironment(home, user, home.TrimEnd('/') + "/.ssh/config", "/etc/ssh/ssh_config", "/etc/ssh")
            {
                LocalHostName = machine.MachineName,
                UserId = uid,
                OpenSshVersion = OpenSshVersion.FromBanner(machine.SshVersionText),
            };

        private sealed class Target
        {
            public Target(EditRequest request, ClientEnvironment client, bool asRoot, string stateDirectory, string? clientUser, string? newFileOwner)
            {
                Request = request;
                Client = client;
                AsRoot = asRoot;
                StateDirectory = stateDirectory;
                ClientUser = clientUser;
                NewFileOwner = newFileOwner;
            }

            public EditRequest Request { get; }

            public ClientEnvironment Client { get; }

            public bool AsRoot { get; }

            public string StateDirectory { get; }

            public string? ClientUser { get; }

            public string? NewFileOwner { get; }
        }
    }
}
