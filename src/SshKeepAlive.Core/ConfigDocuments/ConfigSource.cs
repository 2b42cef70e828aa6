using System;

namespace SshKeepAlive.Core.ConfigDocuments
{
    /// <summary>Where a directive was written: a file and a 1-based line number.</summary>
    public sealed class ConfigSource : IEquatable<ConfigSource>
    {
        public ConfigSource(string path, int line)
        {
            Path = path ?? throw new ArgumentNullException(nameof(path));
            Line = line;
        }

        /// <summary>The file's path as it was opened (absolute for files found through Include).</summary>
        public string Path { get; }

        /// <summary>1-based line number.</summary>
        public int Line { get; }

        public bool Equals(ConfigSource? other) => other != null && other.Line == Line && other.Path == Path;

        public override bool Equals(object? obj) => Equals(obj as ConfigSource);

        public override int GetHashCode() => unchecked((Path.GetHashCode() * 397) ^ Line);

        /// <summary>"path:line", the form compilers and OpenSSH use.</summary>
        public override string ToString() => Path + ":" + Line;
    }
}
