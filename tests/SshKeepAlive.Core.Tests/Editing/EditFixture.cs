using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Editing;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Editing
{
    /// <summary>Config files in a temp folder, edited for real, checked with OpenSSH's own ssh -G.</summary>
    internal sealed class EditFixture : IDisposable
    {
        public EditFixture()
        {
            Directory = new TempDirectory();
            State = new TempDirectory();
        }

        public TempDirectory Directory { get; }

        /// <summary>The editor's private state folder for this test (locks, backups, candidates), apart from the configs.</summary>
        public TempDirectory State { get; }

        public static ConfigEditor Editor { get; } = new ConfigEditor(new ResolverLookup(ClientEnvironment.Current()));

        /// <summary>An editor whose client resolver follows the ssh of <paramref name="suite"/>'s tools container.</summary>
        public static ConfigEditor EditorFor(string suite)
        {
            ClientEnvironment environment = ClientEnvironment.Current();
            environment.OpenSshVersion = OpenSshVersion.Parse(TestbedTools.For(suite).OpenSshVersion);
            return new ConfigEditor(new ResolverLookup(environment));
        }

        public string Write(string name, string content)
        {
            string path = Directory.File(name);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, content);
            return path;
        }

        public EditRequest ClientRequest(string path, string host, params SettingChange[] changes) =>
            new EditRequest(EditScope.Client, path, IncludeRules.ForUserClientConfig(Directory.Path), host, changes, createIfMissing: false);

        public EditResult Apply(EditRequest request) => Editor.Apply(request, new ApplyOptions { NoBackup = true, StateDirectory = State.Path });

        /// <summary>Applies keeping backups, in this test's own state folder.</summary>
        public EditResult ApplyWithBackups(EditRequest request, SshKeepAlive.Core.Server.SshdDaemon? daemon = null) =>
            Editor.Apply(request, new ApplyOptions { StateDirectory = State.Path, Daemon = daemon });

        public EditRequest ServerRequest(string path, params SettingChange[] changes) =>
            new EditRequest(EditScope.Server, path, IncludeRules.ForServerConfig(Directory.Path, Directory.Path), "*", changes, createIfMissing: false);

        public static SettingChange Interval(int seconds) => SettingChange.Set("ServerAliveInterval", SettingKind.Time, seconds.ToString());

        public static SettingChange CountMax(int count) => SettingChange.Set("ServerAliveCountMax", SettingKind.Count, count.ToString());

        /// <summary>What ssh -G prints for a keyword (lower case), e.g. "60": this machine's ssh, or the ssh of <paramref name="suite"/>'s tools container.</summary>
        public static string SshG(string configPath, string host, string keyword, string? suite = null)
        {
            var (code, output, error) = ProcessRunner.RunWithError(suite == null ? "ssh" : TestbedTools.For(suite).Ssh, "-G", "-F", configPath, host);
            Assert.True(code == 0, $"ssh -G failed: {error}");
            string prefix = keyword.ToLowerInvariant() + " ";
            return output.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal)).Substring(prefix.Length);
        }

        /// <summary>Asserts every line of the original is still there, in order and byte for byte, except the changed ones.</summary>
        public static void AssertUntouchedLinesKept(string original, string edited, EditResult result, int inPlaceEdits)
        {
            string[] before = original.Split('\n');
            var changed = new HashSet<int>(result.ChangedLines.Where(l => l.StartsWith(result.Path + ":", StringComparison.Ordinal)).Select(l => int.Parse(l.Substring(l.LastIndexOf(':') + 1))));
            string[] kept = edited.Split('\n').Where((_, i) => !changed.Contains(i + 1)).ToArray();
            int k = 0;
            int skipped = 0;
            foreach (string line in before)
            {
                if (k < kept.Length && kept[k] == line)
                {
                    k++;
                }
                else
                {
                    skipped++;
                }
            }

            Assert.True(k == kept.Length, $"an unchanged line moved or changed:\n--- before\n{original}\n--- after\n{edited}");
            Assert.True(skipped <= inPlaceEdits, $"{skipped} original lines are gone but only {inPlaceEdits} were edited in place:\n{edited}");
        }

        /// <summary>A fresh ed25519 host key in the test's folder, for configs sshd -t and -T must accept.</summary>
        public string HostKey()
        {
            string key = Path.Combine(Directory.Path, "keys", "host_ed25519");
            if (!File.Exists(key))
            {
                System.IO.Directory.CreateDirectory(Path.GetDirectoryName(key)!);
                Run("ssh-keygen", "-q", "-t", "ed25519", "-N", string.Empty, "-f", key);
            }

            return key;
        }

        /// <summary>Runs a command that must succeed (chmod, setfacl...), failing the test with its error otherwise.</summary>
        public static string Run(string command, params string[] arguments)
        {
            var (code, output, error) = ProcessRunner.RunWithError(command, arguments);
            Assert.True(code == 0, $"{command} {string.Join(" ", arguments)} failed: {error}");
            return output;
        }

        public void Dispose()
        {
            Directory.Dispose();
            State.Dispose();
        }
    }
}
