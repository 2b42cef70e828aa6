using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Sessions;
using SshKeepAlive.Core.Ssh;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Sessions
{
    /// <summary>
    /// The ssh_config keywords beyond the resolver's own, as sessions read them: each honoured as ssh does (ssh itself
    /// the oracle where it prints what it uses), or named in the connect's one warning.
    /// </summary>
    public sealed class SessionConfigReaderTests : IDisposable
    {
        private readonly TempDirectory home = new TempDirectory();

        public void Dispose() => home.Dispose();

        [Fact]
        public void IdentityFile_WithEveryToken_ExpandsToTheFilesSshTries()
        {
            // ssh prints the identity files it loads (ssh -v) before it speaks to the server, so a ProxyCommand that
            // exits at once shows them without any network.
            string config = Config(
                "Host web01\n  HostName Web.Example\n  User deploy\n  Port 2222\n" +
                "  IdentityFile %d/.ssh/%h_%r_%u_%p_%n_%C\n  IdentityFile ~/keys/%l-%L-%i-%k-%%\n  IdentityFile /keys/${SSHKA_TEST_KEY_DIR}/id\n");
            System.Environment.SetEnvironmentVariable("SSHKA_TEST_KEY_DIR", "from-env");
            ProcessOutcome ssh = ProcessRunner.Run(TimeSpan.FromSeconds(30), "ssh", "-v", "-F", config, "-o", "ProxyCommand=true", "-o", "BatchMode=yes", "web01");
            string[] sshTries = Regex.Matches(ssh.Error, @"identity file (\S+) type").Select(m => m.Groups[1].Value).Where(f => !f.EndsWith("-cert", StringComparison.Ordinal)).ToArray();

            SshSessionSettings settings = SessionSettingsBuilder.Build(new SshSessionRequest("web01") { ConfigFile = config }, ClientEnvironment.Current()).Settings;

            Assert.Equal(3, sshTries.Length);
            Assert.Equal(sshTries, settings.DefaultKeyFiles);
        }

        [Fact]
        public void IdentityFile_WithAnUnsetVariable_IsConfigInvalidNamingTheLine()
        {
            string config = Config("Host web01\n  IdentityFile ~/.ssh/${SSHKA_NO_SUCH_VARIABLE}\n");

            var error = Assert.Throws<SshKeepAliveException>(() => Build(config));

            Assert.Equal(ErrorId.ConfigInvalid, error.Id);
            Assert.Contains(config + ":2", error.Message);
            Assert.Contains("SSHKA_NO_SUCH_VARIABLE", error.Message);
        }

        [Fact]
        public void ProxyCommand_TokensExpandAsSshExpandsThem()
        {
            string output = home.File("proxy-out");
            // ssh runs "exec <command>" and kills it once the connection fails: the shell writes the file, then lingers.
            string config = Config($"Host web01\n  HostName 10.9.8.7\n  User deploy\n  Port 2200\n  ProxyCommand sh -c 'echo %h %p %r %n %% > {output}; sleep 1'\n");
            ProcessRunner.Run(TimeSpan.FromSeconds(30), "ssh", "-F", config, "-o", "BatchMode=yes", "web01");
            string sshRan = File.ReadAllText(output).Trim();

            SshSessionSettings settings = Build(config).Settings;

            Assert.Equal("10.9.8.7 2200 deploy web01 %", sshRan);
            Assert.Equal($"sh -c 'echo {sshRan} > {output}; sleep 1'", settings.ProxyCommand);
        }

        [Fact]
        public void HonouredKeywords_SetTheSessionSettings()
        {
            string config = Config(
                "Host web01\n  IdentitiesOnly yes\n  IdentityAgent ~/agent.%r.sock\n  CertificateFile ~/.ssh/id-cert.pub\n  HashKnownHosts yes\n" +
                "  GlobalKnownHostsFile /etc/a /etc/b\n  HostKeyAlias Alias.Example\n  BatchMode yes\n  RemoteCommand tmux new -A -s %r\n  RequestTTY auto\n" +
                "  Ciphers -*cbc,aes*\n  MACs hmac-sha2-256-etm@openssh.com\n  KexAlgorithms ^curve25519-sha256\n  HostKeyAlgorithms ssh-ed25519\n" +
                "  PasswordAuthentication no\n  KbdInteractiveAuthentication no\n  NumberOfPasswordPrompts 1\n  ExitOnForwardFailure yes\n  GatewayPorts yes\n" +
                "  LocalForward 8080 web:80\n  RemoteForward 9090 localhost:90\n  DynamicForward 1080\n  ConnectionAttempts 4\n  TCPKeepAlive no\n  User deploy\n");

            SessionSettingsResult result = Build(config);
            SshSessionSettings settings = result.Settings;

            Assert.True(settings.IdentitiesOnly);
            Assert.Equal(Path.Combine(home.Path, "agent.deploy.sock"), settings.AgentSocket);
            Assert.Equal(new[] { Path.Combine(home.Path, ".ssh", "id-cert.pub") }, settings.CertificateFiles);
            Assert.True(settings.HashKnownHosts);
            Assert.Equal(new[] { "/etc/a", "/etc/b" }, settings.GlobalKnownHostsFiles.Skip(settings.GlobalKnownHostsFiles.Count - 2));
            Assert.DoesNotContain(HostKeyVerifier.DefaultGlobalKnownHostsFiles[0], settings.GlobalKnownHostsFiles);
            Assert.Equal("alias.example", settings.HostKeyAlias);
            Assert.True(settings.BatchMode);
            Assert.Equal("tmux new -A -s deploy", settings.RemoteCommand);
            Assert.Equal("auto", settings.RequestTty);
            Assert.Equal(new[] { "chacha20-poly1305@openssh.com" }, settings.Algorithms[AlgorithmKind.Ciphers]);
            Assert.Equal(new[] { "hmac-sha2-256-etm@openssh.com" }, settings.Algorithms[AlgorithmKind.MACs]);
            Assert.Equal("curve25519-sha256", settings.Algorithms[AlgorithmKind.KexAlgorithms][0]);
            Assert.Equal(new[] { "ssh-ed25519" }, settings.Algorithms[AlgorithmKind.HostKeyAlgorithms]);
            Assert.False(settings.PasswordAuthentication);
            Assert.False(settings.KbdInteractiveAuthentication);
            Assert.Equal(1, settings.NumberOfPasswordPrompts);
            Assert.True(settings.ExitOnForwardFailure);
            Assert.True(settings.GatewayPorts);
            Assert.Equal(new[] { "Local 8080 web:80", "Remote 9090 localhost:90", "Dynamic 1080" }, settings.Forwards.Select(f => $"{f.Kind} {f}"));
            Assert.Equal(4, settings.ConnectionAttempts);
            Assert.False(settings.TcpKeepAlive);
            Assert.Null(result.UnsupportedWarning);
        }

        [Fact]
        public void KeywordsSessionsDoNotHonour_AreNamedInOneWarningWithTheirLines()
        {
            string config = Config("Host web01\n  ForwardX11 yes\n  ForwardAgent yes\n  ControlMaster auto\n  ForwardX11Trusted yes\n  LogLevel DEBUG3\n  ControlMaster no\n");

            SessionSettingsResult result = Build(config);

            Assert.Equal($"ForwardX11 at {config}:2, ForwardAgent at {config}:3 (SSH.NET cannot forward the agent: it drops the connection when the server opens an agent channel; " +
                $"ProxyJump reaches hosts beyond this one with the local keys), ControlMaster at {config}:4 are not supported by persistent sessions (they connect as if those lines were absent).", result.UnsupportedWarning);
        }

        [Theory]
        [InlineData(false, "RequestTTY force", "RequestTTY")]
        [InlineData(true, "RemoteCommand top", "RemoteCommand")]
        [InlineData(true, "RequestTTY no", "RequestTTY")]
        [InlineData(false, "RemoteCommand top", null)]
        [InlineData(true, "RequestTTY force", null)]
        public void RemoteCommandAndRequestTty_AreNamedWhereTheSessionCannotHonourThem(bool interactive, string line, string? named)
        {
            string config = Config("Host web01\n  " + line + "\n");

            string? warning = SessionSettingsBuilder.Build(new SshSessionRequest("web01") { ConfigFile = config, Interactive = interactive }, Environment()).UnsupportedWarning;

            Assert.Equal(named == null ? null : $"{named} at {config}:2 is not supported by persistent sessions (they connect as if those lines were absent).", warning);
        }

        [Theory]
        [InlineData("yes")]
        [InlineData("True")]
        [InlineData("no")]
        [InlineData("NO")]
        [InlineData("false")]
        [InlineData("/run/agent.sock")]
        [InlineData("~/agent.sock")]
        [InlineData("SSH_AUTH_SOCK")]
        [InlineData("$SSH_AUTH_SOCK")]
        public void ForwardAgent_WhenSshWouldForward_IsNamedWithWhySessionsCannot(string value)
        {
            string config = Config("Host web01\n  ForwardAgent " + value + "\n");
            string sshForwards = ProcessRunner.Run(TimeSpan.FromSeconds(30), "ssh", "-G", "-F", config, "web01").Output
                .Split('\n').Single(l => l.StartsWith("forwardagent ", StringComparison.Ordinal)).Substring("forwardagent ".Length);

            string? warning = Build(config).UnsupportedWarning;

            Assert.Equal(
                sshForwards == "no" ? null
                    : $"ForwardAgent at {config}:2 (SSH.NET cannot forward the agent: it drops the connection when the server opens an agent channel; " +
                      "ProxyJump reaches hosts beyond this one with the local keys) is not supported by persistent sessions (they connect as if those lines were absent).",
                warning);
        }

        [Fact]
        public void HarmlessValues_AreNotNamed()
        {
            Assert.Null(Build(Config("Host web01\n  ForwardX11 no\n  ForwardAgent no\n  ControlMaster no\n  EscapeChar ~\n  GSSAPIAuthentication no\n")).UnsupportedWarning);
        }

        [Fact]
        public void AnUnknownKeyword_IsConfigKeywordUnknown_AsSshRefusesIt_UnlessIgnoreUnknownListsIt()
        {
            var error = Assert.Throws<SshKeepAliveException>(() => Build(Config("Host web01\n  ServerAliveIntervall 5\n")));
            SessionSettingsResult ignored = Build(Config("IgnoreUnknown ServerAlive*\nHost web01\n  ServerAliveIntervall 5\n"));

            Assert.Equal(ErrorId.ConfigKeywordUnknown, error.Id);
            Assert.Contains("Bad configuration option: ServerAliveIntervall", error.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Contains(":2", error.Message);
            Assert.Empty(ignored.Warnings);
        }

        [Theory]
        [InlineData("Compression maybe")]
        [InlineData("LocalForward 8080")]
        [InlineData("ProxyJump a,:22")]
        [InlineData("Ciphers bogus-cipher")]
        [InlineData("BatchMode sometimes")]
        public void ABadValue_IsConfigInvalid(string line)
        {
            Assert.Equal(ErrorId.ConfigInvalid, Assert.Throws<SshKeepAliveException>(() => Build(Config("Host web01\n  " + line + "\n"))).Id);
        }

        [Fact]
        public void AlgorithmsWithNothingSshNetOffers_AreAlgorithmsUnavailable()
        {
            var error = Assert.Throws<SshKeepAliveException>(() => Build(Config("Host web01\n  MACs umac-64@openssh.com,umac-128-etm@openssh.com\n")));

            Assert.Equal(ErrorId.AlgorithmsUnavailable, error.Id);
            Assert.Contains("umac-64@openssh.com", error.Message);
        }

        [Fact]
        public void ProxyJump_ResolvesEachHopUnderItsOwnName_LastHopThroughTheOthers_FirstHopThroughItsOwnProxyJump()
        {
            // As ssh: "ssh -J jump1 -W web01 jump2" for the last hop (its own ProxyJump and ProxyCommand lose to -J), and
            // "ssh -W jump2 jump1" for the first, which follows jump1's own ProxyJump.
            string config = Config(
                "Host web01\n  ProxyJump jump1,admin@jump2:2202\n  User deploy\n" +
                "Host jump1\n  HostName 10.0.0.1\n  ServerAliveInterval 7\n  ProxyJump jump0\n" +
                "Host jump2\n  HostName 10.0.0.2\n  User ignored\n  ProxyCommand ignored\n  ProxyJump ignored\n");

            SshSessionSettings settings = Build(config).Settings;

            Assert.Equal(new[] { "alice@jump0:22", "alice@10.0.0.1:22", "admin@10.0.0.2:2202" }, settings.JumpHosts.Select(h => $"{h.User}@{h.HostName}:{h.Port}"));
            Assert.Equal(TimeSpan.FromSeconds(7), settings.JumpHosts[1].KeepAliveInterval);
            Assert.Null(settings.JumpHosts[2].ProxyCommand);
            Assert.Equal("deploy", settings.User);
        }

        [Fact]
        public void ASingleJumpHost_FollowsItsOwnProxyJump_AsSshDoes()
        {
            string config = Config("Host web01\n  ProxyJump jump2\nHost jump2\n  ProxyJump jump1\n");

            Assert.Equal(new[] { "jump1", "jump2" }, Build(config).Settings.JumpHosts.Select(h => h.Target.Host));
        }

        [Fact]
        public void JumpHostParameter_WinsOverProxyJump_AndALoopIsJumpHostInvalid()
        {
            string config = Config("Host web01\n  ProxyJump jump1\nHost loop\n  ProxyJump loop2\nHost loop2\n  ProxyJump loop\n");

            SshSessionSettings settings = SessionSettingsBuilder.Build(new SshSessionRequest("web01") { ConfigFile = config, JumpHosts = "other:2222" }, Environment()).Settings;
            var loop = Assert.Throws<SshKeepAliveException>(() => Build(config, "loop"));

            Assert.Equal(new[] { "other:2222" }, settings.JumpHosts.Select(h => $"{h.HostName}:{h.Port}"));
            Assert.Equal(ErrorId.JumpHostInvalid, loop.Id);
            Assert.Contains("loop", loop.Message);
        }

        [Theory]
        [InlineData(null, false, null)]
        [InlineData(null, true, @"\\.\pipe\openssh-ssh-agent")]
        [InlineData("/tmp/agent.sock", true, "/tmp/agent.sock")]
        [InlineData("/tmp/agent.sock", false, "/tmp/agent.sock")]
        public void DefaultAgent_IsSshAuthSock_ElseOnWindowsTheOpenSshAgentPipe(string? authSock, bool windows, string? expected)
        {
            Assert.Equal(expected, SshSessionSettings.DefaultAgent(authSock, windows));
        }

        [Fact]
        public void ClearAllForwardings_DropsTheConfiguredForwards()
        {
            Assert.Empty(Build(Config("Host web01\n  LocalForward 8080 web:80\n  ClearAllForwardings yes\n")).Settings.Forwards);
        }

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

            Assert.Equal(new[] { "LANG", "SSHKA_*", "LC_ALL" }, SshGValues(sshG, "sendenv "));
            Assert.Equal(SshGValues(sshG, "sendenv "), sent.SendPatterns);
            Assert.Equal(new[] { "SSHKA_X=1", "SSHKA_Y=two words", "SSHKA_E=", "SSHKA_Q=a=b" }, SshGValues(sshG, "setenv "));
            Assert.Equal(SshGValues(sshG, "setenv "), sent.Assignments.Select(a => a.Key + "=" + a.Value));
        }

        [TestbedTheory]
        [MemberData(nameof(TestbedTools.SuiteRows), MemberType = typeof(TestbedTools))]
        public void SetEnvValues_AreExpandedOrSentAsWritten_AsEachReleasesSshGPrintsThem(string suite)
        {
            // 10.0 expands %-tokens (and ${VAR}s) in the values, not the names; earlier releases send them as written.
            TestbedTools tools = TestbedTools.For(suite);
            string config = Config("Host web01\n  HostName h.example\n  User deploy\n  Port 2222\n  SetEnv SSHKA_%h=%h:%r:%p:%n:%% SSHKA_B=plain\n");
            string[] sshG = ProcessRunner.Run(TimeSpan.FromSeconds(30), tools.Ssh, "-G", "-F", config, "web01").Output.Split('\n');
            ClientEnvironment environment = Environment();
            environment.OpenSshVersion = OpenSshVersion.Parse(tools.OpenSshVersion);

            SessionEnvironment sent = SessionSettingsBuilder.Build(new SshSessionRequest("web01") { ConfigFile = config }, environment).Settings.SentEnvironment;

            Assert.Equal(
                environment.OpenSshVersion.IsAtLeast(new OpenSshVersion(10, 0)) ? "SSHKA_%h=h.example:deploy:2222:web01:%" : "SSHKA_%h=%h:%r:%p:%n:%%",
                SshGValues(sshG, "setenv ").FirstOrDefault());
            Assert.Equal(SshGValues(sshG, "setenv "), sent.Assignments.Select(a => a.Key + "=" + a.Value));
        }

        [Fact]
        public void AnInactiveFirstSetEnvLine_LeavesTheNextActiveOneInEffect_AsSshGPrints()
        {
            string config = Config("Host other\n  SetEnv SSHKA_A=other\nHost *\n  SetEnv SSHKA_B=all\n");
            string[] sshG = ProcessRunner.Run(TimeSpan.FromSeconds(30), "ssh", "-G", "-F", config, "web01").Output.Split('\n');

            Assert.Equal(new[] { "SSHKA_B=all" }, SshGValues(sshG, "setenv "));
            Assert.Equal(SshGValues(sshG, "setenv "), Build(config).Settings.SentEnvironment.Assignments.Select(a => a.Key + "=" + a.Value));
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

            Assert.Equal(new[] { "SSHKA_P*", "LANG" }, SshGValues(sshG, "sendenv "));
            Assert.Equal(SshGValues(sshG, "sendenv "), sent.SendPatterns);
            Assert.Equal(new[] { "SSHKA_A=param", "SSHKA_B=param" }, SshGValues(sshG, "setenv "));
            Assert.Equal(SshGValues(sshG, "setenv "), sent.Assignments.Select(a => a.Key + "=" + a.Value));
        }

        [Fact]
        public void SendEnvAndSetEnv_AreNotNamedInTheWarning_WhileTheInternalsBind()
        {
            Assert.True(SshNetEnvironment.Current.IsBound, "missing: " + SshNetEnvironment.Current.Missing);

            Assert.Null(Build(Config("Host web01\n  SendEnv LANG LC_*\n  SetEnv SSHKA_A=1\n")).UnsupportedWarning);
        }

        [Fact]
        public void SetEnvTerm_IsTheTerminalTypeAsked()
        {
            Assert.Equal("vt220", SshKeepAlive.Core.Terminal.ConsoleTerminal.TerminalTypeFor(Build(Config("Host web01\n  SetEnv TERM=vt220\n")).Settings));
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
                Assert.Equal(
                    $"GSSAPIAuthentication at {config}:2 (a Kerberos ticket may be there, but SSH.NET has no gssapi-with-mic: sessions authenticate without it) " +
                    "is not supported by persistent sessions (they connect as if those lines were absent).",
                    withTicket);
            }
            finally
            {
                System.Environment.SetEnvironmentVariable("KRB5CCNAME", before);
            }
        }

        private static string[] SshGValues(string[] sshG, string prefix) =>
            sshG.Where(line => line.StartsWith(prefix, StringComparison.Ordinal)).Select(line => line.Substring(prefix.Length).TrimEnd('\r')).ToArray();


        private SessionSettingsResult Build(string config, string destination = "web01") =>
            SessionSettingsBuilder.Build(new SshSessionRequest(destination) { ConfigFile = config }, Environment());

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
