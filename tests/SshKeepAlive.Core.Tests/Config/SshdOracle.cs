using System;
using System.Collections.Generic;
using System.IO;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Config
{
    /// <summary>
    /// Runs `sshd -T -f file -C spec` of a Debian release's OpenSSH (inside that release's testbed tools
    /// container, on this machine's files: nothing here depends on this machine's sshd, its /run/sshd or its
    /// accounts) and reads what it prints: one lowercase keyword and its effective value per line, times in
    /// seconds. sshd -T needs root and a host key; the key is generated once per test run into a temp folder and
    /// passed with -h, so corpus files need no HostKey line. -C takes any of user=, host=, addr=, laddr=, lport=,
    /// rdomain=; every field is optional, but a config with "Match LocalPort" makes sshd refuse a spec without
    /// lport= (and plain -T too).
    /// </summary>
    internal static class SshdOracle
    {
        private static readonly Lazy<string> HostKey = new Lazy<string>(GenerateHostKey);

        /// <summary>Why to skip an oracle test: the tools containers need what the testbed needs (root, podman).</summary>
        public static string? SkipReason => SshKeepAlive.Testing.Testbed.SkipReason;

        /// <summary>The sshd of <paramref name="suite"/> as a daemon to validate edits with (sshd -t); nothing runs under its PidFile.</summary>
        public static Core.Server.SshdDaemon Daemon(TempDirectory directory, string suite = SshKeepAlive.Testing.Testbed.DefaultSuite) =>
            new Core.Server.SshdDaemon(TestbedTools.For(suite).Sshd, directory.File("sshd.pid"));

        /// <summary>Runs sshd -T of <paramref name="suite"/>; on failure returns its exit code and standard error instead of settings.</summary>
        public static SshdOutput Run(string configPath, string? connectionSpec, string suite = SshKeepAlive.Testing.Testbed.DefaultSuite)
        {
            var arguments = new List<string> { "-T", "-f", configPath, "-h", HostKey.Value };
            if (connectionSpec != null)
            {
                arguments.Add("-C");
                arguments.Add(connectionSpec);
            }

            (int exitCode, string output, string error) = ProcessRunner.RunWithError(TestbedTools.For(suite).Sshd, arguments.ToArray());
            var settings = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string line in output.Split('\n'))
            {
                int space = line.IndexOf(' ');
                if (space > 0 && !settings.ContainsKey(line.Substring(0, space)))
                {
                    settings.Add(line.Substring(0, space), line.Substring(space + 1));
                }
            }

            return new SshdOutput(exitCode, settings, error);
        }

        private static string GenerateHostKey()
        {
            string directory = Path.Combine(Path.GetTempPath(), "sshka-oracle-hostkey-" + Environment.ProcessId);
            Directory.CreateDirectory(directory);
            string key = Path.Combine(directory, "ssh_host_ed25519_key");
            if (!File.Exists(key))
            {
                (int exitCode, string _, string error) = ProcessRunner.RunWithError("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key);
                Assert.True(exitCode == 0, "ssh-keygen failed: " + error);
            }

            AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(directory, recursive: true);
            return key;
        }
    }

    internal sealed class SshdOutput
    {
        public SshdOutput(int exitCode, IReadOnlyDictionary<string, string> settings, string error)
        {
            ExitCode = exitCode;
            Settings = settings;
            Error = error;
        }

        public int ExitCode { get; }

        /// <summary>Lowercase keyword → the first value sshd printed for it.</summary>
        public IReadOnlyDictionary<string, string> Settings { get; }

        public string Error { get; }

        /// <summary>The printed value, or null when sshd printed nothing for the keyword (e.g. ChannelTimeout none).</summary>
        public string? this[string keyword] => Settings.TryGetValue(keyword.ToLowerInvariant(), out string? value) ? value : null;
    }

    /// <summary>
    /// A fact that needs OpenSSH's sshd in a testbed tools container (root, podman): skipped elsewhere, but run
    /// (and failing) when SSHKA_REQUIRE_TESTBED=1, as CI sets it.
    /// </summary>
    public sealed class SshdOracleFactAttribute : FactAttribute
    {
        public SshdOracleFactAttribute()
        {
            Skip = SshdOracle.SkipReason;
        }
    }

    /// <summary>
    /// A theory that needs OpenSSH in testbed tools containers (root, podman): skipped elsewhere, but run (and
    /// failing) when SSHKA_REQUIRE_TESTBED=1, as CI sets it.
    /// </summary>
    public sealed class SshdOracleTheoryAttribute : TheoryAttribute
    {
        public SshdOracleTheoryAttribute()
        {
            Skip = SshdOracle.SkipReason;
        }
    }
}
