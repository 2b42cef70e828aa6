using System.IO;

namespace SshKeepAlive.Core.Tests.Config
{
    internal static class TestFiles
    {
        /// <summary>Writes a file, creating its folder; returns the path.</summary>
        public static string Write(string path, string text)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
            return path;
        }
    }
}
