using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.ServerConfig;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Config
{
    /// <summary>
    /// Every corpus case × connection spec × OpenSSH release of the matrix: our effective values are what that
    /// release's `sshd -T -C` prints, the resolver following that release; where the release refuses the file, so do we.
    /// </summary>
    public sealed class ServerConfigOracleTests
    {
        public static IEnumerable<object[]> Cases =>
            SshKeepAlive.Testing.Testbed.Suites.SelectMany(suite => ServerCorpus.CasesWithSpecs().Select(c => new object[] { suite }.Concat(c).ToArray()));

        [SshdOracleTheory]
        [MemberData(nameof(Cases))]
        public void Resolve_AgreesWithSshdForEveryReportedKeyword(string suite, string corpusCase, string spec)
        {
            using var dir = new TempDirectory();
            string config = ServerCorpus.Materialize(corpusCase, dir);
            SshdOutput sshd = SshdOracle.Run(config, spec.Length == 0 ? null : spec, suite);
            var version = OpenSshVersion.Parse(TestbedTools.For(suite).OpenSshVersion);

            ServerResolution ours = ServerConfigResolver.Load(config, dir.Path, version: version).Resolve(spec.Length == 0 ? null : ServerConnection.Parse(spec));

            if (sshd.ExitCode != 0)
            {
                // A keyword this release does not know (ChannelTimeout before 9.2): it refuses the file, and so do we, at that line.
                Assert.Contains("Bad configuration option", sshd.Error);
                Assert.Contains(ours.Diagnostics, d => d.IsError && sshd.Error.Contains($"{d.Source!.Path}: line {d.Source.Line}: Bad configuration option"));
                return;
            }

            Assert.Empty(ours.Diagnostics);
            var expected = ours.Settings.ToDictionary(s => s.Name, s => SshdText(sshd[s.Name]));
            var actual = ours.Settings.ToDictionary(s => s.Name, s => s.Text);
            Assert.Equal(expected, actual);
        }

        [Theory]
        [MemberData(nameof(CasesWithSpecs))]
        public void Resolve_SourceOfEachSetValueIsALineSettingThatKeyword(string corpusCase, string spec)
        {
            using var dir = new TempDirectory();
            string config = ServerCorpus.Materialize(corpusCase, dir);

            ServerResolution ours = ServerConfigResolver.Load(config, dir.Path).Resolve(spec.Length == 0 ? null : ServerConnection.Parse(spec));

            foreach (EffectiveSetting setting in ours.Settings.Where(s => !s.IsDefault))
            {
                ConfigLine line = ConfigDocument.Load(setting.Source!.Path).GetLine(setting.Source.Line);
                Assert.True(ServerKeywords.Find(line.Keyword!)?.Name == setting.Name, $"{setting} points at '{line.Text}'");
                Assert.Equal(line.ArgumentText, setting.RawText);
            }
        }

        [Theory]
        [MemberData(nameof(CorpusFiles))]
        public void Parse_EveryCorpusFile_WritesBackByteIdentical(string corpusCase, string relativePath)
        {
            using var dir = new TempDirectory();
            ServerCorpus.Materialize(corpusCase, dir);
            string path = System.IO.Path.Combine(dir.Path, relativePath);
            byte[] original = System.IO.File.ReadAllBytes(path);

            Assert.Equal(original, ConfigDocument.Parse(original, path).ToBytes());
        }

        public static IEnumerable<object[]> CorpusFiles => ServerCorpus.Files();

        public static IEnumerable<object[]> CasesWithSpecs => ServerCorpus.CasesWithSpecs();

        // sshd prints nothing for an unset ChannelTimeout and "none" for other unset values.
        private static string SshdText(string? printed) => printed ?? "none";
    }
}
