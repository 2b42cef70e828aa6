using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Config
{
    /// <summary>
    /// Which values ssh refuses for the keywords the resolver does not report itself (BatchMode, LocalForward,
    /// ProxyJump, Ciphers, ...): one file with every keyword against a spread of values, the lines ssh -G names
    /// as bad against the lines we refuse.
    /// </summary>
    public sealed class ClientKeywordSyntaxOracleTests
    {
        private static readonly string[] Values =
        {
            "yes", "no", "maybe", "ask", "auto", "force", "autoask", "5", "1m", "-1", "x", "x y", "8080", "8080 web:80", "[::1]:8080 web:80",
            "0 web:80", "web:80", "8080:web:80", "bastion", "u@bastion:2222,ssh://h:22", "a:b:c", "b@:22", "aes128-ctr", "+aes128-ctr",
            "^bogus", "-*cbc", "bogus", "ssh-ed25519", "ssh-*", "+ssh-rsa", "NAME", "NAME=1", "LANG LC_*", "none", "^A", "sha256", "inet",
            "ethernet", "host-bound", "subsystem", "DEBUG3", "none x", "/tmp/sock", "/tmp/a.sock /tmp/b.sock", "hmac-sha1,umac-64@openssh.com",
            "curve25519-sha256", "+diffie-hellman-group1-sha1", "~/.ssh/id_%h",
        };

        [Fact]
        public void Check_RefusesExactlyTheLinesSshRefuses()
        {
            using var dir = new TempDirectory();
            var text = new StringBuilder("Match host never-this-host\n");
            var lines = new List<string>();
            foreach (string keyword in ClientKeywordSyntax.CheckedKeywords.OrderBy(k => k))
            {
                foreach (string value in Values)
                {
                    lines.Add($"  {keyword} {value}");
                }
            }

            text.Append(string.Join("\n", lines)).Append('\n');
            string path = dir.File("ssh_config");
            File.WriteAllText(path, text.ToString());

            ProcessOutcome ssh = ProcessRunner.Run(System.TimeSpan.FromMinutes(1), "ssh", "-G", "-F", path, "web01");
            var sshBad = new HashSet<int>(Regex.Matches(ssh.Error, @" line (\d+):").Select(m => int.Parse(m.Groups[1].Value)));
            ClientResolution resolution = ClientConfigResolver.LoadFile(ClientEnvironment.Current(), path).Resolve("web01");
            var ourBad = new HashSet<int>(resolution.Diagnostics.Where(d => d.IsError && d.Source != null).Select(d => d.Source!.Line));

            string Describe(IEnumerable<int> numbers) => string.Join("\n", numbers.OrderBy(n => n).Select(n => lines[n - 2].Trim()));
            Assert.True(sshBad.Count > 100, "ssh refused too few lines for the test to mean anything:\n" + ssh.Error);
            Assert.True(sshBad.SetEquals(ourBad), $"ssh refuses, we take:\n{Describe(sshBad.Except(ourBad))}\nwe refuse, ssh takes:\n{Describe(ourBad.Except(sshBad))}");
        }

        [Theory]
        [InlineData("Ciphers", "^aes256-ctr,3des-cbc")]
        [InlineData("MACs", "-*sha1*")]
        [InlineData("KexAlgorithms", "+diffie-hellman-group1-sha1")]
        [InlineData("HostKeyAlgorithms", "-ssh-rsa*,ecdsa*")]
        [InlineData("HostKeyAlgorithms", "ssh-ed25519*,rsa-sha2-512")]
        [InlineData("Ciphers", "aes128-ctr,aes256-gcm@openssh.com")]
        [InlineData("PubkeyAcceptedAlgorithms", "^ssh-rsa")]
        public void Resolve_AlgorithmList_IsWhatSshDashGProposes(string keyword, string value)
        {
            using var dir = new TempDirectory();
            string path = dir.File("ssh_config");
            File.WriteAllText(path, $"{keyword} {value}\n");

            string line = ProcessRunner.Run("ssh", "-G", "-F", path, "web01").Output.Split('\n').Single(l => l.StartsWith(keyword.ToLowerInvariant() + " "));

            Assert.Equal(line.Split(' ')[1], string.Join(",", AlgorithmLists.Resolve(AlgorithmLists.KindOf(keyword)!.Value, value)));
        }
    }
}
