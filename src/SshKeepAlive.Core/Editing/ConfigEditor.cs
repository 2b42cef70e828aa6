using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.Server;
using SshKeepAlive.Core.Errors;

namespace SshKeepAlive.Core.Editing
{
    /// <summary>How an edit is written.</summary>
    public sealed class ApplyOptions
    {
        /// <summary>Skip the backup of each changed file.</summary>
        public bool NoBackup { get; set; }

        /// <summary>The daemon to validate server edits with (sshd -t) and, with <see cref="Reload"/>, to reload (local edits).</summary>
        public SshdDaemon? Daemon { get; set; }

        /// <summary>Reload the daemon after a server edit, restoring the previous config if it does not survive.</summary>
        public bool Reload { get; set; }

        /// <summary>How long to wait for another edit of the same file to finish.</summary>
        public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>The private folder for locks and backups of local edits (default ~/.local/state/sshkeepalive).</summary>
        public string? StateDirectory { get; set; }

        /// <summary>Stops sshd -t and the reload (Ctrl-C); whatever was written is put back first.</summary>
        public CancellationToken CancellationToken { get; set; }

        /// <summary>
        /// Once files are written, <see cref="CancellationToken"/> no longer stops the edit: the reload, the check and any
        /// rollback run to their end, so the host is left untouched or with the edit completed and checked (a fleet's Ctrl-C).
        /// </summary>
        public bool FinishOnceWritten { get; set; }
    }

    /// <summary>
    /// Makes edits safely on a host (this machine by default): under the file's edit lock, the tree is read and
    /// planned again; a server edit is judged by sshd -t before anything is replaced (a new top file as a
    /// candidate; a tree whose included file changes is judged as it is first, and again once written, the files
    /// put back if sshd rejects it); each changed file is backed up, then written atomically; with a reload,
    /// the daemon reading the file is reloaded and the old config put back if it dies. Where the host can ask OpenSSH
    /// itself (<see cref="IEditHost.Observe"/>: a remote host, on a brand-new login), the result must then read as the
    /// resolver says it should; if not, the previous files go back, the daemon is reloaded on them and that is checked
    /// in turn. The result says what was written, validated, reloaded, checked and restored.
    /// </summary>
    public sealed class ConfigEditor
    {
        private readonly EditPlanner planner;
        private readonly IWinningDirectiveLookup lookup;

        public ConfigEditor(IWinningDirectiveLookup lookup, UnixAccounts? accounts = null)
        {
            this.lookup = lookup;
            planner = new EditPlanner(lookup, accounts);
        }

        /// <summary>The editor the cmdlets use: OpenSSH's resolvers for this machine's user.</summary>
        public static ConfigEditor ForThisMachine() => new ConfigEditor(new ResolverLookup(ClientEnvironment.Current()));

        /// <summary>What the edit would do on this machine (for -WhatIf and the confirmation prompt); writes nothing.</summary>
        public EditPlan Plan(EditRequest request) => Plan(request, new LocalEditHost());

        /// <summary>What the edit would do on <paramref name="host"/>; writes nothing.</summary>
        public EditPlan Plan(EditRequest request, IEditHost host) => planner.Plan(request, host.Read(request), host.IsWritable);

        /// <summary>Makes the edit on this machine. When the values already hold, nothing is written and the result says so.</summary>
        public EditResult Apply(EditRequest request, ApplyOptions options) =>
            Apply(request, new LocalEditHost(options.Daemon, options.StateDirectory), options);

        /// <summary>
        /// Makes the edit on <paramref name="host"/>. When the values already hold, nothing is written; a server edit
        /// with <see cref="ApplyOptions.Reload"/> then still reloads the daemon, once sshd -t accepts the files as they
        /// are, so that it runs with what is on disk.
        /// </summary>
        public EditResult Apply(EditRequest request, IEditHost host, ApplyOptions options)
        {
            options.CancellationToken.ThrowIfCancellationRequested();
            using IDisposable held = Lock(host, request.Path, options.LockTimeout);
            LoadedConfig tree = host.Read(request);
            EditPlan plan = planner.Plan(request, tree, host.IsWritable);
            if (!plan.HasChanges)
            {
                return request.Scope == EditScope.Server && options.Reload ? ReloadUnchanged(request, plan, host, options.CancellationToken) : EditResult.Unchanged(plan);
            }

            ThrowIfScratchIsIncluded(request, tree, plan, host);
            bool server = request.Scope == EditScope.Server;
            bool validated = false;
            if (server)
            {
                // A new top file can be judged as a candidate; a change to an included file only where it is.
                SshdValidation? verdict = host.Validate(request, plan.ChangesOnlyTopFile ? plan.Files[0].NewBytes : null, options.CancellationToken);
                if (verdict != null && !verdict.IsValid)
                {
                    throw ValidationFailed(request.Path, verdict, plan.ChangesOnlyTopFile ? "the edited" : "the current", "nothing was changed");
                }

                validated = verdict != null && plan.ChangesOnlyTopFile;
            }

            IReadOnlyList<string> backups = options.NoBackup ? Array.Empty<string>() : Guard(request.Path, "backing it up", () => host.Backup(request, plan.Files));
            try
            {
                Guard(request.Path, "writing it", () =>
                {
                    host.Write(plan.Files);
                    return true;
                });
            }
            catch (ConfigEditException)
            {
                host.DiscardBackups(backups);
                throw;
            }

            if (server && !plan.ChangesOnlyTopFile)
            {
                validated = ValidateInPlace(request, plan, host, backups, options.CancellationToken);
            }

            // From here on the edit is in place: with FinishOnceWritten, a Ctrl-C no longer stops the reload or the check.
            CancellationToken afterWrite = options.FinishOnceWritten ? CancellationToken.None : options.CancellationToken;
            SshdReloadOutcome? reload = null;
            if (server && options.Reload)
            {
                try
                {
                    reload = host.Reload(request, () => host.Restore(plan.Files), afterWrite);
                }
                catch (OperationCanceledException)
                {
                    // The reload put the previous config back: the backups are of no use.
                    host.DiscardBackups(backups);
                    throw;
                }
            }

            if (reload != null && reload.Failed)
            {
                OracleReading? back = reload.Restored ? host.Observe(request, newLogin: true, afterWrite) : null;
                string confirmed = back == null ? string.Empty : back.Problem == null ? " A new login works again." : $" A new login still fails: {back.Problem}.";
                throw new ConfigEditException(
                    ErrorId.SshdReloadFailed,
                    $"{request.Path} was written{(validated ? " and passed sshd -t" : string.Empty)}, but {reload.Message}{confirmed}",
                    request.Path,
                    rolledBack: reload.Restored);
            }

            bool reloaded = reload?.Reloaded ?? false;
            OracleReading? reading = server && !reloaded ? null : host.Observe(request, newLogin: server, afterWrite);
            if (reading != null)
            {
                string? wrong = reading.Problem ?? Differences(request, Edited(tree, plan), reading);
                if (wrong != null)
                {
                    throw RollBack(request, plan, tree, host, options, afterWrite, validated, reading, wrong);
                }
            }

            return new EditResult(plan, backups, options.NoBackup ? null : host.BackupFolder(request), validated, reload, reading);
        }

        /// <summary>
        /// Whether what OpenSSH printed (<paramref name="reading"/>) is what the resolver reads for the request's keywords in
        /// the tree <paramref name="plan"/> was made on (a plan that changes nothing: the values hold). Null when it is;
        /// otherwise what differs, in a sentence.
        /// </summary>
        public string? Disagreement(EditPlan plan, OracleReading reading) => reading.Problem ?? Differences(plan.Request, plan.Tree, reading);

        // What OpenSSH printed that is not what the resolver reads in the tree; null when all agree.
        private string? Differences(EditRequest request, LoadedConfig tree, OracleReading reading)
        {
            Func<string, EffectiveSetting> expected = request.Scope == EditScope.Server
                ? lookup.ServerSettings(tree, reading.Connection)
                : lookup.ClientSettings(tree, request.ProbeTarget);
            var wrong = new List<string>();
            foreach (SettingChange change in request.Changes)
            {
                string want = expected(change.Keyword).Text;
                string? got = reading.Values.TryGetValue(change.Keyword.ToLowerInvariant(), out string? value) ? value : null;
                if (!string.Equals(want, got, StringComparison.OrdinalIgnoreCase))
                {
                    wrong.Add($"{change.Keyword} is {got ?? "not reported"}, not {want}");
                }
            }

            return wrong.Count == 0 ? null : "says " + string.Join(", ", wrong);
        }

        // The edit is in place but OpenSSH does not confirm it: the previous files go back, the daemon reloads them, and
        // a new login must confirm the previous values in turn.
        private ConfigEditException RollBack(EditRequest request, EditPlan plan, LoadedConfig tree, IEditHost host, ApplyOptions options, CancellationToken token, bool validated, OracleReading reading, string wrong)
        {
            bool server = request.Scope == EditScope.Server;
            string done = $"{request.Path} was written{(validated ? ", passed sshd -t" : string.Empty)}{(server && options.Reload ? " and sshd reloaded" : string.Empty)}, but {reading.Source} {wrong}";
            try
            {
                host.Restore(plan.Files);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is SshKeepAliveException)
            {
                return new ConfigEditException(ErrorId.EditVerificationFailed, $"{done}; the previous config could NOT be restored ({ex.Message}): restore it from the backup by hand.", request.Path, inner: ex);
            }

            SshdReloadOutcome? again = server && options.Reload ? host.Reload(request, () => { }, token) : null;
            OracleReading? back = server && again?.Reloaded != true ? null : host.Observe(request, newLogin: server, token);
            string? stillWrong = back == null ? null : back.Problem ?? Differences(request, tree, back);
            string outcome = again != null && !again.Reloaded
                ? $"the previous config was restored, but {again.Message}"
                : back == null ? "the previous config was restored"
                : stillWrong == null ? $"the previous config was restored{(again != null ? ", sshd reloaded" : string.Empty)}, and {back.Source} confirms it"
                : $"the previous config was restored{(again != null ? " and sshd reloaded" : string.Empty)}, but {back.Source} {stillWrong}";
            return new ConfigEditException(ErrorId.EditVerificationFailed, $"{done}; {outcome}.", request.Path, rolledBack: true);
        }

        // The tree as OpenSSH reads it once the plan is written.
        private static LoadedConfig Edited(LoadedConfig tree, EditPlan plan) =>
            tree.WithDocuments(plan.Files.ToDictionary(f => f.Path, f => ConfigDocument.Parse(f.NewBytes, f.Path), StringComparer.Ordinal));

        // Nothing to write: sshd -t judges the files as they are, and the daemon is reloaded with nothing to restore.
        private static EditResult ReloadUnchanged(EditRequest request, EditPlan plan, IEditHost host, CancellationToken cancellationToken)
        {
            SshdValidation? verdict = host.Validate(request, null, cancellationToken);
            if (verdict != null && !verdict.IsValid)
            {
                throw ValidationFailed(request.Path, verdict, "the current", "sshd was not reloaded");
            }

            SshdReloadOutcome? reload = host.Reload(request, restore: null, cancellationToken);
            if (reload != null && reload.Failed)
            {
                throw new ConfigEditException(ErrorId.SshdReloadFailed, $"{request.Path} was not changed{(verdict != null ? " and passed sshd -t" : string.Empty)}, but {reload.Message}", request.Path);
            }

            return new EditResult(plan, Array.Empty<string>(), null, verdict != null, reload);
        }

        // An included file changed: sshd -t can only judge the whole tree, so it judges the files in place, and
        // every file is put back (the backups are then of no use) if it rejects them or is stopped.
        private static bool ValidateInPlace(EditRequest request, EditPlan plan, IEditHost host, IReadOnlyList<string> backups, CancellationToken cancellationToken)
        {
            void PutBack()
            {
                host.Restore(plan.Files);
                host.DiscardBackups(backups);
            }

            SshdValidation? verdict;
            try
            {
                verdict = host.Validate(request, null, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                PutBack();
                throw;
            }

            if (verdict != null && !verdict.IsValid)
            {
                Guard(request.Path, "putting the previous files back", () =>
                {
                    PutBack();
                    return true;
                });
                throw ValidationFailed(request.Path, verdict, "the edited", "the previous files were put back");
            }

            return verdict != null;
        }

        private static IDisposable Lock(IEditHost host, string path, TimeSpan timeout)
        {
            try
            {
                return host.Lock(path, timeout);
            }
            catch (TimeoutException ex)
            {
                throw new ConfigEditException(ErrorId.ConfigFileLocked, ex.Message + " Nothing was changed; run the command again once that edit has finished.", path, inner: ex);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is System.ComponentModel.Win32Exception)
            {
                throw new ConfigEditException(ErrorId.ConfigLockFailed, $"Cannot take the edit lock of {path}: {ex.Message}", path, inner: ex);
            }
        }

        // The editor's own files must never be read as config: an Include pattern that could match one is refused.
        private static void ThrowIfScratchIsIncluded(EditRequest request, LoadedConfig tree, EditPlan plan, IEditHost host)
        {
            var patterns = tree.IncludePatterns().ToList();
            if (patterns.Count == 0)
            {
                return;
            }

            foreach (FileChange file in plan.Files)
            {
                foreach (string scratch in host.ScratchPaths(request, file.Path))
                {
                    KeyValuePair<ConfigSource, string> hit = patterns.FirstOrDefault(p => ConfigGlob.CouldMatch(p.Value, scratch));
                    if (hit.Key != null)
                    {
                        throw new ConfigEditException(ErrorId.EditorFileIncluded, $"The Include at {hit.Key} ({hit.Value}) would read {scratch}, a file the editor writes while editing {file.Path}; nothing was changed. Narrow that pattern (e.g. *.conf) and run the command again.",
                            hit.Key.Path,
                            hit.Key);
                    }
                }
            }
        }

        // File system failures become the edit's own error; the caller has changed nothing it has not put back.
        private static T Guard<T>(string path, string doing, Func<T> action)
        {
            try
            {
                return action();
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is System.ComponentModel.Win32Exception)
            {
                throw new ConfigEditException(ErrorId.ConfigWriteFailed, $"Editing {path} failed while {doing}: {ex.Message}. Nothing was left changed.", path, inner: ex);
            }
        }

        // sshd -t speaks of the file, or of something it lacks on this machine; only the first is the file's fault.
        private static ConfigEditException ValidationFailed(string path, SshdValidation validation, string which, string outcome) =>
            validation.MissingPrerequisite is SshdPrerequisite missing
                ? ConfigEditException.CannotValidate(path, missing)
                : new ConfigEditException(ErrorId.SshdConfigRejected, $"sshd -t rejects {which} {path}, so {outcome}: {validation.Message}", path);
    }
}
