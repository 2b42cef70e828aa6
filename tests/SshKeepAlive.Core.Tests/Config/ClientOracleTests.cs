using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Config
{
    /// <summary>
    /// Our client resolver against OpenSSH itself: ssh -G -F file host, for every corpus file and host, with the ssh
    /// of every release in the matrix (run in its testbed tools container), the resolver following that release.
    /// </summary>
    public sealed class ClientOracleTests : IClassFixture<ClientOracleTests.MaterialisedCorpus>
    {
        private readonly MaterialisedCorpus corpus;

        public ClientOracleTests(MaterialisedCorpus corpus)
        {
            this.corpus = corpus;
        }

        public static IEnumerable<object[]> Cases() =>
            SshKeepAlive.Testing.Testbed.Suites.SelectMany(suite =>
                ClientCorpus.ConfigFiles().SelectMany(f => ClientCorpus.Hosts(f).Select(h => new object[] { suite, Path.GetFileName(f), h })));

        [Fact]
        public void Corpus_HasAtLeast25ClientConfigs()
        {
            Assert.True(ClientCorpus.ConfigFiles().Count() >= 25);
            Assert.Contains(ClientCorpus.AllFiles(), f => Path.GetFileName(f).StartsWith(".", StringComparison.Ordinal));
        }

        public static IEnumerable<object[]> Seeds() =>
            SshKeepAlive.Testing.Testbed.Suites.SelectMany(suite => Enumerable.Range(1, 60).Select(s => new object[] { suite, s }));

        [SshdOracleTheory]
        [MemberData(nameof(Cases))]
        public void Resolve_AgreesWithSshDashG(string suite, string file, string host)
        {
            AssertAgreesWithSsh(TestbedTools.For(suite), Path.Combine(corpus.Directory.Path, file), host);
        }

        [SshdOracleTheory]
        [MemberData(nameof(Seeds))]
        public void Resolve_GeneratedConfig_AgreesWithSshDashG(string suite, int seed)
        {
            var random = new Random(seed);
            using var dir = new TempDirectory();
            string path = RandomClientConfig.Write(random, dir);
            foreach (string host in RandomClientConfig.Destinations)
            {
                AssertAgreesWithSsh(TestbedTools.For(suite), path, host);
            }
        }

        private static void AssertAgreesWithSsh(TestbedTools ssh, string path, string host)
        {
            string file = Path.GetFileName(path);
            (int exitCode, string output, string errors) = RunSshDashG(ssh.Ssh, path, host);
            ClientEnvironment environment = ClientEnvironment.Current();
            environment.OpenSshVersion = OpenSshVersion.Parse(ssh.OpenSshVersion);

            ClientResolution resolution = ClientConfigResolver.LoadFile(environment, path).Resolve(host);

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

            AssertSameSettings($"{file} {host} (OpenSSH {ssh.OpenSshVersion})", output, resolution, environment.OpenSshVersion);
        }

        [Theory]
        [InlineData("web01")]
        [InlineData("admin@db.example.com")]
        public void Resolve_WithThisMachinesUserAndSystemConfig_AgreesWithSshDashG(string host)
        {
            (int exitCode, string output, _) = RunSshDashG("ssh", null, host);
            Assert.Equal(0, exitCode);

            ClientEnvironment environment = ClientEnvironment.Current();
            environment.OpenSshVersion = OpenSshVersion.OfProgram("ssh");
            ClientResolution resolution = ClientConfigResolver.Load(environment).Resolve(host);

            AssertSameSettings(host, output, resolution, environment.OpenSshVersion);
        }

        private static void AssertSameSettings(string what, string sshOutput, ClientResolution resolution, OpenSshVersion? version)
        {
            Assert.False(resolution.HasErrors, string.Join("\n", resolution.Diagnostics));
            ILookup<string, string> ssh = sshOutput.Split('\n').Where(l => l.Length > 0)
                .Select(l => l.Split(new[] { ' ' }, 2)).ToLookup(p => p[0], p => p.Length > 1 ? p[1] : string.Empty);
            foreach (EffectiveSetting setting in resolution.Settings)
            {
                string name = setting.Name.ToLowerInvariant();
                if (!ssh.Contains(name))
                {
                    // A keyword this ssh does not have (ChannelTimeout before 9.6): reported as its default, "none".
                    Assert.False(OpenSshReleases.AcceptsKeyword(OpenSshProgram.Client, setting.Name, version), $"{what}: ssh -G prints no {name}");
                    Assert.True(setting.IsDefault, $"{what}: {setting}");
                    continue;
                }

                string[] expected = ssh[name].ToArray();
                string[] actual = setting.Name == ClientKeyword.IdentityFile.Name ? ((IEnumerable<string>)setting.Value!).ToArray() : new[] { setting.Text };
                Assert.True(expected.SequenceEqual(actual), $"{what}: {name}: ssh -G says [{string.Join(", ", expected)}], we say [{string.Join(", ", actual)}] from {setting}");
            }
        }

        // file null: ssh's own choice of files (~/.ssh/config, then /etc/ssh/ssh_config).
        private static (int ExitCode, string Output, string Errors) RunSshDashG(string ssh, string? file, string host) =>
            ProcessRunner.RunWithError(ssh, file == null ? new[] { "-G", host } : new[] { "-G", "-F", file, host });

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
