using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace SshKeepAlive.Core.Platform
{
    /// <summary>
    /// The files of one machine, as the config, shell and kernel readers see them: what a path names, its bytes, a
    /// folder's entries, a file's owner and mode. <see cref="LocalFileSystem"/> is this machine; <see cref="RemoteFileSystem"/>
    /// a server reached over SSH, so the document model and the resolvers read either the same way.
    /// </summary>
    public interface IReadOnlyFileSystem
    {
        /// <summary>What <paramref name="path"/> names, symbolic links followed (<see cref="FileKind.Missing"/>: nothing, or a dangling link).</summary>
        FileKind KindOf(string path);

        /// <summary>The file's bytes.</summary>
        /// <exception cref="FileNotFoundException">Nothing is there.</exception>
        /// <exception cref="UnauthorizedAccessException">It exists but cannot be read (or is a folder).</exception>
        /// <exception cref="IOException">Reading failed otherwise.</exception>
        byte[] ReadAllBytes(string path);

        /// <summary>The names in a folder (without . and ..), in no particular order; none when it is missing or cannot be listed.</summary>
        IReadOnlyList<string> EntriesOf(string directory);

        /// <summary>Owner, group and mode (symbolic links followed); null when nothing is there or the system has none (Windows).</summary>
        UnixFileInfo? Stat(string path);
    }

    /// <summary>Questions every reader asks of an <see cref="IReadOnlyFileSystem"/>.</summary>
    public static class FileSystemExtensions
    {
        public static bool FileExists(this IReadOnlyFileSystem files, string path) => files.KindOf(path) == FileKind.Regular;

        public static bool DirectoryExists(this IReadOnlyFileSystem files, string path) => files.KindOf(path) == FileKind.Directory;

        /// <summary>The file as UTF-8 text (a byte order mark dropped), as File.ReadAllText reads it.</summary>
        public static string ReadAllText(this IReadOnlyFileSystem files, string path)
        {
            using var reader = new StreamReader(new MemoryStream(files.ReadAllBytes(path)), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }

        /// <summary>The file's lines, as File.ReadAllLines reads them.</summary>
        public static IReadOnlyList<string> ReadAllLines(this IReadOnlyFileSystem files, string path)
        {
            using var reader = new StringReader(files.ReadAllText(path));
            var lines = new List<string>();
            for (string? line = reader.ReadLine(); line != null; line = reader.ReadLine())
            {
                lines.Add(line);
            }

            return lines;
        }

        /// <summary>The regular files of a folder, as full paths in byte order.</summary>
        public static IEnumerable<string> FilesOf(this IReadOnlyFileSystem files, string directory) =>
            files.EntriesOf(directory)
                .OrderBy(name => name, StringComparer.Ordinal)
                .Select(name => JoinPath(directory, name))
                .Where(files.FileExists);

        /// <summary>A folder and a name joined with the folder's own separator ('/' for a POSIX path, also on Windows).</summary>
        public static string JoinPath(string directory, string name) =>
            directory.StartsWith("/", StringComparison.Ordinal)
                ? directory.TrimEnd('/') + "/" + name
                : Path.Combine(directory, name);
    }

    /// <summary>This machine's files, as this process may read them.</summary>
    public sealed class LocalFileSystem : IReadOnlyFileSystem
    {
        public static LocalFileSystem Instance { get; } = new LocalFileSystem();

        public FileKind KindOf(string path) => UnixFileSystem.KindOf(path);

        public byte[] ReadAllBytes(string path) => File.ReadAllBytes(path);

        public IReadOnlyList<string> EntriesOf(string directory)
        {
            try
            {
                return Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).Where(n => !string.IsNullOrEmpty(n)).Select(n => n!).ToList();
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return Array.Empty<string>();
            }
        }

        public UnixFileInfo? Stat(string path) => UnixFileSystem.IsUnix ? UnixFileSystem.TryStat(path, followLinks: true) : null;
    }
}
