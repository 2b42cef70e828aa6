using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SshKeepAlive.Core.Config;
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

            ServerConfigResolution ours = ServerConfigResolver.Resolve(config, spec.Length == 0 ? null : ServerConnection.Parse(spec), systemDirectory: dir.Path);

            Assert.Empty(ours.Diagnostics);
            var expected = ours.Settings.ToDictionary(s => s.Name, s => SshdText(sshd[s.Name]));
            var actual = ours.Settings.ToDictionary(s => s.Name, s => AsSshdPrintsIt(s.Value));
            Assert.Equal(expected, actual);
        }

        [SshdOracleTheory]
        [MemberData(nameof(Cases))]
        public void Resolve_SourceOfEachSetValueIsALineSettingThatKeyword(string corpusCase, string spec)
        {
            using var dir = new TempDirectory();
            string config = ServerCorpus.Materialize(corpusCase, dir);

            ServerConfigResolution ours = ServerConfigResolver.Resolve(config, spec.Length == 0 ? null : ServerConnection.Parse(spec), systemDirectory: dir.Path);

            foreach (EffectiveSetting setting in ours.Settings.Where(s => !s.IsDefault))
            {
                ConfigLine line = ConfigDocument.Load(setting.Source!.Path).GetLine(setting.Source.Line);
                Assert.True(line.IsKeyword(setting.Name), $"{setting} points at '{line.Text}'");
                Assert.Equal(line.ArgumentText, setting.RawValue);
            }
        }

        // sshd prints nothing for an unset ChannelTimeout and "none" for other unset values.
        private static string SshdText(string? printed) => printed ?? "none";

        private static string AsSshdPrintsIt(object? value) => value switch
        {
            null => "none",
            bool flag => flag ? "yes" : "no",
            int number => number.ToString(CultureInfo.InvariantCulture),
            _ => value.ToString()!,
        };
    }
}
