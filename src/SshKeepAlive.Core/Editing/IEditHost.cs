using System;
using System.Collections.Generic;
using System.Threading;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Server;

namespace SshKeepAlive.Core.Editing
{
    /// <summary>
    /// The machine an edit is made on, and every effect of it there: reading the tree as its ssh or sshd would, the
    /// edit lock, backups, atomic replacement, sshd -t and the reload. <see cref="ConfigEditor"/> drives the steps
    /// and <see cref="EditPlanner"/> decides on the tree read; <see cref="LocalEditHost"/> is this machine, and a
    /// host reached over SSH can take its place without either changing.
    /// </summary>
    public interface IEditHost
    {
        /// <summary>Takes the edit lock of the file (every spelling of one file shares it), waiting up to <paramref name="timeout"/>.</summary>
        IDisposable Lock(string path, TimeSpan timeout);

        /// <summary>
        /// The tree as ssh or sshd would read it; a missing file that may be created reads as empty. Refuses (with a
        /// <see cref="ConfigEditException"/>) a path that is missing, a directory, not a regular file, or unreadable.
        /// </summary>
        LoadedConfig Read(EditRequest request);

        /// <summary>False for a file that exists and whose mode forbids writing (respected even for root).</summary>
        bool IsWritable(string path);

        /// <summary>Where the backups of the request's tree are kept.</summary>
        string BackupFolder(EditRequest request);

        /// <summary>
        /// Paths of the host's own files while it edits <paramref name="file"/> (temp file, backup, sshd -t
        /// candidate), which no Include pattern of the tree may match.
        /// </summary>
        IEnumerable<string> ScratchPaths(EditRequest request, string file);

        /// <summary>Keeps a copy of each existing file about to change and returns their paths; leaves none behind when it fails.</summary>
        IReadOnlyList<string> Backup(EditRequest request, IReadOnlyList<FileChange> files);

        /// <summary>Removes the backups of an edit that then changed nothing.</summary>
        void DiscardBackups(IReadOnlyList<string> backups);

        /// <summary>Writes every file atomically; when one fails, those already written are put back before it throws.</summary>
        void Write(IReadOnlyList<FileChange> files);

        /// <summary>Puts each file's previous content back (a file the edit created is deleted).</summary>
        void Restore(IReadOnlyList<FileChange> files);

        /// <summary>
        /// sshd -t's verdict on the config with <paramref name="topFileContent"/> as the top file (a candidate, nothing
        /// written), or on the tree as it is now when that is null; null when there is no sshd to ask.
        /// </summary>
        SshdValidation? Validate(EditRequest request, byte[]? topFileContent, CancellationToken cancellationToken);

        /// <summary>Reloads the daemon that reads the request's file (see <see cref="SshdDaemon.Reload"/>; <paramref name="restore"/> null when no file was changed); null when there is no daemon to ask.</summary>
        SshdReloadOutcome? Reload(EditRequest request, Action? restore, CancellationToken cancellationToken);

        /// <summary>
        /// What OpenSSH's own tool on the host says the request's keywords are (sshd -T -C for a connection, ssh -G for
        /// the destination): on a brand-new login when <paramref name="newLogin"/> (after a server edit and its reload,
        /// the login itself is part of the answer), else through the host as it is. Null when the host has no way to
        /// ask (this machine: the edit's own checks stand).
        /// </summary>
        OracleReading? Observe(EditRequest request, bool newLogin, CancellationToken cancellationToken);
    }

    /// <summary>What ssh -G or sshd -T -C printed for an edit's keywords, and whether the login that asked worked.</summary>
    public sealed class OracleReading
    {
        public OracleReading(IReadOnlyDictionary<string, string> values, string source, ServerConfig.ServerConnection? connection = null)
        {
            Values = values;
            Source = source;
            Connection = connection;
        }

        private OracleReading(string problem, string source)
        {
            Values = new Dictionary<string, string>();
            Source = source;
            Problem = problem;
        }

        /// <summary>Lowercase keyword → its value as the tool printed it.</summary>
        public IReadOnlyDictionary<string, string> Values { get; }

        /// <summary>What was asked, e.g. "sshd -T -C user=admin,addr=10.0.0.5 on a new login".</summary>
        public string Source { get; }

        /// <summary>The server connection sshd -T -C evaluated; null for the client.</summary>
        public ServerConfig.ServerConnection? Connection { get; }

        /// <summary>Why there is no answer (the new login failed, the tool refused); null when there is one.</summary>
        public string? Problem { get; }

        /// <summary>No answer: the login or the tool failed, as <paramref name="problem"/> says.</summary>
        public static OracleReading Failed(string problem, string source) => new OracleReading(problem, source);
    }
}
