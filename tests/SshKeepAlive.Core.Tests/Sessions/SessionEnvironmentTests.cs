using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.Sessions;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Sessions
{
    /// <summary>
    /// SendEnv and SetEnv as sessions read and send them (ssh -G the oracle for what is in effect), and
    /// GSSAPIAuthentication, which matters only to a user with a Kerberos ticket.
    /// </summary>
    public sealed class SessionEnvironmentTests : IDisposable
    {
        private readonly TempDirectory home = new TempDirectory();

        public void Dispose() => home.Dispose();

        [Fact]
        public void SendEnvAndSetEnv_AcrossLinesAndBlocks_AreWhatSshGPrints()
        {
            // SendEnv adds up over every line, -pattern removing what it matches so far; only the first SetEnv line counts,
            // and within it the first value of a name; quotes as ssh's argument splitting takes them.
            string config = Config(
                "Host web01\n  SendEnv LANG LC_*\n  SendEnv SSHKA_A -LC_* SSHKA_*\n" +
                "  SetEnv SSHKA_X=1 \"SSHKA_Y=two words\" SSHKA_X=3 SSHKA_E= SSHKA_Q=\"a=b\"\n  SetEnv SSHKA_Z=late\n" +
                "Host nomatch\n  SetEnv SSHKA_N=inactive\n  SendEnv NOT_HERE\n" +
                "Host *\n  SendEnv -SSHKA_A LC_ALL\n  SetEnv SSHKA_W=never\n");
            string[] sshG = ProcessRunner.Run(TimeSpan.FromSeconds(30), "ssh", "-G", "-F", config, "web01").Output.Split('\n');

            SessionEnvironment sent = Build(config).Settings.SentEnvironment;

            Assert.Equal(new[] { "LANG", "SSHKA_*", "LC_ALL" }, Values(sshG, "sendenv "));
            Assert.Equal(Values(sshG, "sendenv "), sent.SendPatterns);
            Assert.Equal(new[] { "SSHKA_X=1", "SSHKA_Y=two words", "SSHKA_E=", "SSHKA_Q=a=b" }, Values(sshG, "setenv "));
            Assert.Equal(Values(sshG, "setenv "), sent.Assignments.Select(a => a.Key + "=" + a.Value));
        }

        [Fact]
        public void AnInactiveFirstSetEnvLine_LeavesTheNextActiveOneInEffect_AsSshGPrints()
        {
            string config = Config("Host other\n  SetEnv SSHKA_A=other\nHost *\n  SetEnv SSHKA_B=all\n");
            string[] sshG = ProcessRunner.Run(TimeSpan.FromSeconds(30), "ssh", "-G", "-F", config, "web01").Output.Split('\n');

            Assert.Equal(new[] { "SSHKA_B=all" }, Values(sshG, "setenv "));
            Assert.Equal(Values(sshG, "setenv "), Build(config).Settings.SentEnvironment.Assignments.Select(a => a.Key + "=" + a.Value));
        }

        [Fact]
        public void SendEnvAndSetEnvOfTheRequest_ComeBeforeTheConfiguration_AsSshDashOPutsThem()
        {
            // -o lines are read first: the file's "SendEnv -SSHKA_OLD" removes the request's pattern, and the request's
            // SetEnv is the first line, so the file's is ignored.
            string config = Config("Host web01\n  SendEnv LANG -SSHKA_OLD\n  SetEnv SSHKA_A=config SSHKA_C=config\n");
            string[] sshG = ProcessRunner.Run(
                TimeSpan.FromSeconds(30), "ssh", "-G", "-o", "SendEnv=SSHKA_OLD SSHKA_P*", "-o", "SetEnv=SSHKA_A=param SSHKA_B=param", "-F", config, "web01").Output.Split('\n');
            var request = new SshSessionRequest("web01")
            {
                ConfigFile = config, SendEnv = new[] { "SSHKA_OLD", "SSHKA_P*" }, SetEnv = new[] { "SSHKA_A=param", "SSHKA_B=param" },
            };

            SessionEnvironment sent = SessionSettingsBuilder.Build(request, Environment()).Settings.SentEnvironment;

            Assert.Equal(new[] { "SSHKA_P*", "LANG" }, Values(sshG, "sendenv "));
            Assert.Equal(Values(sshG, "sendenv "), sent.SendPatterns);
            Assert.Equal(new[] { "SSHKA_A=param", "SSHKA_B=param" }, Values(sshG, "setenv "));
            Assert.Equal(Values(sshG, "setenv "), sent.Assignments.Select(a => a.Key + "=" + a.Value));
        }

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

        [Fact]
        public void SendEnvAndSetEnv_AreNotNamedInTheWarning_WhileTheInternalsBind()
        {
            Assert.True(SshNetEnvironment.Current.IsBound, "missing: " + SshNetEnvironment.Current.Missing);

            Assert.Null(Build(Config("Host web01\n  SendEnv LANG LC_*\n  SetEnv SSHKA_A=1\n")).UnsupportedWarning);
        }

        [Fact]
        public void EnvironmentInternals_BindToAnAssemblyWithoutThem_SaysWhichIsMissing_WithoutThrowing()
        {
            SshNetEnvironment unbound = SshNetEnvironment.Bind(typeof(object).Assembly);

            Assert.False(unbound.IsBound);
            Assert.Equal("Renci.SshNet.BaseClient.Session", unbound.Missing);
        }

        [Fact]
        public void SetEnvTerm_IsTheTerminalTypeAsked()
        {
            Assert.Equal("vt220", SshKeepAlive.Core.Terminal.ConsoleTerminal.TerminalTypeFor(Build(Config("Host web01\n  SetEnv TERM=vt220\n")).Settings));
        }

        [Theory]
        [InlineData(null, false, false, false)] // no KRB5CCNAME, no /tmp/krb5cc_<uid>: no ticket
        [InlineData(null, true, false, true)] // the default cache file is there
        [InlineData(null, false, true, true)] // krb5.conf moves the default cache where this cannot see
        [InlineData("FILE:/run/absent", false, false, false)]
        [InlineData("FILE:/run/cache", false, false, true)]
        [InlineData("/run/cache", false, false, true)]
        [InlineData("/run/absent", true, false, false)] // KRB5CCNAME, not the default, is the cache
        [InlineData("KEYRING:persistent:1000", false, false, true)]
        [InlineData("KCM:", false, false, true)]
        public void KerberosCache_MayExist_UnlessCertainlyAbsent(string? ccname, bool defaultCache, bool movedByKrb5Conf, bool expected)
        {
            var files = new HashSet<string> { "/run/cache" };
            if (defaultCache)
            {
                files.Add("/tmp/krb5cc_1000");
            }

            bool mayExist = KerberosCache.MayExist(
                name => name == "KRB5CCNAME" ? ccname : null,
                1000,
                files.Contains,
                path => path == "/etc/krb5.conf" && movedByKrb5Conf ? "[libdefaults]\n    default_ccache_name = KEYRING:persistent:%{uid}\n" : null);

            Assert.Equal(expected, mayExist);
        }

        [Fact]
        public void KerberosCache_OnWindows_MayExist()
        {
            Assert.True(KerberosCache.MayExist(_ => null, null, _ => false, _ => null));
        }

        [Fact]
        public void GssapiAuthenticationYes_IsNamedOnlyWhenAKerberosTicketMayBeUsed()
        {
            string config = Config("Host web01\n  GSSAPIAuthentication yes\n");
            string cache = home.File("krb5cc_test");
            string? before = System.Environment.GetEnvironmentVariable("KRB5CCNAME");
            try
            {
                System.Environment.SetEnvironmentVariable("KRB5CCNAME", "FILE:" + cache);
                string? withoutTicket = Build(config).UnsupportedWarning;
                File.WriteAllText(cache, "ticket");
                string? withTicket = Build(config).UnsupportedWarning;

                Assert.Null(withoutTicket);
                Assert.Equal($"GSSAPIAuthentication at {config}:2 is not supported by persistent sessions (they connect as if those lines were absent).", withTicket);
            }
            finally
            {
                System.Environment.SetEnvironmentVariable("KRB5CCNAME", before);
            }
        }

        private static string[] Values(string[] sshG, string prefix) =>
            sshG.Where(line => line.StartsWith(prefix, StringComparison.Ordinal)).Select(line => line.Substring(prefix.Length).TrimEnd('\r')).ToArray();

        private SessionSettingsResult Build(string config) =>
            SessionSettingsBuilder.Build(new SshSessionRequest("web01") { ConfigFile = config }, Environment());

        private ClientEnvironment Environment() =>
            new ClientEnvironment(home.Path, "alice", Path.Combine(home.Path, ".ssh", "config"), "/nonexistent/ssh_config", "/nonexistent");

        private string Config(string text)
        {
            string file = home.File("ssh_config" + Guid.NewGuid().ToString("N").Substring(0, 6));
            File.WriteAllText(file, text);
            return file;
        }
    }
}
