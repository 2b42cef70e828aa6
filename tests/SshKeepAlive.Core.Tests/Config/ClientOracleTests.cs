using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Config
{
    /// <summary>Our client resolver against OpenSSH itself: ssh -G -F file host, for every corpus file and host.</summary>
    public sealed class ClientOracleTests : IClassFixture<ClientOracleTests.MaterialisedCorpus>
    {
        private readonly MaterialisedCorpus corpus;

        public ClientOracleTests(MaterialisedCorpus corpus)
        {
            this.corpus = corpus;
        }

        public static IEnumerable<object[]> Cases() =>
            ClientCorpus.ConfigFiles().SelectMany(f => ClientCorpus.Hosts(f).Select(h => new object[] { Path.GetFileName(f), h }));

        [Fact]
        public void Corpus_HasAtLeast25ClientConfigs()
        {
            Assert.True(ClientCorpus.ConfigFiles().Count() >= 25);
            Assert.Contains(ClientCorpus.AllFiles(), f => Path.GetFileName(f).StartsWith(".", StringComparison.Ordinal));
        }

        public static IEnumerable<object[]> Seeds() => Enumerable.Range(1, 60).Select(s => new object[] { s });

        [Theory]
        [MemberData(nameof(Cases))]
        public void Resolve_AgreesWithSshDashG(string file, string host)
        {
            AssertAgreesWithSsh(Path.Combine(corpus.Directory.Path, file), host);
        }

        [Theory]
        [MemberData(nameof(Seeds))]
        public void Resolve_GeneratedConfig_AgreesWithSshDashG(int seed)
        {
            var random = new Random(seed);
            using var dir = new TempDirectory();
            string path = RandomClientConfig.Write(random, dir);
            foreach (string host in RandomClientConfig.Destinations)
            {
                AssertAgreesWithSsh(path, host);
            }
        }

        private static void AssertAgreesWithSsh(string path, string host)
        {
            string file = Path.GetFileName(path);
            (int exitCode, string output, string errors) = RunSshDashG(path, host);

            ClientResolution resolution = ClientConfigResolver.LoadFile(ClientEnvironment.Current(), path).Resolve(host);

            if (exitCode != 0)
            {
                Assert.True(resolution.HasErrors, $"ssh -G refused {file} for {host}, but the resolver reported no error.");
                // ssh stops at the end of the first file with errors; we report every error, so ssh's must be among ours.
                string[] sshErrors = Regex.Matches(errors, @"^(.+?):? line (\d+):", RegexOptions.Multiline).Select(m => m.Groups[1].Value + ":" + m.Groups[2].Value).ToArray();
                string[] ourErrors = resolution.Diagnostics.Where(d => d.IsError).Select(d => d.Source!.ToString()).ToArray();
                Assert.NotEmpty(sshErrors);
                Assert.Empty(sshErrors.Except(ourErrors));
                return;
            }

            AssertSameSettings($"{file} {host}", output, resolution);
        }

        [Theory]
        [InlineData("web01")]
        [InlineData("admin@db.example.com")]
        public void Resolve_WithThisMachinesUserAndSystemConfig_AgreesWithSshDashG(string host)
        {
            (int exitCode, string output, _) = RunSshDashG(null, host);
            Assert.Equal(0, exitCode);

            ClientResolution resolution = ClientConfigResolver.Load(ClientEnvironment.Current()).Resolve(host);

            AssertSameSettings(host, output, resolution);
        }

        private static void AssertSameSettings(string what, string sshOutput, ClientResolution resolution)
        {
            Assert.False(resolution.HasErrors, string.Join("\n", resolution.Diagnostics));
            ILookup<string, string> ssh = sshOutput.Split('\n').Where(l => l.Length > 0)
                .Select(l => l.Split(new[] { ' ' }, 2)).ToLookup(p => p[0], p => p.Length > 1 ? p[1] : string.Empty);
            foreach (EffectiveSetting setting in resolution.Settings)
            {
                string name = setting.Name.ToLowerInvariant();
                if (!ssh.Contains(name))
                {
                    Assert.Equal(ClientKeyword.ChannelTimeout.Name, setting.Name); // not in every OpenSSH client
                    continue;
                }

                string[] expected = ssh[name].ToArray();
                string[] actual = setting.Name == ClientKeyword.IdentityFile.Name ? ((IEnumerable<string>)setting.Value!).ToArray() : new[] { setting.Text };
                Assert.True(expected.SequenceEqual(actual), $"{what}: {name}: ssh -G says [{string.Join(", ", expected)}], we say [{string.Join(", ", actual)}] from {setting}");
            }
        }

        // file null: ssh's own choice of files (~/.ssh/config, then /etc/ssh/ssh_config).
        private static (int ExitCode, string Output, string Errors) RunSshDashG(string? file, string host) =>
            ProcessRunner.RunWithError("ssh", file == null ? new[] { "-G", host } : new[] { "-G", "-F", file, host });

        public sealed class MaterialisedCorpus : IDisposable
        {
            public MaterialisedCorpus()
            {
                ClientCorpus.Materialise(Directory);
            }

            public TempDirectory Directory { get; } = new TempDirectory();

            public void Dispose() => Directory.Dispose();
        }
    }
}
