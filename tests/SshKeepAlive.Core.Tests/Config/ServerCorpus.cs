using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SshKeepAlive.Testing;

namespace SshKeepAlive.Core.Tests.Config
{
    /// <summary>
    /// The sshd_config corpus under Config/Corpus/server: one folder per case holding sshd_config (and any files
    /// it includes). Lines "# oracle-spec: ..." name the sshd -C connection specs to resolve it for; an empty spec
    /// means no -C at all. "@CORPUS@" stands for the case folder's path, because sshd resolves relative Includes
    /// against its compiled-in /etc/ssh, so the corpus can only include by absolute path.
    /// </summary>
    internal static class ServerCorpus
    {
        private const string SpecPrefix = "# oracle-spec:";

        private static string Root => Path.Combine(AppContext.BaseDirectory, "Config", "Corpus", "server");

        public static IEnumerable<string> Cases() => Directory.GetDirectories(Root).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal)!;

        /// <summary>Every case with each of its specs ("" for no -C).</summary>
        public static IEnumerable<object[]> CasesWithSpecs() =>
            from name in Cases()
            from spec in Specs(name)
            select new object[] { name, spec };

        /// <summary>Every file of every case, as (case, path relative to the case folder).</summary>
        public static IEnumerable<object[]> Files() =>
            from name in Cases()
            let folder = Path.Combine(Root, name)
            from file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal)
            select new object[] { name, Path.GetRelativePath(folder, file) };

        /// <summary>Copies a case into <paramref name="into"/> with @CORPUS@ replaced; returns the sshd_config path.</summary>
        public static string Materialize(string name, TempDirectory into)
        {
            string source = Path.Combine(Root, name);
            foreach (string file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
            {
                string target = Path.Combine(into.Path, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                byte[] bytes = File.ReadAllBytes(file);
                File.WriteAllBytes(target, ReplaceAscii(bytes, "@CORPUS@", into.Path));
            }

            return Path.Combine(into.Path, "sshd_config");
        }

        private static IEnumerable<string> Specs(string name) =>
            File.ReadAllLines(Path.Combine(Root, name, "sshd_config"))
                .Select(l => l.TrimEnd('\r'))
                .Where(l => l.StartsWith(SpecPrefix, StringComparison.Ordinal))
                .Select(l => l.Substring(SpecPrefix.Length).Trim());

        // Byte-level replace keeps CRLF and any other bytes of the case exactly as written.
        private static byte[] ReplaceAscii(byte[] bytes, string placeholder, string replacement)
        {
            byte[] from = System.Text.Encoding.ASCII.GetBytes(placeholder);
            byte[] to = System.Text.Encoding.UTF8.GetBytes(replacement);
            var result = new List<byte>(bytes.Length);
            for (int i = 0; i < bytes.Length; i++)
            {
                if (i + from.Length <= bytes.Length && bytes.AsSpan(i, from.Length).SequenceEqual(from))
                {
                    result.AddRange(to);
                    i += from.Length - 1;
                }
                else
                {
                    result.Add(bytes[i]);
                }
            }

            return result.ToArray();
        }
    }
}
