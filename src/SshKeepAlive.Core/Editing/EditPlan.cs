using System.Collections.Generic;
using System.Linq;
using System.Text;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Files;

namespace SshKeepAlive.Core.Editing
{
    /// <summary>One file an edit changes: its bytes before (null for a new file) and after.</summary>
    public sealed class FileChange
    {
        internal FileChange(string path, byte[]? originalBytes, byte[] newBytes, IReadOnlyList<int> changedLines)
        {
            Path = path;
            OriginalBytes = originalBytes;
            NewBytes = newBytes;
            ChangedLines = changedLines;
        }

        public string Path { get; }

        public byte[]? OriginalBytes { get; }

        public byte[] NewBytes { get; }

        /// <summary>Numbers (in the new file) of the lines written or changed.</summary>
        public IReadOnlyList<int> ChangedLines { get; }

        public bool IsNewFile => OriginalBytes == null;

        /// <summary>The change as diff -u shows it.</summary>
        public string Diff
        {
            get
            {
                var lenient = new UTF8Encoding(false, false);
                string before = OriginalBytes == null ? string.Empty : lenient.GetString(OriginalBytes);
                return UnifiedDiff.Create(before, lenient.GetString(NewBytes), IsNewFile ? "/dev/null" : Path, Path);
            }
        }
    }

    /// <summary>
    /// What an edit would do, decided and not yet written: the files it changes (none when the values already
    /// hold) and, per setting, which file and line was chosen and why.
    /// </summary>
    public sealed class EditPlan
    {
        internal EditPlan(EditRequest request, LoadedConfig tree, IReadOnlyList<FileChange> files, IReadOnlyList<string> decisions, IReadOnlyList<string> warnings)
        {
            Request = request;
            Tree = tree;
            Files = files;
            Decisions = decisions;
            Warnings = warnings;
        }

        public EditRequest Request { get; }

        /// <summary>The tree as it was read when planned.</summary>
        internal LoadedConfig Tree { get; }

        public IReadOnlyList<FileChange> Files { get; }

        /// <summary>One sentence per setting: the line chosen (or that the value already holds) and why.</summary>
        public IReadOnlyList<string> Decisions { get; }

        /// <summary>What the user should know although the edit goes ahead: hosts that keep their own values, lines left in place.</summary>
        public IReadOnlyList<string> Warnings { get; }

        public bool HasChanges => Files.Count > 0;

        /// <summary>The unified diff of every changed file; empty when nothing would change.</summary>
        public string Diff => string.Concat(Files.Select(f => f.Diff));

        /// <summary>True when the top file itself changes (then sshd -t can judge it as a candidate before it is written).</summary>
        public bool ChangesOnlyTopFile => Files.All(f => f.Path == Request.Path);

        /// <summary>The changed lines as path:line.</summary>
        public IEnumerable<ConfigSource> ChangedLines => Files.SelectMany(f => f.ChangedLines.Select(line => new ConfigSource(f.Path, line)));
    }
}
