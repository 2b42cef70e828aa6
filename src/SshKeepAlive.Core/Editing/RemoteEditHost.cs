using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Files;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.Server;
using SshKeepAlive.Core.ServerConfig;

namespace SshKeepAlive.Core.Editing
{
    /// <summary>
    /// A machine reached over SSH as an edit's host, with nothing installed there: every step is a POSIX shell script run
    /// through the edit's own session (as root through sudo where the files need it). The edit lock is the same lock
    /// file a local edit on that machine takes (flock on its state folder's locks/, held by a command that ends with the
    /// session); backups go to that account's state folder there (backups/&lt;tree&gt;/, the newest ten); a file is
    /// replaced by a copy made beside it (cp -p keeps owner, mode and ACLs), filled, synced and renamed over it. sshd -t
    /// judges the candidate there, the sshd serving the session is reloaded, and the result is read back by sshd -T -C on
    /// a brand-new login (ssh -G as the user, for a client file). The session stays open throughout, so a daemon that
    /// refuses new logins never leaves the edit without a way to put things back.
    /// </summary>
    public sealed class RemoteEditHost : IEditHost
    {
        private const string RealPathScript = @"for p in ""$@""; do r=$(readlink -f -- ""$p"" 2>/dev/null) || r=; printf '%s\n' ""${r:-$p}"" | od -An -v -tx1 | tr -d ' \n'; echo; done";

        private const string LockScript = @"dir=$1 name=$2 seconds=$3
umask 077
mkdir -p ""$dir"" || exit 1
if ! command -v flock >/dev/null 2>&1; then echo unlocked; exec cat >/dev/null; fi
exec flock -w ""$seconds"" ""$dir/$name"" sh -c 'echo locked; exec cat >/dev/null'";

        // Writes standard input to $1 through $2 (a copy beside it keeping owner, mode and ACLs), then renames it over $1.
        // $3: owner (uid:gid) of a file that did not exist, or empty.
        private const string WriteScript = @"file=$1 temporary=$2 owner=$3
if [ -e ""$file"" ]; then
  cp -p -- ""$file"" ""$temporary"" || exit 1
else
  umask 077
  folder=${file%/*}
  if [ ! -d ""$folder"" ]; then mkdir -p -- ""$folder"" && chmod 700 ""$folder"" && { [ -z ""$owner"" ] || chown ""$owner"" ""$folder""; } || exit 1; fi
  : > ""$temporary"" || exit 1
  [ -z ""$owner"" ] || chown ""$owner"" ""$temporary"" || { rm -f ""$temporary""; exit 1; }
fi
cat > ""$temporary"" || { rm -f ""$temporary""; exit 1; }
sync ""$temporary"" 2>/dev/null
mv -f -- ""$temporary"" ""$file"" || { rm -f ""$temporary""; exit 1; }";

        private const string DeleteScript = @"rm -f -- ""$@""";

        // Saves standard input as $1 (through a temp name), then keeps the newest $2 copies of its file ($3: the copies' common stem).
        private const string BackupScript = @"backup=$1 kept=$2 stem=$3
umask 077
mkdir -p -- ""${backup%/*}"" || exit 1
cat > ""$backup.tmp"" && sync ""$backup.tmp"" 2>/dev/null; mv -f -- ""$backup.tmp"" ""$backup"" || { rm -f ""$backup.tmp""; exit 1; }
ls -1 -- ""$stem"".2* 2>/dev/null | sort -r | tail -n +$((kept + 1)) | while IFS= read -r old; do rm -f -- ""$old""; done
exit 0";

        // ssh -G for a destination, as the user whose config it is (ssh refuses to read another user's files).
        private const string SshGScript = @"user=$1 config=$2 destination=$3
if [ ""$(id -un)"" = ""$user"" ]; then exec ssh -G -F ""$config"" -- ""$destination"" </dev/null; fi
if command -v sudo >/dev/null 2>&1; then exec sudo -n -u ""$user"" -- ssh -G -F ""$config"" -- ""$destination"" </dev/null; fi
exec su -s /bin/sh -c 'exec ssh -G -F ""$0"" -- ""$1"" </dev/null' ""$user"" ""$config"" ""$destination""";

        private readonly RemoteMachine machine;
        private readonly RemoteSshd sshd;
        private readonly bool asRoot;
        private readonly string? clientUser;
        private readonly string? newFileOwner;
        private readonly Func<CancellationToken, RemoteMachine> login;
        private readonly UnixAccounts accounts;
        private readonly CancellationToken cancellationToken;
        private readonly Dictionary<string, string> realPaths = new Dictionary<string, string>(StringComparer.Ordinal);
        private readonly HashSet<string> listedDirectories = new HashSet<string>(StringComparer.Ordinal);
        private readonly List<string> backupsMade = new List<string>();
        private RemoteFileSystem? files;
        private LoadedConfig? lastTree;

        /// <param name="machine">The edit's session.</param>
        /// <param name="sshd">The sshd serving that session.</param>
        /// <param name="asRoot">Read and write as root (server files, another user's files); otherwise as the login user.</param>
        /// <param name="stateDirectory">The private state folder of the account the edit runs as, on that machine.</param>
        /// <param name="clientUser">For a client edit: the user whose file it is (ssh -G runs as them); null for a server edit.</param>
        /// <param name="newFileOwner">uid:gid a file the edit creates gets (another user's new ~/.ssh/config); null: the editing account.</param>
        /// <param name="login">Opens a brand-new session to the same machine (the check after a reload).</param>
        /// <param name="accounts">That machine's accounts (Match Group, PidFile's resolution).</param>
        /// <param name="cancellationToken">Stops reads in progress.</param>
        public RemoteEditHost(RemoteMachine machine, RemoteSshd sshd, bool asRoot, string stateDirectory, string? clientUser, string? newFileOwner, Func<CancellationToken, RemoteMachine> login, UnixAccounts accounts, CancellationToken cancellationToken)
        {
            this.machine = machine;
            this.sshd = sshd;
            this.asRoot = asRoot;
            StateDirectory = stateDirectory.TrimEnd('/');
            this.clientUser = clientUser;
            this.newFileOwner = newFileOwner;
            this.login = login;
            this.accounts = accounts;
            this.cancellationToken = cancellationToken;
        }

        /// <summary>The private state folder on that machine (locks/, backups/, candidates/).</summary>
        public string StateDirectory { get; }

        /// <summary>The backups this host has made (those of a failed edit are kept: they are what was restored).</summary>
        public IReadOnlyList<string> BackupsMade => backupsMade;

        private RemoteShell Shell => machine.Shell;

        public IDisposable Lock(string path, TimeSpan timeout)
        {
            string seconds = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            IRemoteProcess holder = Shell.Start(LockScript, new[] { StateDirectory + "/locks", FileLock.LockNameFor(RealPath(path)), seconds }, asRoot);
            string? first = holder.ReadLine(timeout + TimeSpan.FromSeconds(30), cancellationToken);
            if (first == "locked" || first == "unlocked")
            {
                return holder;
            }

            string error = holder.ErrorText;
            holder.Dispose();
            if (first == null && error.Length == 0)
            {
                throw new TimeoutException($"Another edit of {Shell.HostName}:{path} has held its lock for over {timeout.TotalSeconds:0.#} s.");
            }

            throw new IOException($"the edit lock on {Shell.HostName} could not be taken: {(error.Length > 0 ? error : "the lock command ended")}");
        }

        public LoadedConfig Read(EditRequest request)
        {
            // Each read is fresh (the one under the lock must not see the other's answers), and brings the folders the
            // last one listed along in its first round trip.
            files = new RemoteFileSystem(Shell, asRoot, cancellationToken);
            files.Prefetch(new[] { request.Path }, listedDirectories);
            string path = request.Path;
            string where = $"{Shell.HostName}:{path}";
            switch (files.KindOf(path))
            {
                case FileKind.Missing:
                    if (!request.CreateIfMissing)
                    {
                        throw new ConfigEditException(ErrorId.ConfigFileNotFound, $"{where} does not exist.", path);
                    }

                    break;
                case FileKind.Directory:
                    throw new ConfigEditException(ErrorId.ConfigFileIsDirectory, $"{where} is a directory, not a config file.", path);
                case FileKind.Regular:
                    try
                    {
                        files.ReadAllBytes(path);
                    }
                    catch (UnauthorizedAccessException ex)
                    {
                        throw new ConfigEditException(ErrorId.ConfigFileUnreadable, $"{where} cannot be read ({ex.Message}); nothing was changed.", path, inner: ex);
                    }

                    break;
                default:
                    throw new ConfigEditException(ErrorId.ConfigFileNotRegular, $"{where} is not a regular file; only regular config files are edited (nothing was read or written).", path);
            }

            lastTree = LoadedConfig.Load(path, request.IncludeRules, files);
            foreach (string pattern in lastTree.IncludePatterns().Select(p => p.Value))
            {
                int slash = pattern.LastIndexOf('/');
                if (slash > 0 && !OpenSsh.ConfigGlob.HasWildcard(pattern.Substring(0, slash)))
                {
                    listedDirectories.Add(pattern.Substring(0, slash));
                }
            }

            return lastTree;
        }

        public bool IsWritable(string path)
        {
            UnixFileInfo? info = files?.Stat(path);
            return info == null || info.Kind != FileKind.Regular || (info.Mode & 0x92 /* 0222 */) != 0;
        }

        public string BackupFolder(EditRequest request) => StateDirectory + "/backups/" + BackupStore.FolderNameFor(RealPath(request.Path));

        public IEnumerable<string> ScratchPaths(EditRequest request, string file)
        {
            yield return TemporaryPathFor(RealPath(file));
            yield return BackupPathFor(request, file, DateTimeOffset.UtcNow);
            yield return CandidatePath(request.Path);
        }

        public IReadOnlyList<string> Backup(EditRequest request, IReadOnlyList<FileChange> changes)
        {
            var made = new List<string>();
            DateTimeOffset now = DateTimeOffset.UtcNow;
            try
            {
                foreach (FileChange file in changes.Where(f => !f.IsNewFile))
                {
                    string backup = BackupPathFor(request, file.Path, now);
                    string stem = backup.Substring(0, backup.LastIndexOf('.'));
                    Check(Shell.Run(BackupScript, new[] { backup, BackupStore.DefaultKept.ToString(CultureInfo.InvariantCulture), stem }, file.OriginalBytes, asRoot, cancellationToken: CancellationToken.None), "backing up " + file.Path);
                    made.Add(backup);
                }
            }
            catch
            {
                DiscardBackups(made);
                throw;
            }

            backupsMade.AddRange(made);
            return made;
        }

        public void DiscardBackups(IReadOnlyList<string> backups)
        {
            if (backups.Count > 0)
            {
                Check(Shell.Run(DeleteScript, backups, asRoot: asRoot, cancellationToken: CancellationToken.None), "removing backups");
                backupsMade.RemoveAll(backups.Contains);
            }
        }

        // Once begun, writing is never cancelled: a file is replaced or left as it was.
        public void Write(IReadOnlyList<FileChange> changes)
        {
            var written = new List<FileChange>();
            try
            {
                foreach (FileChange file in changes)
                {
                    Replace(file.Path, file.NewBytes, file.IsNewFile);
                    written.Add(file);
                }
            }
            catch
            {
                Restore(written);
                throw;
            }
        }

        public void Restore(IReadOnlyList<FileChange> changes)
        {
            foreach (FileChange file in changes)
            {
                if (file.OriginalBytes == null)
                {
                    Check(Shell.Run(DeleteScript, new[] { RealPath(file.Path) }, asRoot: asRoot, cancellationToken: CancellationToken.None), "removing " + file.Path);
                }
                else
                {
                    Replace(file.Path, file.OriginalBytes, isNew: false);
                }
            }
        }

        public SshdValidation? Validate(EditRequest request, byte[]? topFileContent, CancellationToken cancellationToken) =>
            sshd.Validate(request.Path, topFileContent, topFileContent == null ? null : CandidatePath(request.Path), cancellationToken);

        public SshdReloadOutcome? Reload(EditRequest request, Action? restore, CancellationToken cancellationToken)
        {
            // The daemon's own -f (or the default) and the edited file are compared as real paths on that machine.
            string daemonConfig = RealPath(sshd.ConfigPath) == RealPath(request.Path) ? sshd.ConfigPath : RealPath(request.Path);
            string? pidFile = lastTree == null ? null : ServerConfigResolver.ForLoaded(lastTree, accounts, sshd.Version).Resolve()["PidFile"].Value as string;
            return sshd.Reload(daemonConfig, pidFile, restore, cancellationToken);
        }

        public OracleReading? Observe(EditRequest request, bool newLogin, CancellationToken cancellationToken)
        {
            if (request.Scope == EditScope.Client)
            {
                string user = clientUser ?? machine.UserName;
                string destination = request.ProbeTarget.ToString();
                string source = $"ssh -G -F {request.Path} {destination} (as {user} on {Shell.HostName})";
                RemoteShellResult result = Shell.Run(SshGScript, new[] { user, request.Path, destination }, asRoot: asRoot && user != machine.UserName, cancellationToken: cancellationToken);
                return result.Succeeded ? new OracleReading(Settings(result.OutputText), source) : OracleReading.Failed($"it failed: {result.ErrorText}", source);
            }

            RemoteMachine? fresh = null;
            string via = newLogin ? "a new login" : "the edit's session";
            try
            {
                if (newLogin)
                {
                    try
                    {
                        fresh = login(cancellationToken);
                    }
                    catch (Exception ex) when (!(ex is OperationCanceledException))
                    {
                        return OracleReading.Failed($"failed: {ex.Message}", $"a new login as {machine.UserName} to {Shell.HostName}");
                    }
                }

                RemoteMachine asker = fresh ?? machine;
                RemoteSshd daemon = fresh == null ? sshd : new RemoteSshd(fresh);
                ServerConnection connection = request.Match?.ProbeConnection(accounts) ?? daemon.ConnectionOf(asker);
                string source = $"sshd -T -C {connection.ToSpec()} on {via} to {Shell.HostName}";
                try
                {
                    IReadOnlyDictionary<string, string>? values = daemon.Effective(RealPath(request.Path), connection, cancellationToken, out string error);
                    return values == null ? OracleReading.Failed($"refused: {error}", source) : new OracleReading(values, source, connection);
                }
                catch (SshKeepAliveException ex)
                {
                    return OracleReading.Failed($"could not run: {ex.Message}", source);
                }
            }
            finally
            {
                fresh?.Dispose();
            }
        }

        /// <summary>The file a path names on that machine, symbolic links followed (asked once per path).</summary>
        public string RealPath(string path)
        {
            if (!realPaths.TryGetValue(path, out string? real) && files?.RealPathOf(path) is string read)
            {
                realPaths[path] = real = read;
            }

            if (real == null)
            {
                string output = Shell.RunText(RealPathScript, new[] { path }, asRoot: asRoot, cancellationToken: cancellationToken);
                real = RemoteShell.DecodeHex(output.Trim()).TrimEnd('\n');
                realPaths[path] = real.Length > 0 ? real : path;
            }

            return realPaths[path];
        }

        // sshd -T prints "keyword value" lines; so does ssh -G.
        private static IReadOnlyDictionary<string, string> Settings(string output)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string line in output.Split('\n'))
            {
                int space = line.IndexOf(' ');
                if (space > 0 && !values.ContainsKey(line.Substring(0, space)))
                {
                    values.Add(line.Substring(0, space), line.Substring(space + 1).Trim());
                }
            }

            return values;
        }

        private void Replace(string path, byte[] content, bool isNew)
        {
            string real = RealPath(path);
            Check(Shell.Run(WriteScript, new[] { real, TemporaryPathFor(real), isNew ? newFileOwner ?? string.Empty : string.Empty }, content, asRoot, cancellationToken: CancellationToken.None), "writing " + path);
        }

        private void Check(RemoteShellResult result, string doing)
        {
            if (!result.Succeeded)
            {
                throw new IOException($"{Shell.HostName}: {doing} failed: {(result.ErrorText.Length > 0 ? result.ErrorText : "exit " + result.ExitStatus)}");
            }
        }

        // A dot file beside the real file: no Include glob's '*' reads it.
        private static string TemporaryPathFor(string realFile)
        {
            int slash = realFile.LastIndexOf('/');
            return realFile.Substring(0, slash + 1) + "." + realFile.Substring(slash + 1) + ".sshka-tmp.remote";
        }

        private string BackupPathFor(EditRequest request, string file, DateTimeOffset time) =>
            BackupFolder(request) + "/" + BackupStore.RelativePathOf(RealPath(file)) + "." + time.UtcDateTime.ToString(BackupStore.TimestampFormat, CultureInfo.InvariantCulture);

        private string CandidatePath(string path) =>
            StateDirectory + "/candidates/." + path.Substring(path.LastIndexOf('/') + 1) + ".candidate." + Guid.NewGuid().ToString("N").Substring(0, 8);
    }
}
