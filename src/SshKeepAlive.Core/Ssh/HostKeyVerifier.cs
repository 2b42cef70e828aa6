using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using SshKeepAlive.Core.Files;
using SshKeepAlive.Core.Platform;

namespace SshKeepAlive.Core.Ssh
{
    /// <summary>ssh_config's StrictHostKeyChecking.</summary>
    public enum StrictHostKeyChecking
    {
        /// <summary>Only keys already in a known_hosts file are accepted.</summary>
        Yes,

        /// <summary>Unknown hosts are added to the user's known_hosts; changed keys are refused.</summary>
        AcceptNew,

        /// <summary>
        /// Unknown hosts are added. Stricter than ssh, which lets a changed key through with password
        /// authentication disabled: a changed key is refused in every mode.
        /// </summary>
        No,

        /// <summary>ssh would ask; with nobody to ask this is <see cref="Yes"/>.</summary>
        Ask,
    }

    public enum HostKeyStatus
    {
        /// <summary>A known_hosts line names the host with this key.</summary>
        Known,

        /// <summary>No line names the host.</summary>
        Unknown,

        /// <summary>Lines name the host, with other keys.</summary>
        Changed,

        /// <summary>An <c>@revoked</c> line names the host with this key.</summary>
        Revoked,
    }

    /// <summary>The outcome of checking one presented host key.</summary>
    public sealed class HostKeyCheck
    {
        public HostKeyCheck(string lookupName, string keyType, string fingerprint, HostKeyStatus status, bool accepted, KnownHostsEntry? knownEntry, string? addedTo, string message)
        {
            LookupName = lookupName;
            KeyType = keyType;
            Fingerprint = fingerprint;
            Status = status;
            Accepted = accepted;
            KnownEntry = knownEntry;
            AddedTo = addedTo;
            Message = message;
        }

        /// <summary>The name the host is filed under (<c>host</c> or <c>[host]:port</c>).</summary>
        public string LookupName { get; }

        public string KeyType { get; }

        /// <summary>The presented key's <c>SHA256:…</c> fingerprint.</summary>
        public string Fingerprint { get; }

        public HostKeyStatus Status { get; }

        public bool Accepted { get; }

        /// <summary>For Known/Revoked the matching line; for Changed the first line with the host's other key.</summary>
        public KnownHostsEntry? KnownEntry { get; }

        /// <summary>The file a new key was appended to, if any.</summary>
        public string? AddedTo { get; }

        public string Message { get; }
    }

    /// <summary>A host key was refused; the check says why.</summary>
    public sealed class HostKeyVerificationException : Exception
    {
        public HostKeyVerificationException(HostKeyCheck check, Exception? inner = null)
            : base(check.Message, inner) => Check = check;

        public HostKeyCheck Check { get; }
    }

    /// <summary>
    /// Verifies host keys against known_hosts files with StrictHostKeyChecking semantics. The user's file
    /// (UserKnownHostsFile) is the one new keys go to; global files (GlobalKnownHostsFile) are only read.
    /// </summary>
    public sealed class HostKeyVerifier
    {
        private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(10);
        private readonly IReadOnlyList<string> globalFiles;

        public HostKeyVerifier(string userKnownHostsFile, IReadOnlyList<string> globalKnownHostsFiles, StrictHostKeyChecking mode, bool hashNewEntries = false)
        {
            UserKnownHostsFile = userKnownHostsFile;
            globalFiles = globalKnownHostsFiles;
            Mode = mode;
            HashNewEntries = hashNewEntries;
        }

        public string UserKnownHostsFile { get; }

        public StrictHostKeyChecking Mode { get; }

        public bool HashNewEntries { get; }

        /// <summary>ssh's defaults: ~/.ssh/known_hosts, and ssh_known_hosts(2) in the system ssh directory to read.</summary>
        public static string DefaultUserKnownHostsFile => Path.Combine(SshPlatform.HomeDirectory, ".ssh", "known_hosts");

        public static IReadOnlyList<string> DefaultGlobalKnownHostsFiles { get; } =
            new[] { "ssh_known_hosts", "ssh_known_hosts2" }.Select(name => Path.Combine(SshPlatform.SystemDirectory, name)).ToArray();

        /// <summary>
        /// The key types known for the host, so the client can ask for those first (as ssh orders its
        /// HostKeyAlgorithms): a server with several keys then shows the one we can verify.
        /// </summary>
        public IReadOnlyList<string> KnownKeyTypes(string host, int port)
        {
            string lookupName = KnownHosts.LookupName(host, port);
            return Entries().Where(e => e.Marker == KnownHostsMarker.None && e.Matches(lookupName)).Select(e => e.KeyType).Distinct().ToList();
        }

        /// <summary>Checks a presented key (wire blob); under AcceptNew/No an unknown host is appended to the user's file.</summary>
        public HostKeyCheck Verify(string host, int port, byte[] key)
        {
            string lookupName = KnownHosts.LookupName(host, port);
            string keyType = PublicKeyBlob.KeyType(key);
            string fingerprint = PublicKeyBlob.Fingerprint(key);
            string shown = $"{keyType} key {fingerprint} of {lookupName}";
            bool strict = Mode == StrictHostKeyChecking.Yes || Mode == StrictHostKeyChecking.Ask;

            // The user's file is read under the lock new keys are appended under, so two sessions meeting
            // the same new host add it once.
            using FileLock fileLock = FileLock.Acquire(UserKnownHostsFile, LockWait);
            var forHost = Entries().Where(e => e.Marker != KnownHostsMarker.CertAuthority && e.Matches(lookupName)).ToList();

            KnownHostsEntry? revoked = forHost.FirstOrDefault(e => e.Marker == KnownHostsMarker.Revoked && e.HasKey(key));
            if (revoked != null)
            {
                return new HostKeyCheck(lookupName, keyType, fingerprint, HostKeyStatus.Revoked, false, revoked, null,
                    $"The {shown} is marked @revoked in {revoked.Location}; refusing to connect.");
            }

            var plain = forHost.Where(e => e.Marker == KnownHostsMarker.None).ToList();
            KnownHostsEntry? known = plain.FirstOrDefault(e => e.HasKey(key));
            if (known != null)
            {
                return new HostKeyCheck(lookupName, keyType, fingerprint, HostKeyStatus.Known, true, known, null,
                    $"The {shown} matches {known.Location}.");
            }

            if (plain.Count > 0)
            {
                // Prefer the line of the same key type: that is the key this one replaced.
                KnownHostsEntry other = plain.FirstOrDefault(e => e.KeyType == keyType) ?? plain[0];
                string changed =
                    $"The host key of {lookupName} has changed: the server presented {keyType} {fingerprint}, " +
                    $"but {other.Location} has {other.KeyType} {PublicKeyBlob.Fingerprint(other.Key)}. " +
                    "Someone could be intercepting the connection, or the host was reinstalled.";
                return new HostKeyCheck(lookupName, keyType, fingerprint, HostKeyStatus.Changed, false, other, null,
                    changed + $" If the change is expected, remove the old key (ssh-keygen -R '{lookupName}' -f '{other.File}') and connect again.");
            }

            if (strict)
            {
                return new HostKeyCheck(lookupName, keyType, fingerprint, HostKeyStatus.Unknown, false, null, null,
                    $"The {shown} is not in any known_hosts file ({string.Join(", ", Files())}) and StrictHostKeyChecking is {Mode.ToString().ToLowerInvariant()}; " +
                    "verify the fingerprint and add the key, or use StrictHostKeyChecking accept-new.");
            }

            int line = Append(KnownHosts.FormatLine(lookupName, key, HashNewEntries));
            return new HostKeyCheck(lookupName, keyType, fingerprint, HostKeyStatus.Unknown, true, null, UserKnownHostsFile,
                $"Added the {shown} to {UserKnownHostsFile}:{line}.");
        }

        private IEnumerable<string> Files() => new[] { UserKnownHostsFile }.Concat(globalFiles);

        private IEnumerable<KnownHostsEntry> Entries() => Files().SelectMany(KnownHosts.Read);

        // Caller holds the file lock. Creates ~/.ssh 0700 and the file 0600 as ssh does; returns the new line's number.
        private int Append(string line)
        {
            UnixFileSystem.CreatePrivateDirectory(Path.GetDirectoryName(Path.GetFullPath(UserKnownHostsFile))!);

            bool created = !File.Exists(UserKnownHostsFile);
            byte[] existing = created ? new byte[0] : File.ReadAllBytes(UserKnownHostsFile);
            bool needsNewline = existing.Length > 0 && existing[existing.Length - 1] != (byte)'\n';
            using (var stream = new FileStream(UserKnownHostsFile, FileMode.Append, FileAccess.Write))
            {
                byte[] bytes = Encoding.UTF8.GetBytes((needsNewline ? "\n" : string.Empty) + line + "\n");
                stream.Write(bytes, 0, bytes.Length);
            }

            if (created && UnixFileSystem.IsUnix)
            {
                UnixFileSystem.SetMode(UserKnownHostsFile, 0x180 /* 0600 */);
            }

            return File.ReadAllLines(UserKnownHostsFile).Length;
        }
    }
}
