using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Files;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.Server;

namespace SshKeepAlive.Core.Editing
{
    /// <summary>How an edit is written.</summary>
    public sealed class ApplyOptions
    {
        /// <summary>Skip the timestamped backup of each changed file.</summary>
        public bool NoBackup { get; set; }

        /// <summary>The daemon to validate server edits with (sshd -t) and, with <see cref="Reload"/>, to reload.</summary>
        public SshdDaemon? Daemon { get; set; }

        /// <summary>Reload the daemon after a server edit, restoring the previous config if it does not survive.</summary>
        public bool Reload { get; set; }

        /// <summary>How long to wait for another edit of the same file to finish.</summary>
        public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Stops sshd -t and the reload (Ctrl-C); whatever was written is put back first.</summary>
        public CancellationToken CancellationToken { get; set; }
    }

    /// <summary>
    /// Plans and writes edits safely: under a lock on the top file, re-planned on the current bytes, validated
    /// by sshd -t before anything is replaced (server), backed up, written atomically keeping owner and mode.
    /// </summary>
    public sealed class ConfigEditor
    {
        private readonly EditPlanner planner;

        public ConfigEditor(IWinningDirectiveLookup lookup) => planner = new EditPlanner(lookup);

        /// <summary>What the edit would do (for -WhatIf and the confirmation prompt); writes nothing.</summary>
        public EditPlan Plan(EditRequest request) => planner.Plan(request);

        /// <summary>Makes the edit. When the values already hold, nothing is written and the result says so.</summary>
        public EditResult Apply(EditRequest request, ApplyOptions options)
        {
            options.CancellationToken.ThrowIfCancellationRequested();
            using FileLock fileLock = Lock(request.Path, options.LockTimeout);
            EditPlan plan = planner.Plan(request);
            if (!plan.HasChanges)
            {
                return EditResult.Unchanged(plan);
            }

            SshdDaemon? daemon = request.Scope == EditScope.Server ? options.Daemon : null;
            if (daemon?.MissingBinary() is SshdPrerequisite missing)
            {
                throw CannotValidate(request.Path, missing);
            }

            // sshd -t can judge a lone top file as a candidate beside it; a change to an included file only in place.
            bool includedFileChanges = plan.Files.Any(f => f.Path != request.Path);
            if (daemon != null && !includedFileChanges)
            {
                ValidateCandidate(daemon, request.Path, plan.Files[0].NewBytes, options.CancellationToken);
            }

            DateTimeOffset now = DateTimeOffset.UtcNow;
            List<string> backups = Guard(request.Path, () => options.NoBackup ? new List<string>() : plan.Files.Where(f => !f.IsNewFile).Select(f => AtomicFile.Backup(f.Path, now)).ToList());
            Guard(request.Path, () =>
            {
                EnsureUserConfigFolder(plan);
                Write(plan.Files);
                return true;
            });
            if (daemon != null && includedFileChanges)
            {
                ValidateInPlace(daemon, request.Path, plan.Files, backups, options.CancellationToken);
            }

            string? reloadOutcome = null;
            if (daemon != null && options.Reload)
            {
                try
                {
                    reloadOutcome = daemon.Reload(() => Restore(plan.Files), options.CancellationToken);
                }
                catch (OperationCanceledException)
                {
                    // The reload put the previous config back: the backups are of no use.
                    backups.ForEach(File.Delete);
                    throw;
                }
                catch (SshdReloadException ex)
                {
                    throw new ConfigEditException(ErrorId.SshdReloadFailed, ex.Message, request.Path, inner: ex);
                }
            }

            return new EditResult(plan, backups, reloadOutcome);
        }

        private static FileLock Lock(string path, TimeSpan timeout)
        {
            try
            {
                return FileLock.Acquire(path, timeout);
            }
            catch (TimeoutException ex)
            {
                throw new ConfigEditException(ErrorId.ConfigFileLocked, ex.Message, path, inner: ex);
            }
        }

        // File system failures become the edit's own error; the caller has changed nothing it has not put back.
        private static T Guard<T>(string path, Func<T> action)
        {
            try
            {
                return action();
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is System.ComponentModel.Win32Exception)
            {
                throw new ConfigEditException(ErrorId.ConfigWriteFailed, ex.Message, path, inner: ex);
            }
        }

        // An included file changed: sshd -t can only judge the whole tree, so it judges the files in place, and
        // every file is put back (the backups are then of no use) if it rejects them or is stopped.
        private static void ValidateInPlace(SshdDaemon daemon, string path, IReadOnlyList<FileChange> files, List<string> backups, CancellationToken cancellationToken)
        {
            void PutBack()
            {
                Restore(files);
                backups.ForEach(File.Delete);
            }

            SshdValidation validation;
            try
            {
                validation = daemon.Validate(path, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                PutBack();
                throw;
            }

            if (!validation.IsValid)
            {
                PutBack();
                throw ValidationFailed(path, validation);
            }
        }

        private static void ValidateCandidate(SshdDaemon daemon, string path, byte[] content, CancellationToken cancellationToken)
        {
            // In the same folder, so relative Includes resolve the same; not *.conf, so no Include glob picks it up.
            string candidate = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "." + Path.GetFileName(path) + ".sshka-candidate-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            try
            {
                AtomicFile.Write(candidate, content, 0x180);
                SshdValidation validation = daemon.Validate(candidate, cancellationToken);
                if (!validation.IsValid)
                {
                    throw ValidationFailed(path, validation);
                }
            }
            finally
            {
                File.Delete(candidate);
            }
        }

        // sshd -t speaks of the edited file, or of something it lacks on this machine; only the first is the edit's fault.
        private static ConfigEditException ValidationFailed(string path, SshdValidation validation) =>
            validation.MissingPrerequisite is SshdPrerequisite missing
                ? CannotValidate(path, missing)
                : new ConfigEditException(ErrorId.SshdConfigRejected, $"sshd -t rejects the edited {path}, so nothing was changed: {validation.Message}", path);

        private static ConfigEditException CannotValidate(string path, SshdPrerequisite missing) =>
            new ConfigEditException(
                missing.Id,
                $"sshd -t cannot check the edited {path} on this machine: {missing.Cause}. This is not a fault of {path}; nothing was changed. {missing.Fix}",
                path);

        // ssh refuses a ~/.ssh it finds too open; a folder created for the user's config is 0700.
        private static void EnsureUserConfigFolder(EditPlan plan)
        {
            foreach (string folder in plan.Files.Where(f => f.IsNewFile).Select(f => Path.GetDirectoryName(Path.GetFullPath(f.Path))!))
            {
                UnixFileSystem.CreatePrivateDirectory(folder);
            }
        }

        private static void Restore(IReadOnlyList<FileChange> files)
        {
            foreach (FileChange file in files)
            {
                if (file.OriginalBytes == null)
                {
                    File.Delete(file.Path);
                }
                else
                {
                    AtomicFile.Write(file.Path, file.OriginalBytes);
                }
            }
        }

        // Writes every file, putting back those already written when one fails.
        private static void Write(IReadOnlyList<FileChange> files)
        {
            var written = new List<FileChange>();
            try
            {
                foreach (FileChange file in files)
                {
                    AtomicFile.Write(file.Path, file.NewBytes, 0x180 /* 0600 */);
                    written.Add(file);
                }
            }
            catch
            {
                Restore(written);
                throw;
            }
        }
    }
}
