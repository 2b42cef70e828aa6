using System.Collections;
using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.Sessions;
using Xunit;

namespace SshKeepAlive.Core.Tests.Sessions
{
    /// <summary>The "env" requests of a channel: which local variables SendEnv sends, then SetEnv's pairs.</summary>
    public sealed class SessionEnvironmentTests
    {
        [Fact]
        public void Requests_AreTheMatchingLocalVariablesByName_ThenTheSetEnvPairs_SoSetEnvWins()
        {
            var sent = new SessionEnvironment();
            sent.AddSendPattern("LC_*");
            sent.AddSendPattern("SSHKA_?");
            sent.AddSendPattern("TZ");
            sent.SetFirst(new[] { "SSHKA_B=from setenv", "EMPTY=" });
            var local = new Hashtable
            {
                ["LC_TIME"] = "C", ["LC_ALL"] = "C.UTF-8", ["lc_lower"] = "case matters", ["SSHKA_B"] = "local",
                ["SSHKA_BB"] = "two letters", ["PATH"] = "/bin", ["TZX"] = "longer",
            };

            IReadOnlyList<KeyValuePair<string, string>> requests = sent.Requests(local);

            Assert.Equal(
                new[] { "LC_ALL=C.UTF-8", "LC_TIME=C", "SSHKA_B=local", "SSHKA_B=from setenv", "EMPTY=" },
                requests.Select(r => r.Key + "=" + r.Value));
        }

        [Fact]
        public void Requests_WithoutSendEnvOrSetEnv_AreNone()
        {
            var sent = new SessionEnvironment();

            Assert.True(sent.IsEmpty);
            Assert.Empty(sent.Requests(new Hashtable { ["LANG"] = "C" }));
        }
    }
}
