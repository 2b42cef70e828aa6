using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using SshKeepAlive.Core.Errors;

namespace SshKeepAlive.Core.Platform
{
    /// <summary>
    /// The files of a remote machine, read through its POSIX shell with nothing installed there: kind, owner and mode
    /// from test(1) and ls -nLd, bytes through od (so any byte, and any file name, comes back intact). What is read is
    /// kept, so a config tree costs a round trip per level of Includes: listing a folder brings the small files in it
    /// along. As root throughout (an edit), or as the login user and then as root, through sudo, for what that user
    /// may not read (a report); when sudo refuses, those files read as unreadable and <see cref="ElevationProblem"/> says why.
    /// </summary>
    public sealed class RemoteFileSystem : IReadOnlyFileSystem
    {
        // Files up to this size come along with a folder's listing; larger ones are read when asked for.
        private const long PrefetchedSize = 64 * 1024;

        // Nothing a config, startup file or /proc value should be; reading more would only move a hostile file over the wire.
        private const long MaxFileSize = 16 * 1024 * 1024;

        private const string Script = @"hex() { printf '%s' ""$1"" | od -An -v -tx1 | tr -d ' \n'; }
kind() {
  if [ -d ""$1"" ]; then echo d; elif [ -f ""$1"" ]; then echo f; elif [ -p ""$1"" ]; then echo p
  elif [ -S ""$1"" ]; then echo s; elif [ -c ""$1"" ]; then echo c; elif [ -b ""$1"" ]; then echo b; else echo m; fi
}
item() { # path, largest file whose bytes come along
  k=$(kind ""$1"")
  if [ ""$k"" = m ]; then printf 'F %s m\n' ""$(hex ""$1"")""; return; fi
  meta=$(ls -nLd -- ""$1"" 2>/dev/null)
  set -f; set -- ""$1"" ""$2"" $meta; set +f
  printf 'F %s %s %s %s %s %s %s\n' ""$(hex ""$1"")"" ""$k"" ""${3:--}"" ""${5:--}"" ""${6:--}"" ""${7:--}"" ""$(hex ""$(readlink -f -- ""$1"" 2>/dev/null)"")""
  [ ""$k"" = f ] || return 0
  if [ ! -r ""$1"" ]; then echo U
  elif [ -n ""$7"" ] && [ ""$7"" -gt ""$2"" ] 2>/dev/null; then echo T
  else echo C; od -An -v -tx1 -- ""$1"" || echo U; echo E; fi
}
listing() {
  printf 'L %s\n' ""$(hex ""$1"")""
  if [ ! -d ""$1"" ]; then echo M; return; fi
  if [ ! -r ""$1"" ] || [ ! -x ""$1"" ]; then echo U; return; fi
  for e in ""$1""/* ""$1""/.[!.]* ""$1""/..?*; do
    if [ -e ""$e"" ] || [ -L ""$e"" ]; then printf 'N %s\n' ""$(hex ""${e##*/}"")""; fi
  done
  echo E
  for e in ""$1""/* ""$1""/.[!.]* ""$1""/..?*; do
    if [ -f ""$e"" ]; then item ""$e"" ""$2""; fi
  done
}
while [ $# -ge 2 ]; do
  case $1 in f) item ""$2"" ""$3"" ;; d) listing ""$2"" ""$3"" ;; esac
  shift 3
done
";

        private readonly RemoteShell shell;
        private readonly bool asRoot;
        private readonly CancellationToken cancellationToken;
        private readonly Dictionary<string, Entry> entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        private readonly Dictionary<string, IReadOnlyList<string>?> listings = new Dictionary<string, IReadOnlyList<string>?>(StringComparer.Ordinal);
        private readonly List<string> filesRead = new List<string>();
        private readonly Dictionary<string, string> realPaths = new Dictionary<string, string>(StringComparer.Ordinal);
        private bool elevationRefused;

        /// <param name="shell">The machine's shell.</param>
        /// <param name="asRoot">Read everything as root (through sudo unless the login is root); otherwise as the login user first.</param>
        /// <param name="cancellationToken">Stops a read in progress.</param>
        public RemoteFileSystem(RemoteShell shell, bool asRoot, CancellationToken cancellationToken = default)
        {
            this.shell = shell;
            this.asRoot = asRoot;
            this.cancellationToken = cancellationToken;
        }

        public string HostName => shell.HostName;

        /// <summary>Why files the login user may not read could not be read as root either (sudo's refusal); null when there was no such file.</summary>
        public string? ElevationProblem { get; private set; }

        /// <summary>Every regular file whose bytes were read, in the order they were.</summary>
        public IReadOnlyList<string> FilesRead => filesRead;

        /// <summary>Reads these files and folders (their small files along) in one round trip; what is known already is not read again.</summary>
        public void Prefetch(IEnumerable<string> files, IEnumerable<string> directories)
        {
            var requests = files.Select(Normalize).Where(p => !entries.ContainsKey(p)).Distinct().Select(p => ("f", p))
                .Concat(directories.Select(Normalize).Where(d => !listings.ContainsKey(d)).Distinct().Select(d => ("d", d)))
                .ToList();
            Fetch(requests, PrefetchedSize);
        }

        public FileKind KindOf(string path) => Get(path).Kind;

        public byte[] ReadAllBytes(string path)
        {
            string normal = Normalize(path);
            Entry entry = Get(normal);
            if (entry.Kind == FileKind.Regular && entry.State == ContentState.NotRead)
            {
                Fetch(new[] { ("f", normal) }, MaxFileSize);
                entry = Get(normal);
            }

            switch (entry.Kind)
            {
                case FileKind.Missing:
                    throw new FileNotFoundException($"{HostName}:{normal} does not exist.", normal);
                case FileKind.Directory:
                    throw new UnauthorizedAccessException($"{HostName}:{normal} is a directory.");
                case FileKind.Regular:
                    break;
                default:
                    throw new IOException($"{HostName}:{normal} is not a regular file.");
            }

            switch (entry.State)
            {
                case ContentState.Read:
                    return entry.Content!;
                case ContentState.TooLarge:
                    throw new IOException($"{HostName}:{normal} is larger than {MaxFileSize / (1024 * 1024)} MB; not read.");
                default:
                    throw new UnauthorizedAccessException($"{HostName}:{normal}: permission denied{(ElevationProblem == null ? string.Empty : " (" + ElevationProblem + ")")}.");
            }
        }

        public IReadOnlyList<string> EntriesOf(string directory)
        {
            string normal = Normalize(directory);
            if (!listings.ContainsKey(normal))
            {
                Fetch(new[] { ("d", normal) }, PrefetchedSize);
            }

            return listings.TryGetValue(normal, out IReadOnlyList<string>? names) && names != null ? names : Array.Empty<string>();
        }

        public UnixFileInfo? Stat(string path) => Get(path).Info;

        /// <summary>The file a path names, symbolic links followed (readlink -f), as read with it; null when it was not read or does not exist.</summary>
        public string? RealPathOf(string path) => realPaths.TryGetValue(Normalize(path), out string? real) ? real : null;

        private static string Normalize(string path) => path.Length > 1 ? path.TrimEnd('/') : path;

        private Entry Get(string path)
        {
            string normal = Normalize(path);
            if (!entries.TryGetValue(normal, out Entry? entry))
            {
                Fetch(new[] { ("f", normal) }, MaxFileSize);
                entry = entries[normal];
            }

            return entry;
        }

        private void Fetch(IReadOnlyList<(string Kind, string Path)> requests, long largest)
        {
            if (requests.Count == 0)
            {
                return;
            }

            Parse(Run(requests, largest, asRoot), largest);
            if (asRoot || !shell.UsesSudo || elevationRefused)
            {
                return;
            }

            // What the login user may not read (files, folders it may not list, and files in the folders listed), read again as root.
            var listed = requests.Where(r => r.Kind == "d" && listings.TryGetValue(r.Path, out var names) && names != null)
                .SelectMany(r => listings[r.Path]!.Select(name => FileSystemExtensions.JoinPath(r.Path, name)));
            var denied = requests.Where(r => r.Kind == "f").Select(r => r.Path).Concat(listed)
                .Where(path => entries.TryGetValue(path, out Entry? entry) && entry.State == ContentState.Unreadable)
                .Select(path => (Kind: "f", Path: path))
                .Concat(requests.Where(r => r.Kind == "d" && listings.TryGetValue(r.Path, out var names) && names == null))
                .Distinct()
                .ToList();
            if (denied.Count == 0)
            {
                return;
            }

            try
            {
                Parse(Run(denied, largest, root: true), largest);
            }
            catch (SshKeepAliveException ex) when (ex.Id == ErrorId.SudoPasswordMissing || ex.Id == ErrorId.SudoFailed)
            {
                elevationRefused = true;
                ElevationProblem = ex.Message;
            }
        }

        private RemoteShellResult Run(IReadOnlyList<(string Kind, string Path)> requests, long largest, bool root)
        {
            string size = largest.ToString(CultureInfo.InvariantCulture);
            var arguments = requests.SelectMany(r => new[] { r.Kind, r.Path, size }).ToList();
            RemoteShellResult result = shell.Run(Script, arguments, asRoot: root, cancellationToken: cancellationToken);
            if (!result.Succeeded)
            {
                throw new SshKeepAliveException(ErrorId.CommandFailed, $"{HostName}: reading {string.Join(", ", requests.Select(r => r.Path))} failed (exit {result.ExitStatus?.ToString(CultureInfo.InvariantCulture) ?? "none"}): {result.ErrorText}", HostName);
            }

            return result;
        }

        private void Parse(RemoteShellResult result, long largest)
        {
            string[] lines = Encoding.ASCII.GetString(result.Output).Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                string[] fields = lines[i].Split(' ');
                if (fields[0] == "F" && fields.Length >= 3)
                {
                    i = ParseItem(lines, i, fields, largest >= MaxFileSize);
                }
                else if (fields[0] == "L" && fields.Length >= 2)
                {
                    string directory = RemoteShell.DecodeHex(fields[1]);
                    var names = new List<string>();
                    for (i++; i < lines.Length && lines[i].StartsWith("N ", StringComparison.Ordinal); i++)
                    {
                        names.Add(RemoteShell.DecodeHex(lines[i].Substring(2)));
                    }

                    // Here lines[i] is E (listed), U (a folder that cannot be listed) or M (no folder).
                    string end = i < lines.Length ? lines[i] : "U";
                    listings[directory] = end == "U" ? null : names;
                }
            }
        }

        // "F <hex path> <kind> [<mode> <uid> <gid> <size> <hex real path>]", then for a regular file C + od lines + E, U or T.
        private int ParseItem(string[] lines, int i, string[] fields, bool atLargest)
        {
            string path = RemoteShell.DecodeHex(fields[1]);
            FileKind kind = KindFromCode(fields[2]);
            UnixFileInfo? info = fields.Length >= 7 && kind != FileKind.Missing ? Info(fields[3], fields[4], fields[5], fields[6], kind) : null;
            var entry = new Entry(kind, info);
            if (fields.Length >= 8 && fields[7].Length > 0)
            {
                realPaths[path] = RemoteShell.DecodeHex(fields[7]);
            }

            if (kind == FileKind.Regular && i + 1 < lines.Length)
            {
                string next = lines[i + 1];
                if (next == "C")
                {
                    var bytes = new List<byte>();
                    for (i += 2; i < lines.Length && lines[i] != "E"; i++)
                    {
                        foreach (string hex in lines[i].Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries))
                        {
                            bytes.Add(byte.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                        }
                    }

                    entry.Content = bytes.ToArray();
                    entry.State = ContentState.Read;
                    filesRead.Add(path);
                }
                else if (next == "U" || next == "T")
                {
                    entry.State = next == "U" ? ContentState.Unreadable : atLargest ? ContentState.TooLarge : ContentState.NotRead;
                    i++;
                }
            }

            // A file listed with a folder but too large to come along keeps NotRead until asked for.
            if (!entries.TryGetValue(path, out Entry? known) || known.State != ContentState.Read)
            {
                entries[path] = entry;
            }

            return i;
        }

        private static FileKind KindFromCode(string code)
        {
            switch (code)
            {
                case "d": return FileKind.Directory;
                case "f": return FileKind.Regular;
                case "p": return FileKind.Fifo;
                case "s": return FileKind.Socket;
                case "c": return FileKind.CharacterDevice;
                case "b": return FileKind.BlockDevice;
                default: return FileKind.Missing;
            }
        }

        // ls's mode string (-rw-r--r--, maybe followed by + or . for ACLs and labels) as permission bits.
        private static UnixFileInfo? Info(string mode, string uid, string gid, string size, FileKind kind)
        {
            if (mode.Length < 10 || !uint.TryParse(uid, NumberStyles.None, CultureInfo.InvariantCulture, out uint user) || !uint.TryParse(gid, NumberStyles.None, CultureInfo.InvariantCulture, out uint group))
            {
                return null;
            }

            int bits = 0;
            for (int who = 0; who < 3; who++)
            {
                string rwx = mode.Substring(1 + (who * 3), 3);
                int shift = 6 - (who * 3);
                bits |= (rwx[0] == 'r' ? 4 : 0) << shift;
                bits |= (rwx[1] == 'w' ? 2 : 0) << shift;
                bits |= (rwx[2] == 'x' || rwx[2] == 's' || rwx[2] == 't' ? 1 : 0) << shift;
                if (char.ToLowerInvariant(rwx[2]) == 's' || char.ToLowerInvariant(rwx[2]) == 't')
                {
                    bits |= 0x200 << (2 - who); // setuid 04000, setgid 02000, sticky 01000
                }
            }

            long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out long length);
            return new UnixFileInfo(bits, user, group, kind, size: length);
        }

        private enum ContentState
        {
            NotRead,
            Read,
            Unreadable,
            TooLarge,
        }

        private sealed class Entry
        {
            public Entry(FileKind kind, UnixFileInfo? info)
            {
                Kind = kind;
                Info = info;
            }

            public FileKind Kind { get; }

            public UnixFileInfo? Info { get; }

            public byte[]? Content { get; set; }

            public ContentState State { get; set; }
        }
    }
}
