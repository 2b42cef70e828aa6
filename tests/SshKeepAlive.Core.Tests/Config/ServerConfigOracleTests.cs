using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.ServerConfig;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Config
{
    /// <summary>Every corpus case × connection spec: our effective values are what the installed `sshd -T -C` prints.</summary>
    public sealed class ServerConfigOracleTests
    {
        public static IEnumerable<object[]> Cases => ServerCorpus.CasesWithSpecs();

        [SshdOracleTheory]
        [MemberData(nameof(Cases))]
        public void Resolve_AgreesWithSshdForEveryReportedKeyword(string corpusCase, string spec)
        {
            using var dir = new TempDirectory();
            string config = ServerCorpus.Materialize(corpusCase, dir);
            SshdOutput sshd = SshdOracle.Run(config, spec.Length == 0 ? null : spec);
            Assert.True(sshd.ExitCode == 0, $"sshd -T refused {corpusCase}: {sshd.Error}");

            ServerResolution ours = ServerConfigResolver.Load(config, dir.Path).Resolve(spec.Length == 0 ? null : ServerConnection.Parse(spec));

            Assert.Empty(ours.Diagnostics);
            var expected = ours.Settings.ToDictionary(s => s.Name, s => SshdText(sshd[s.Name]));
            var actual = ours.Settings.ToDictionary(s => s.Name, s => s.Text);
            Assert.Equal(expected, actual);
        }

        [SshdOracleTheory]
        [MemberData(nameof(Cases))]
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

        // sshd prints nothing for an unset ChannelTimeout and "none" for other unset values.
        private static string SshdText(string? printed) => printed ?? "none";
    }
}
