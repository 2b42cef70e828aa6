using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using SshKeepAlive.Testing;

namespace SshKeepAlive.Core.Tests.Config
{
    /// <summary>
    /// The client config corpus (Config/Corpus/client, copied to the test output). Each top-level *.conf names
    /// the destinations to try in a "# hosts:" first line; "@CORPUS@" in Include lines stands for the folder
    /// the corpus is materialised in, because ssh -F resolves relative Includes under ~/.ssh.
    /// </summary>
    internal static class ClientCorpus
    {
        public static string SourceDirectory => Path.Combine(AppContext.BaseDirectory, "Config", "Corpus", "client");

        public static IEnumerable<string> ConfigFiles() =>
            Directory.GetFiles(SourceDirectory, "*.conf").OrderBy(p => p, StringComparer.Ordinal);

        public static IEnumerable<string> AllFiles() =>
            Directory.GetFiles(SourceDirectory, "*", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal);

        public static IReadOnlyList<string> Hosts(string file)
        {
            string first = File.ReadLines(file).First();
            Match match = Regex.Match(first, "^# hosts: (.*)$");
            if (!match.Success)
            {
                throw new InvalidDataException(file + " lacks a '# hosts:' first line.");
            }

            return Regex.Matches(match.Groups[1].Value, "'[^']*'|\\S+").Select(m => m.Value.Trim('\'')).ToList();
        }

        /// <summary>Copies the corpus into <paramref name="target"/> with @CORPUS@ replaced by that folder.</summary>
        public static void Materialise(TempDirectory target)
        {
            foreach (string file in AllFiles())
            {
                string relative = Path.GetRelativePath(SourceDirectory, file);
                string destination = Path.Combine(target.Path, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                byte[] bytes = File.ReadAllBytes(file);
                string text = Encoding.UTF8.GetString(bytes);
                File.WriteAllBytes(destination, text.Contains("@CORPUS@") ? Encoding.UTF8.GetBytes(text.Replace("@CORPUS@", target.Path)) : bytes);
            }
        }
    }
}
