using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Files;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.Server;
using SshKeepAlive.Core.Errors;

namespace SshKeepAlive.Core.Editing
{
    /// <summary>
    /// This machine as an edit's host. Its own files live in a private state folder (default
    /// ~/.local/state/sshkeepalive, 0700): locks/ (one per edited file, keyed by its real path), backups/ (per
    /// edited tree, the newest <see cref="BackupStore.DefaultKept"/> copies of each file) and candidates/ (sshd -t's
    /// view of a new top file, deleted at once) — never beside the config, where an Include glob could read them.
    /// Symbolic links are followed (the file they point at is edited, the link kept); only regular files are
    /// edited.
    /// </summary>
    public sealed class LocalEditHost : IEditHost
    {
        private readonly SshdDaemon? daemon;
        private readonly string stateDirectory;
        private readonly BackupStore backups;

        /// <param name="daemon">The sshd that validates server edits and is reloaded; null: none is asked.</param>
        /// <param name="stateDirectory">The private folder for locks, backups and candidates (default <see cref="SshPlatform.StateDirectory"/>).</param>
        /// <param name="backupsKept">How many backups of each file are kept.</param>
        public LocalEditHost(SshdDaemon? daemon = null, string? stateDirectory = null, int backupsKept = BackupStore.DefaultKept)
        {
            this.daemon = daemon;
            this.stateDirectory = stateDirectory ?? SshPlatform.StateDirectory;
            backups = new BackupStore(Path.Combine(this.stateDirectory, "backups"), backupsKept);
        }

        public IDisposable Lock(string path, TimeSpan timeout) => FileLock.Acquire(path, timeout, Path.Combine(stateDirectory, "locks"));

        public LoadedConfig Read(EditRequest request)
        {
            string path = request.Path;
            FileKind kind = UnixFileSystem.KindOf(path);
            switch (kind)
            {
                case FileKind.Missing:
                    if (!request.CreateIfMissing)
                    {
                        bool dangling = UnixFileSystem.IsUnix && UnixFileSystem.TryStat(path, followLinks: false)?.Kind == FileKind.SymbolicLink;
                        throw new ConfigEditException(ErrorId.ConfigFileNotFound, dangling
                            ? $"{path} is a symbolic link to {UnixFileSystem.RealPath(path)}, which does not exist."
                            : $"{path} does not exist.", path);
                    }

                    break;
                case FileKind.Directory:
                    throw new ConfigEditException(ErrorId.ConfigFileIsDirectory, $"{path} is a directory, not a config file; give the file itself (e.g. {Path.Combine(path, request.Scope == EditScope.Server ? "sshd_config" : "config")}).", path);
                case FileKind.Regular:
                    ThrowIfUnreadable(path);
                    break;
                default:
                    throw new ConfigEditException(ErrorId.ConfigFileNotRegular, $"{path} is a {UnixFileSystem.Describe(kind)}, not a regular file; only regular config files are edited (nothing was read or written).", path);
            }

            return LoadedConfig.Load(path, request.IncludeRules);
        }

        public bool IsWritable(string path)
        {
            if (UnixFileSystem.KindOf(path) != FileKind.Regular)
            {
                return true;
            }

            return UnixFileSystem.IsUnix
                ? (UnixFileSystem.Stat(path).Mode & 0x92 /* 0222 */) != 0
                : (File.GetAttributes(path) & FileAttributes.ReadOnly) == 0;
        }

        public string BackupFolder(EditRequest request) => backups.FolderFor(request.Path);

        public IEnumerable<string> ScratchPaths(EditRequest request, string file)
        {
            yield return AtomicFile.TemporaryPathFor(UnixFileSystem.RealPath(file));
            yield return backups.PathFor(request.Path, file, DateTimeOffset.UtcNow);
            yield return CandidatePath(request.Path);
        }

        public IReadOnlyList<string> Backup(EditRequest request, IReadOnlyList<FileChange> files)
        {
            var made = new List<string>();
            DateTimeOffset now = DateTimeOffset.UtcNow;
            try
            {
                foreach (FileChange file in files.Where(f => !f.IsNewFile))
                {
                    made.Add(backups.Save(request.Path, file.Path, file.OriginalBytes!, now));
                }
            }
            catch
            {
                DiscardBackups(made);
                throw;
            }

            return made;
        }

        public void DiscardBackups(IReadOnlyList<string> made)
        {
            foreach (string backup in made)
            {
                File.Delete(backup);
            }
        }

        public void Write(IReadOnlyList<FileChange> files)
        {
            // ssh refuses a ~/.ssh it finds too open; a folder created for the user's config is 0700.
            foreach (string folder in files.Where(f => f.IsNewFile).Select(f => Path.GetDirectoryName(Path.GetFullPath(f.Path))!))
            {
                UnixFileSystem.CreatePrivateDirectory(folder);
            }

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

        public void Restore(IReadOnlyList<FileChange> files)
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

        public SshdValidation? Validate(EditRequest request, byte[]? topFileContent, CancellationToken cancellationToken)
        {
            if (daemon == null)
            {
                return null;
            }

            if (daemon.MissingBinary() is SshdPrerequisite missing)
            {
                throw ConfigEditException.CannotValidate(request.Path, missing);
            }

            if (topFileContent == null)
            {
                return daemon.Validate(request.Path, cancellationToken: cancellationToken);
            }

            // sshd anchors relative Includes in its own directory, not the file's: the candidate may live anywhere.
            string candidate = CandidatePath(request.Path);
            UnixFileSystem.EnsurePrivateDirectory(Path.GetDirectoryName(candidate)!);
            try
            {
                AtomicFile.Write(candidate, topFileContent, 0x180);
                return daemon.Validate(candidate, request.Path, cancellationToken);
            }
            finally
            {
                File.Delete(candidate);
            }
        }

        public SshdReloadOutcome? Reload(EditRequest request, Action? restore, CancellationToken cancellationToken) => daemon?.Reload(request.Path, restore, cancellationToken);

        /// <summary>Null: on this machine the planner's own check (the resolvers, sshd -t) is what an edit is judged by.</summary>
        public OracleReading? Observe(EditRequest request, bool newLogin, CancellationToken cancellationToken) => null;

        private static void ThrowIfUnreadable(string path)
        {
            try
            {
                using (new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
                {
                }
            }
            catch (Exception e) when (e is UnauthorizedAccessException || e is IOException)
            {
                throw new ConfigEditException(ErrorId.ConfigFileUnreadable, $"{path} cannot be read ({e.Message}); check its permissions (nothing was changed).", path, inner: e);
            }
        }

        private string CandidatePath(string path) =>
            Path.Combine(stateDirectory, "candidates", "." + Path.GetFileName(path) + ".candidate." + Guid.NewGuid().ToString("N").Substring(0, 8));
    }
}
