using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Editing;
using SshKeepAlive.Core.Tests.Config;
using SshKeepAlive.Testing;
using Xunit;
using static SshKeepAlive.Core.Tests.Editing.EditFixture;

namespace SshKeepAlive.Core.Tests.Editing
{
    /// <summary>
    /// Every file of the client and server corpus, edited for each of its hosts / globally: OpenSSH (ssh -G,
    /// sshd -T of every release in the matrix) reports the requested values afterwards, or the editor refused
    /// without writing; every line the edit did not report is byte-identical.
    /// </summary>
    public sealed class CorpusEditOracleTests
    {
        public static IEnumerable<object[]> ClientFiles() =>
            SshKeepAlive.Testing.Testbed.Suites.SelectMany(suite => ClientCorpus.ConfigFiles().Select(f => new object[] { suite, Path.GetFileName(f) }));

        public static IEnumerable<object[]> ServerCases() =>
            SshKeepAlive.Testing.Testbed.Suites.SelectMany(suite => ServerCorpus.Cases().Select(c => new object[] { suite, c }));

        [SshdOracleTheory]
        [MemberData(nameof(ClientFiles))]
        public void SetKeepAlive_OnEachClientCorpusFileAndHost_IsEffectiveOrRefused(string suite, string file)
        {
            foreach (string host in ClientCorpus.Hosts(Path.Combine(ClientCorpus.SourceDirectory, file)).Where(h => !h.Contains("://")).Select(h => h.Substring(h.IndexOf('@') + 1)))
            {
                using var corpus = new TempDirectory();
                ClientCorpus.Materialise(corpus);
                string path = Path.Combine(corpus.Path, file);
                string original = File.ReadAllText(path);
                EditResult result;
                try
                {
                    var request = new EditRequest(EditScope.Client, path, IncludeRules.ForUserClientConfig(corpus.Path), host, new[] { Interval(61), CountMax(5) }, createIfMissing: false);
                    result = EditorFor(suite).Apply(request, new ApplyOptions { NoBackup = true });
                }
                catch (ConfigEditException)
                {
                    Assert.Equal(original, File.ReadAllText(path));
                    continue;
                }

                Assert.Equal("61", SshG(path, host, "ServerAliveInterval", suite));
                Assert.Equal("5", SshG(path, host, "ServerAliveCountMax", suite));
                AssertUntouchedLinesKept(original, File.ReadAllText(path), result, inPlaceEdits: 2);
            }
        }

        [SshdOracleTheory]
        [MemberData(nameof(ServerCases))]
        public void SetKeepAlive_OnEachServerCorpusCase_IsEffectiveForSshdOrRefused(string suite, string name)
        {
            using var corpus = new TempDirectory();
            string path = ServerCorpus.Materialize(name, corpus);
            string original = File.ReadAllText(path);
            var request = new EditRequest(EditScope.Server, path, IncludeRules.ForServerConfig(corpus.Path, corpus.Path), "*", TimeoutChanges.KeepAlive(EditScope.Server, "61", 5, false), createIfMissing: false);

            EditResult result;
            try
            {
                // The corpus has no host keys for sshd -t; sshd -T below (with a generated key) is the check.
                result = Editor.Apply(request, new ApplyOptions { NoBackup = true });
            }
            catch (ConfigEditException)
            {
                Assert.Equal(original, File.ReadAllText(path));
                return;
            }

            // Plain sshd -T refuses Match conditions it needs a connection for (Match LocalPort): then ask for a
            // connection no Match of the corpus names.
            SshdOutput sshd = SshdOracle.Run(path, null, suite);
            if (sshd.ExitCode != 0 && !sshd.Error.Contains("Bad configuration option"))
            {
                sshd = SshdOracle.Run(path, "user=sshka-nobody,host=sshka-probe,addr=198.18.255.1,laddr=198.18.255.2,lport=65000", suite);
            }

            if (sshd.Error.Contains("Bad configuration option"))
            {
                // The case uses a keyword this release does not know (ChannelTimeout before 9.2): it refuses the
                // file before and after the edit alike; the edit itself is judged by the releases that read it.
                using var unedited = new TempDirectory();
                Assert.Contains("Bad configuration option", SshdOracle.Run(ServerCorpus.Materialize(name, unedited), null, suite).Error);
                return;
            }

            Assert.True(sshd.ExitCode == 0, sshd.Error);
            Assert.Equal("61", sshd["ClientAliveInterval"]);
            Assert.Equal("5", sshd["ClientAliveCountMax"]);
            Assert.Equal("no", sshd["TCPKeepAlive"]);
            AssertUntouchedLinesKept(original, File.ReadAllText(path), result, inPlaceEdits: 3);
        }
    }
}
