using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Config
{
    /// <summary>
    /// A tree edited from one already compiled keeps what was compiled for the lines the edit kept: its
    /// resolutions must be exactly those of the edited tree compiled afresh.
    /// </summary>
    public sealed class EditedTreeResolutionTests
    {
        public static IEnumerable<object[]> Seeds => Enumerable.Range(0, 150).Select(i => new object[] { i });

        [Theory]
        [MemberData(nameof(Seeds))]
        public void Resolve_OfAnEditedTree_AgreesWithTheTreeCompiledAfresh(int seed)
        {
            using var dir = new TempDirectory();
            var random = new Random(seed);
            string path = RandomClientConfig.Write(random, dir);
            var environment = new ClientEnvironment(dir.Path, "alice", path, Path.Combine(dir.Path, "etc", "ssh_config"), Path.Combine(dir.Path, "etc"));
            LoadedConfig tree = LoadedConfig.Load(path, IncludeRules.ForUserClientConfig(dir.Path));
            var original = ClientConfigResolver.ForLoaded(environment, tree);

            // A file included several times is read as several documents; one edit of it stands for all.
            var edited = tree.AllFiles().GroupBy(f => f.Document.Path).Select(g => g.First().Document).Where(_ => random.Next(3) > 0)
                .ToDictionary(d => d.Path, d => d.Edit(RandomEdits(random, d), out _));
            LoadedConfig editedTree = tree.WithDocuments(edited);
            var kept = ClientConfigResolver.ForEdit(original, editedTree);
            var fresh = ClientConfigResolver.ForLoaded(environment, editedTree);

            foreach (string destination in RandomClientConfig.Destinations.Concat(new[] { "other" }))
            {
                Assert.Equal(Describe(fresh.Resolve(destination)), Describe(kept.Resolve(destination)));
            }
        }

        // Inserts, replacements and removals anywhere but on Include lines (an edit keeps the tree's shape).
        private static IReadOnlyList<LineEdit> RandomEdits(Random random, ConfigDocument document)
        {
            var edits = new List<LineEdit>();
            var changed = new HashSet<int>();
            for (int i = random.Next(1, 5); i > 0; i--)
            {
                int number = random.Next(1, document.Lines.Count + 2);
                if (number > document.Lines.Count || random.Next(3) == 0)
                {
                    edits.Add(LineEdit.Insert(number, Enumerable.Range(0, random.Next(1, 4)).Select(_ => RandomClientConfig.Line(random)).ToList()));
                    continue;
                }

                ConfigLine line = document.GetLine(number);
                if (line.IsInclude || !changed.Add(number))
                {
                    continue;
                }

                edits.Add(line.IsDirective && random.Next(2) == 0
                    ? LineEdit.Replace(number, new[] { "%h.edited", "x" }.Take(random.Next(1, 3)).ToList())
                    : LineEdit.Remove(number));
            }

            return edits;
        }

        private static string Describe(ClientResolution resolution) =>
            string.Join("\n", resolution.Settings.Select(s => $"{s.Name}={s.Text} from {string.Join(",", s.Sources)}")
                .Concat(resolution.Diagnostics.Select(d => d.ToString())));
    }
}
