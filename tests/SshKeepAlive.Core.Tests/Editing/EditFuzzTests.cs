using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Editing;
using SshKeepAlive.Testing;
using Xunit;
using static SshKeepAlive.Core.Tests.Editing.EditFixture;

namespace SshKeepAlive.Core.Tests.Editing
{
    /// <summary>
    /// Seeded random client configs × random edits: the editor either refuses with its own exception or makes an
    /// edit that ssh -G confirms, and no line other than one of the edited keywords ever changes or moves.
    /// </summary>
    public sealed class EditFuzzTests
    {
        private static readonly string[] Hosts = { "*", "web01", "db1", "web02" };
        private static readonly string[] Patterns = { "*", "web01", "web*", "db?", "* !web01", "web01 db1" };
        private static readonly string[] Separators = { " ", "=", " = ", "\t", "  " };
        private static readonly string[] Indents = { string.Empty, "  ", "    ", "\t" };
        private static readonly string[] Keywords = { "ServerAliveInterval", "ServerAliveCountMax", "TCPKeepAlive" };

        public static IEnumerable<object[]> SeedsPerRelease() =>
            SshKeepAlive.Testing.Testbed.Suites.SelectMany(suite => Enumerable.Range(1, 4).Select(seed => new object[] { suite, seed }));

        [SshKeepAlive.Core.Tests.Config.SshdOracleTheory]
        [MemberData(nameof(SeedsPerRelease))]
        public void RandomEdits_OfRandomConfigs_AreEffectiveOrRefused_AndTouchNothingElse(string suite, int seed)
        {
            var random = new Random(seed);
            using var fx = new EditFixture();
            int made = 0;
            int refusedByRelease = 0;
            for (int round = 0; round < 60; round++)
            {
                bool crlf = random.Next(6) == 0;
                string original = RandomConfig(random, crlf ? "\r\n" : "\n");
                string path = fx.Write("config", original);
                string host = Hosts[random.Next(Hosts.Length)];
                bool removal = random.Next(4) == 0;
                SettingChange[] changes = removal ? TimeoutChanges.KeepAliveRemoval(EditScope.Client).ToArray() : RandomChanges(random);

                EditResult result;
                try
                {
                    result = EditorFor(suite).Apply(fx.ClientRequest(path, host, changes), new ApplyOptions { NoBackup = true });
                }
                catch (ConfigEditException)
                {
                    Assert.Equal(original, File.ReadAllText(path));
                    // A file this release's ssh refuses itself (8.4 and a comment after the arguments) is no fair test.
                    if (ProcessRunner.Run(TimeSpan.FromSeconds(30), TestbedTools.For(suite).Ssh, "-G", "-F", path, host == "*" ? "sshka-probe" : host).ExitCode != 0)
                    {
                        refusedByRelease++;
                    }

                    continue;
                }

                made++;
                string edited = File.ReadAllText(path);
                AssertOnlyEditedKeywordsChanged(original, edited, result, removal ? host : null);
                if (!crlf && !removal)
                {
                    string probe = host == "*" ? "sshka-probe" : host;
                    foreach (SettingChange change in changes)
                    {
                        Assert.True(
                            change.IsHeldBy(Line(change.Keyword + " " + SshG(path, probe, change.Keyword, suite))),
                            $"{suite} seed {seed} round {round}: {change} for {host} not effective:\n--- before\n{original}\n--- after\n{edited}");
                    }
                }
            }

            // Refusals are allowed, but they must stay the exception, or the test proves little.
            Assert.True(made >= 40 - refusedByRelease, $"only {made} of 60 edits were made ({refusedByRelease} configs {suite}'s ssh refuses itself)");
        }

        private static ConfigLine Line(string text) =>
            ConfigDocument.Parse(text, "ssh -G").Lines[0];

        private static SettingChange[] RandomChanges(Random random)
        {
            var changes = new List<SettingChange>();
            if (random.Next(3) > 0)
            {
                changes.Add(Interval(random.Next(0, 200)));
            }

            if (random.Next(2) == 0)
            {
                changes.Add(CountMax(random.Next(0, 10)));
            }

            if (changes.Count == 0 || random.Next(3) == 0)
            {
                changes.Add(SettingChange.Set("TCPKeepAlive", SettingKind.Flag, random.Next(2) == 0 ? "yes" : "no"));
            }

            return changes.ToArray();
        }

        private static string RandomConfig(Random random, string newLine)
        {
            var text = new StringBuilder();
            string indent = Indents[random.Next(Indents.Length)];
            string separator = Separators[random.Next(Separators.Length)];
            int lines = random.Next(0, 14);
            bool inBlock = false;
            for (int i = 0; i < lines; i++)
            {
                switch (random.Next(10))
                {
                    case 0:
                        text.Append("# comment ").Append(i);
                        break;
                    case 1:
                        break;
                    case 2:
                    case 3:
                        text.Append("Host").Append(separator).Append(Patterns[random.Next(Patterns.Length)]);
                        inBlock = true;
                        break;
                    case 4:
                        text.Append(random.Next(3) switch { 0 => "Match all", 1 => "Match host web*,db1", _ => "Match exec \"exit 1\"" });
                        inBlock = true;
                        break;
                    case 5:
                        text.Append(inBlock ? indent : string.Empty).Append("User").Append(separator).Append("u").Append(i);
                        break;
                    default:
                        string keyword = Keywords[random.Next(Keywords.Length)];
                        string value = keyword == "TCPKeepAlive" ? (random.Next(2) == 0 ? "yes" : "no") : random.Next(0, 120).ToString();
                        text.Append(inBlock ? indent : string.Empty).Append(random.Next(4) == 0 ? keyword.ToLowerInvariant() : keyword).Append(separator).Append(value);
                        if (random.Next(5) == 0)
                        {
                            text.Append(" # why");
                        }

                        break;
                }

                if (i < lines - 1 || random.Next(4) > 0)
                {
                    text.Append(newLine);
                }
            }

            return text.ToString();
        }

        // Every original line is still there in order, byte for byte, except lines of an edited keyword
        // (changed in place or removed) and, after a removal, the header of a block of the host's own it emptied;
        // every line the result calls changed is new or an edited keyword's. Line endings are compared apart: a
        // last line without one gains one when lines are appended.
        private static void AssertOnlyEditedKeywordsChanged(string original, string edited, EditResult result, string? removedFor)
        {
            string[] before = original.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
            var changed = new HashSet<int>(result.ChangedLines.Select(l => int.Parse(l.Substring(l.LastIndexOf(':') + 1))));
            string[] kept = edited.Split('\n').Where((_, i) => !changed.Contains(i + 1)).Select(l => l.TrimEnd('\r')).ToArray();
            int k = 0;
            foreach (string line in before)
            {
                if (k < kept.Length && kept[k] == line)
                {
                    k++;
                }
                else
                {
                    bool emptiedOwnHeader = removedFor != null && ConfigDocument.Parse(line, "l").Lines.Count == 1 &&
                        ConfigDocument.Parse(line, "l").Lines[0] is ConfigLine header && header.IsKeyword("Host") && header.Arguments.SequenceEqual(new[] { removedFor });
                    Assert.True(
                        Keywords.Any(w => line.TrimStart().StartsWith(w, StringComparison.OrdinalIgnoreCase)) || line.Trim().Length == 0 || emptiedOwnHeader,
                        $"line '{line}' changed or moved:\n--- before\n{original}\n--- after\n{edited}");
                }
            }

            Assert.True(k == kept.Length, $"a line appeared that the result does not report ({string.Join(",", changed)}):\n--- before\n{original.Replace("\n", "\\n")}\n--- after\n{edited.Replace("\n", "\\n")}");
        }
    }
}
