using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Editing;
using SshKeepAlive.Core.Tests.Config;
using SshKeepAlive.Testing;
using Xunit;
using static SshKeepAlive.Core.Tests.Editing.EditFixture;

namespace SshKeepAlive.Core.Tests.Editing
{
    /// <summary>
    /// Seeded random sshd configs with a drop-in folder × random keepalive edits: effective per sshd -T, or refused
    /// with the editor's own exception and no byte changed; lines of other keywords never change.
    /// </summary>
    public sealed class ServerEditFuzzTests
    {
        private static readonly string[] Keywords = { "ClientAliveInterval", "ClientAliveCountMax", "TCPKeepAlive" };

        public static IEnumerable<object[]> SeedsPerRelease() =>
            SshKeepAlive.Testing.Testbed.Suites.SelectMany(suite => Enumerable.Range(11, 3).Select(seed => new object[] { suite, seed }));

        [SshdOracleTheory]
        [MemberData(nameof(SeedsPerRelease))]
        public void RandomEdits_OfRandomServerConfigs_AreEffectiveOrRefused(string suite, int seed)
        {
            var random = new Random(seed);
            int made = 0;
            for (int round = 0; round < 30; round++)
            {
                using var dir = new TempDirectory();
                Directory.CreateDirectory(Path.Combine(dir.Path, "sshd_config.d"));
                string dropIn = Path.Combine(dir.Path, "sshd_config.d", "50-random.conf");
                File.WriteAllText(dropIn, RandomConfig(random, allowMatch: false));
                string main = Path.Combine(dir.Path, "sshd_config");
                string include = random.Next(2) == 0 ? $"Include {dir.Path}/sshd_config.d/*.conf\n" : string.Empty;
                File.WriteAllText(main, include + RandomConfig(random, allowMatch: true));
                string originalMain = File.ReadAllText(main);
                string originalDropIn = File.ReadAllText(dropIn);
                var changes = TimeoutChanges.KeepAlive(EditScope.Server, random.Next(0, 300).ToString(), random.Next(0, 10), random.Next(2) == 0);

                EditResult result;
                try
                {
                    result = Editor.Apply(
                        new EditRequest(EditScope.Server, main, IncludeRules.ForServerConfig(dir.Path, dir.Path), "*", changes, createIfMissing: false),
                        new ApplyOptions { NoBackup = true });
                }
                catch (ConfigEditException)
                {
                    Assert.Equal(originalMain, File.ReadAllText(main));
                    Assert.Equal(originalDropIn, File.ReadAllText(dropIn));
                    continue;
                }

                made++;
                SshdOutput sshd = SshdOracle.Run(main, null, suite);
                Assert.True(sshd.ExitCode == 0, sshd.Error);
                foreach (SettingChange change in changes)
                {
                    Assert.True(
                        change.IsHeldBy(ConfigDocument.Parse(change.Keyword + " " + sshd[change.Keyword], "sshd -T").Lines[0]),
                        $"{suite} seed {seed} round {round}: {change} not effective (sshd -T: {sshd[change.Keyword]}):\n{File.ReadAllText(main)}\n--- drop-in\n{File.ReadAllText(dropIn)}");
                }

                AssertOtherKeywordsKept(originalMain, File.ReadAllText(main));
                AssertOtherKeywordsKept(originalDropIn, File.ReadAllText(dropIn));
            }

            Assert.True(made >= 10, $"only {made} of 30 edits were made");
        }

        private static string RandomConfig(Random random, bool allowMatch)
        {
            var text = new StringBuilder();
            int lines = random.Next(0, 10);
            bool inMatch = false;
            for (int i = 0; i < lines; i++)
            {
                int kind = random.Next(10);
                if (kind == 0)
                {
                    text.Append("# note ").Append(i);
                }
                else if (kind == 1)
                {
                    text.Append(string.Empty);
                }
                else if (kind == 2 && allowMatch)
                {
                    text.Append(random.Next(3) switch { 0 => "Match User backup", 1 => "Match Address 198.18.0.0/16", _ => "Match all" });
                    inMatch = true;
                }
                else if (kind == 3)
                {
                    text.Append(inMatch ? "  " : string.Empty).Append("X11Forwarding no");
                }
                else
                {
                    string keyword = Keywords[random.Next(Keywords.Length)];
                    string value = keyword == "TCPKeepAlive" ? (random.Next(2) == 0 ? "yes" : "no") : random.Next(0, 500).ToString();
                    text.Append(inMatch ? "  " : string.Empty).Append(keyword).Append(random.Next(3) == 0 ? "=" : " ").Append(value);
                }

                text.Append('\n');
            }

            return text.ToString();
        }

        // Lines not of an edited keyword keep their order and bytes.
        private static void AssertOtherKeywordsKept(string original, string edited)
        {
            bool IsOther(string line) => !Keywords.Any(k => line.TrimStart().StartsWith(k, StringComparison.OrdinalIgnoreCase));
            Assert.Equal(original.Split('\n').Where(IsOther), edited.Split('\n').Where(IsOther));
        }
    }
}
