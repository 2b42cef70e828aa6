using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SshKeepAlive.Core.Diagnostics;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.Timeouts;
using Xunit;

namespace SshKeepAlive.Core.Tests.Diagnostics
{
    /// <summary>Each check against a fixture that triggers it and the clean fixture, which triggers nothing.</summary>
    public sealed class DiagnosisTests
    {
        [Theory]
        [InlineData(null)]
        [InlineData("web01")]
        [InlineData("admin@db01")]
        public void CleanMachine_HasNoFindings(string? host)
        {
            using var machine = new DiagnosisFixture();

            TargetDiagnosis result = machine.Diagnose(host);

            Assert.Empty(result.Findings);
            Assert.True(result.IsHealthy);
        }

        [Fact]
        public void KeepAliveMissing_WithNothingSending_IsAWarningNamingCommonMiddleboxLimits_FixedForTheHost()
        {
            using var machine = new DiagnosisFixture();
            machine.Write("home/u/.ssh/config", "Host *\n    TCPKeepAlive no\n");
            machine.Write("etc/ssh/sshd_config", "TCPKeepAlive no\n");

            Finding finding = Single(machine.Findings("web01"), FindingId.KeepAliveMissing);

            Assert.Equal(FindingSeverity.Warning, finding.Severity);
            Assert.Contains("350 s (AWS", finding.Message);
            Assert.Contains("ServerAliveInterval 0 (default)", finding.Evidence);
            Assert.Equal($"Set-SshKeepAlive -HostName web01 -Path {machine.UserConfig} -Interval 120", finding.Fix);
            Assert.Equal(FixKind.Command, finding.FixKind);
        }

        [Fact]
        public void KeepAliveMissing_BehindAKnownPathLimit_IsAnErrorAndTheTopFinding_WithHalfTheLimit()
        {
            using var machine = new DiagnosisFixture();
            machine.Write("home/u/.ssh/config", "Host *\n    TCPKeepAlive no\n");
            machine.Write("etc/ssh/sshd_config", "TCPKeepAlive no\n");

            TargetDiagnosis result = machine.Diagnose("web01", pathIdleTimeout: 50);

            Finding top = result.Findings[0];
            Assert.Equal(FindingId.KeepAliveMissing, top.Id);
            Assert.Equal(FindingSeverity.Error, top.Severity);
            Assert.Equal(50, top.IdleSeconds);
            Assert.EndsWith("-Interval 25", top.Fix);
            Assert.Equal(result.Report.Summary.IdleTimeoutSeconds, top.IdleSeconds);
        }

        [Fact]
        public void KeepAliveTooSlow_AgainstThisMachinesConntrack_IsAnError_AndUnknownPathsGetAWarningAbove240s()
        {
            using var machine = new DiagnosisFixture();
            machine.Write("home/u/.ssh/config", "Host *\n    ServerAliveInterval 600\n");
            machine.Write("etc/ssh/sshd_config", "ClientAliveInterval 0\n");

            Finding unknown = Single(machine.Findings("web01"), FindingId.KeepAliveTooSlow);
            machine.Write("proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established", "300\n");
            Finding known = Single(machine.Findings("web01"), FindingId.KeepAliveTooSlow);

            Assert.Equal(FindingSeverity.Warning, unknown.Severity);
            Assert.EndsWith("-Interval 120", unknown.Fix);
            Assert.Equal(FindingSeverity.Error, known.Severity);
            Assert.Equal(300, known.IdleSeconds);
            Assert.Contains("nf_conntrack_tcp_timeout_established", known.Evidence);
        }

        [Fact]
        public void KeepAliveTooSlow_IsNotReportedWhenTheGivenPathLimitIsLonger()
        {
            using var machine = new DiagnosisFixture();
            machine.Write("home/u/.ssh/config", "Host *\n    ServerAliveInterval 600\n");
            machine.Write("etc/ssh/sshd_config", "ClientAliveInterval 0\n");

            Assert.DoesNotContain(machine.Findings("web01", pathIdleTimeout: 3600), f => f.Id == FindingId.KeepAliveTooSlow);
        }

        [Fact]
        public void SettingShadowed_HostBlockBelowHostStar_NamesBothLinesAndSetsTheIntendedValue()
        {
            using var machine = new DiagnosisFixture();
            machine.Write("home/u/.ssh/config", "Host *\n    ServerAliveInterval 30\nHost web01\n    ServerAliveInterval 90\n");

            Finding finding = Single(machine.Findings("web01"), FindingId.SettingShadowed);

            Assert.Contains($"{machine.UserConfig}:4", finding.Message);
            Assert.Contains($"{machine.UserConfig}:2", finding.Message);
            Assert.Equal($"Set-SshKeepAlive -HostName web01 -Path {machine.UserConfig} -Interval 90", finding.Fix);
        }

        [Theory]
        [InlineData("Host web01\n    ServerAliveInterval 90\nHost *\n    ServerAliveInterval 30\n")]
        [InlineData("Host *\n    ServerAliveInterval 30\nHost web01\n    ServerAliveInterval 30\n")]
        [InlineData("Host db01\n    ServerAliveInterval 5\nHost *\n    ServerAliveInterval 30\n")]
        public void SettingShadowed_IsNotReportedForTheUsualLayoutOrEqualValues(string config)
        {
            using var machine = new DiagnosisFixture();
            machine.Write("home/u/.ssh/config", config);

            Assert.DoesNotContain(machine.Findings("web01"), f => f.Id == FindingId.SettingShadowed);
        }

        [Fact]
        public void SettingShadowed_HostLineOfNegationsOnly_MatchesNoHost()
        {
            using var machine = new DiagnosisFixture();
            machine.Write("home/u/.ssh/config", "Host !bastion\n    ServerAliveInterval 30\nHost *\n    ServerAliveInterval 60\n");

            Finding finding = Single(machine.Findings("web01"), FindingId.SettingShadowed);

            Assert.Contains("matches no host", finding.Message);
            Assert.Contains("'Host * !bastion'", finding.Fix);
        }

        [Fact]
        public void SettingShadowed_ServerLineAtTheMarginAfterAnIndentedMatchBlock_SaysItBelongsToTheBlock()
        {
            using var machine = new DiagnosisFixture();
            machine.Write("etc/ssh/sshd_config", "ClientAliveInterval 60\nMatch User backup\n    X11Forwarding no\nClientAliveCountMax 5\n");

            Finding finding = Single(machine.Findings(), FindingId.SettingShadowed);

            Assert.Contains($"{machine.ServerConfig}:4", finding.Message);
            Assert.Contains("'Match User backup' (line 2)", finding.Message);
            Assert.StartsWith($"Move line 4 of {machine.ServerConfig} above line 2", finding.Fix);
        }

        [Fact]
        public void SettingShadowed_ServerDuplicate_NamesBothPlaces()
        {
            using var machine = new DiagnosisFixture();
            string dropIn = machine.Write("etc/ssh/sshd_config.d/10-cloud.conf", "ClientAliveInterval 0\n");
            machine.Write("etc/ssh/sshd_config", "Include sshd_config.d/*.conf\nClientAliveInterval 60\n");

            Finding finding = Single(machine.Findings(), FindingId.SettingShadowed);

            Assert.Contains($"{machine.ServerConfig}:2", finding.Message);
            Assert.Contains($"{dropIn}:1", finding.Message);
            Assert.Equal(FixKind.Manual, finding.FixKind);
        }

        [Fact]
        public void ShellIdleLogout_ReadOnlyTmoutInProfile_IsTheTopFindingAndSaysKeepalivesCannotHelp()
        {
            using var machine = new DiagnosisFixture();
            machine.Write("etc/profile", "readonly TMOUT=900\nexport TMOUT\n");

            TargetDiagnosis result = machine.Diagnose("web01");

            Finding top = result.Findings[0];
            Assert.Equal(FindingId.ShellIdleLogout, top.Id);
            Assert.Equal(FindingSeverity.Warning, top.Severity);
            Assert.Equal(900, top.IdleSeconds);
            Assert.Contains("Keepalives cannot help", top.Message);
            Assert.Contains("read-only", top.Evidence);
            Assert.StartsWith($"Remove line 1 of {machine.Path("etc/profile")}", top.Fix);
            Assert.Equal(result.Report.Summary.IdleTimeoutSource, "TMOUT (" + machine.Path("etc/profile") + ":1)");
        }

        [Theory]
        [InlineData("/bin/zsh", "etc/zsh/zshrc", "TMOUT=600\n", 600)]
        [InlineData("/usr/bin/zsh", "home/u/.zprofile", "typeset -r TMOUT=300\n", 300)]
        [InlineData("/bin/ksh", "home/u/.kshrc", "export TMOUT=120\n", 120)]
        [InlineData("/usr/bin/tcsh", "home/u/.tcshrc", "set autologout = 10\n", 600)]
        [InlineData("/bin/csh", "etc/csh.login", "set -r autologout=(5 2)\n", 300)]
        public void ShellIdleLogout_ReadsTheLoginShellsOwnFiles(string shell, string file, string text, int seconds)
        {
            using var machine = new DiagnosisFixture();
            machine.Write("etc/passwd", $"u:x:1000:1000::/home/u:{shell}\n");
            machine.Write(file, text);

            Finding top = machine.Findings("web01")[0];

            Assert.Equal(FindingId.ShellIdleLogout, top.Id);
            Assert.Equal(seconds, top.IdleSeconds);
            Assert.Contains(machine.Path(file) + ":1", top.Evidence);
        }

        [Fact]
        public void ShellIdleLogout_InAnotherShellsFiles_IsOnlyInfo()
        {
            using var machine = new DiagnosisFixture();
            machine.Write("etc/zsh/zshrc", "TMOUT=600\n");

            Finding finding = Single(machine.Findings("web01"), FindingId.ShellIdleLogout);

            Assert.Equal(FindingSeverity.Info, finding.Severity);
            Assert.Contains("zsh login shell", finding.Message);
            Assert.Null(machine.Diagnose("web01").Report.Summary.IdleTimeoutSeconds);
        }

        [Fact]
        public void LogindIdleStop_InADropIn_WinsOverTheMainFile_AndEndsTheSession()
        {
            using var machine = new DiagnosisFixture();
            machine.Write("etc/systemd/logind.conf", "[Login]\nStopIdleSessionSec=1h\n");
            string dropIn = machine.Write("etc/systemd/logind.conf.d/50-idle.conf", "[Login]\nStopIdleSessionSec=30min\n");

            Finding top = machine.Findings("web01")[0];

            Assert.Equal(FindingId.LogindIdleStop, top.Id);
            Assert.Equal(1800, top.IdleSeconds);
            Assert.Contains(dropIn + ":2", top.Evidence);
            Assert.Contains("StopIdleSessionSec=infinity on line 2 of " + dropIn, top.Fix);
        }

        [Fact]
        public void SessionChannelTimeout_ForShells_IsAWarningFixedBySettingItsEntriesToZero()
        {
            using var machine = new DiagnosisFixture();
            machine.Write("etc/ssh/sshd_config", "ClientAliveInterval 60\nChannelTimeout session:*=10m global=1h x11-connection=1m\n");

            Finding top = machine.Findings()[0];

            Assert.Equal(FindingId.SessionChannelTimeout, top.Id);
            Assert.Equal(600, top.IdleSeconds);
            Assert.Equal($"Set-SshTimeoutConfig -Scope Server -Path {machine.ServerConfig} -ChannelTimeout 'session:*=0', global=0", top.Fix);
        }

        [Fact]
        public void SessionChannelTimeout_WrittenAsPlainSession_IsNotReported_AsSshdNeverAppliesItToShells()
        {
            using var machine = new DiagnosisFixture();
            machine.Write("etc/ssh/sshd_config", "ClientAliveInterval 60\nChannelTimeout session=10m\n");

            Assert.Empty(machine.Findings());
        }

        [Theory]
        [InlineData("UnusedConnectionTimeout 5m\n", FindingId.UnusedConnectionTimeout, FindingSeverity.Info, "Set-SshTimeoutConfig -Scope Server -Path {0} -UnusedConnectionTimeout none")]
        [InlineData("ClientAliveCountMax 0\n", FindingId.ClientAliveCountMaxZero, FindingSeverity.Warning, "Set-SshKeepAlive -Scope Server -Path {0} -Interval 60 -CountMax 3")]
        [InlineData("LoginGraceTime 0\n", FindingId.LoginGraceTimeZero, FindingSeverity.Warning, "Set-SshTimeoutConfig -Scope Server -Path {0} -LoginGraceTime 120")]
        public void ServerSettings_AreReportedWithTheirFix(string line, FindingId id, FindingSeverity severity, string fix)
        {
            using var machine = new DiagnosisFixture();
            machine.Write("etc/ssh/sshd_config", "ClientAliveInterval 60\n" + line);

            Finding finding = Single(machine.Findings(), id);

            Assert.Equal(severity, finding.Severity);
            Assert.Equal(string.Format(fix, machine.ServerConfig), finding.Fix);
            Assert.Contains(machine.ServerConfig + ":2", finding.Evidence);
        }

        [Fact]
        public void Findings_OfARemoteMachine_NameItInTheirEvidence_AndTheirFixesRunThere()
        {
            using var machine = new DiagnosisFixture();
            machine.Write("etc/ssh/sshd_config", "ClientAliveInterval 60\nClientAliveCountMax 0\n");
            machine.Write("etc/profile", "TMOUT=600\n");
            DateTimeOffset started = DateTimeOffset.UtcNow.AddMinutes(-10);
            StartDaemon(machine, 4242, started, pidWritten: started);
            machine.Machine.Files[machine.ServerConfig] = new FileFacts(machine.ServerConfig, 0, 0x1A4, started.AddMinutes(5));
            void Remote(TimeoutReportOptions options)
            {
                // The config the host's sshd runs with is the one remote edits default to; ssh -G there reads the login user's files.
                options.ComputerName = "admin@web01";
                options.Environment.ServerConfig = machine.ServerConfig;
                options.Environment.CommandUserConfigPath = "/home/admin/.ssh/config";
            }

            var findings = machine.Findings("db01", Remote, pathIdleTimeout: 30);

            Assert.All(findings, f => Assert.Equal("admin@web01", f.ComputerName));
            Assert.All(findings, f => Assert.StartsWith("admin@web01: ", f.Evidence));
            Finding countMax = Single(findings, FindingId.ClientAliveCountMaxZero);
            Assert.Contains(machine.ServerConfig + ":2", countMax.Evidence);
            Assert.Equal("Set-SshKeepAlive -Scope Server -ComputerName admin@web01 -Interval 60 -CountMax 3 -Reload", countMax.Fix);
            Assert.Equal("Set-SshKeepAlive -Scope Server -ComputerName admin@web01 -Reload", Single(findings, FindingId.SshdConfigNotLoaded).Fix);
            Assert.Equal("Set-SshKeepAlive -ComputerName admin@web01 -User u -HostName db01 -Interval 15", Single(findings, FindingId.KeepAliveTooSlow).Fix);
            Assert.StartsWith($"On admin@web01: Remove line 1 of {machine.Path("etc/profile")}", Single(findings, FindingId.ShellIdleLogout).Fix);
        }

        [Fact]
        public void DeadPeerUndetected_OnEachSideWithTcpKeepAliveOffAndNoApplicationKeepalive()
        {
            using var machine = new DiagnosisFixture();
            machine.Write("home/u/.ssh/config", "Host *\n    TCPKeepAlive no\n");
            machine.Write("etc/ssh/sshd_config", "TCPKeepAlive no\n");

            var findings = machine.Findings("web01").Where(f => f.Id == FindingId.DeadPeerUndetected).ToList();

            Assert.Equal(2, findings.Count);
            Assert.StartsWith("Set-SshKeepAlive -HostName web01", findings[0].Fix);
            Assert.StartsWith("Set-SshKeepAlive -Scope Server", findings[1].Fix);
        }

        [Fact]
        public void SshdConfigNotLoaded_WhenTheFileChangedAfterTheDaemonStarted_IsAnErrorFixedByAReload()
        {
            using var machine = new DiagnosisFixture();
            DateTimeOffset started = DateTimeOffset.UtcNow.AddMinutes(-10);
            StartDaemon(machine, 4242, started, pidWritten: started.AddSeconds(0.2));
            machine.Machine.Files[machine.ServerConfig] = new FileFacts(machine.ServerConfig, 0, 0x1A4, started.AddMinutes(5));

            Finding finding = Single(machine.Findings(), FindingId.SshdConfigNotLoaded);

            Assert.Equal(FindingSeverity.Error, finding.Severity);
            Assert.Contains("pid 4242", finding.Message);
            Assert.Equal($"Set-SshKeepAlive -Scope Server -Path {machine.ServerConfig} -Reload", finding.Fix);
        }

        [Fact]
        public void SshdConfigNotLoaded_IsNotReportedAfterAReloadRewroteThePidFile_NorForAnOlderFile()
        {
            using var machine = new DiagnosisFixture();
            DateTimeOffset started = DateTimeOffset.UtcNow.AddMinutes(-10);
            StartDaemon(machine, 4242, started, pidWritten: started.AddMinutes(6));
            machine.Machine.Files[machine.ServerConfig] = new FileFacts(machine.ServerConfig, 0, 0x1A4, started.AddMinutes(5));
            var reloaded = machine.Findings();
            machine.Machine.Files[machine.Path("run/sshd.pid")] = new FileFacts(machine.Path("run/sshd.pid"), 0, 0x1A4, started);
            machine.Machine.Files[machine.ServerConfig] = new FileFacts(machine.ServerConfig, 0, 0x1A4, started.AddDays(-1));

            Assert.DoesNotContain(reloaded, f => f.Id == FindingId.SshdConfigNotLoaded);
            Assert.DoesNotContain(machine.Findings(), f => f.Id == FindingId.SshdConfigNotLoaded);
        }

        [Fact]
        public void SshdConfigNotLoaded_NeedsALiveDaemon()
        {
            using var machine = new DiagnosisFixture();
            machine.Write("run/sshd.pid", "4242\n");
            machine.Machine.Files[machine.ServerConfig] = new FileFacts(machine.ServerConfig, 0, 0x1A4, DateTimeOffset.UtcNow);

            Assert.Empty(machine.Findings());
        }

        [Fact]
        public void SshdConfigInvalid_QuotesSshdTAndSaysHowToCheckAgain()
        {
            using var machine = new DiagnosisFixture();
            Sshd(machine, new CommandOutput(255, string.Empty, $"{machine.ServerConfig}: line 2: Bad configuration option: ClientAliveIntervall\n{machine.ServerConfig}: terminating, 1 bad configuration options\n"));

            Finding finding = Single(machine.Findings(), FindingId.SshdConfigInvalid);

            Assert.Equal(FindingSeverity.Error, finding.Severity);
            Assert.EndsWith("line 2: Bad configuration option: ClientAliveIntervall", finding.Message);
            Assert.Contains("terminating, 1 bad configuration options", finding.Evidence);
            Assert.EndsWith($"sshd -t -f {machine.ServerConfig}", finding.Fix);
        }

        [Theory]
        [InlineData(0, "")]
        [InlineData(255, "Missing privilege separation directory: /run/sshd\n")]
        public void SshdConfigInvalid_IsNotReportedWhenSshdAcceptsTheFile_OrCannotJudgeIt(int exitCode, string error)
        {
            using var machine = new DiagnosisFixture();
            Sshd(machine, new CommandOutput(exitCode, string.Empty, error));

            Assert.Empty(machine.Findings());
        }

        [Fact]
        public void SshdConfigInvalid_WithoutRoot_FallsBackToTheResolversErrors()
        {
            using var machine = new DiagnosisFixture();
            machine.Write("etc/ssh/sshd_config", "ClientAliveInterval 60\nClientAliveCountMax many\n");

            Finding finding = Single(machine.Findings(), FindingId.SshdConfigInvalid);

            Assert.Contains(machine.ServerConfig + ":2", finding.Message);
            Assert.Contains("needs root", finding.Evidence);
        }

        [Theory]
        [InlineData(1000u, 0x1B4, "chmod go-w")]
        [InlineData(1001u, 0x180, "chown 1000")]
        public void ClientConfigInsecure_UserConfigWritableByOthersOrOwnedByAnother_IsAnError(uint owner, int mode, string fix)
        {
            using var machine = new DiagnosisFixture();
            machine.Machine.Files[machine.UserConfig] = new FileFacts(machine.UserConfig, owner, mode, DateTimeOffset.UtcNow);

            Finding finding = Single(machine.Findings("web01"), FindingId.ClientConfigInsecure);

            Assert.Equal("ssh refuses to run: Bad owner or permissions on " + machine.UserConfig, finding.Message);
            Assert.Contains(fix, finding.Fix);
        }

        [Fact]
        public void ClientConfigInsecure_AppliesToIncludedFiles_NotToTheSystemFileOrAFileGivenWithPath()
        {
            using var machine = new DiagnosisFixture();
            string included = machine.Write("home/u/.ssh/conf.d/work.conf", "Host work\n    ServerAliveInterval 30\n");
            machine.Write("home/u/.ssh/config", "Include conf.d/*.conf\nHost *\n    ServerAliveInterval 60\n");
            machine.Machine.Files[included] = new FileFacts(included, 1000, 0x1B6, DateTimeOffset.UtcNow);
            string system = machine.Path("etc/ssh/ssh_config");
            machine.Machine.Files[system] = new FileFacts(system, 0, 0x1B6, DateTimeOffset.UtcNow);
            string given = machine.Write("given_config", "Host *\n    ServerAliveInterval 60\n");
            machine.Machine.Files[given] = new FileFacts(given, 1000, 0x1B6, DateTimeOffset.UtcNow);

            Finding finding = Single(machine.Findings("web01"), FindingId.ClientConfigInsecure);
            var fromPath = machine.Findings("web01", o => { o.ConfigPath = given; o.Scopes = new[] { TimeoutScope.Client }; });

            Assert.EndsWith(included, finding.Message);
            Assert.DoesNotContain(fromPath, f => f.Id == FindingId.ClientConfigInsecure);
        }

        [Fact]
        public void ClientConfigInvalid_InSshsOwnWords_WhenSshGRefusesTheFile()
        {
            using var machine = new DiagnosisFixture();
            string given = machine.Write("given_config", "\uFEFFHost *\n    ServerAliveInterval 60\n");
            machine.Machine.Commands[$"ssh -G -F {given} web01"] = new CommandOutput(255, string.Empty, $"{given}: line 1: Bad configuration option: \\357\\273\\277host\n{given}: terminating, 1 bad configuration options\n");

            Finding finding = Single(machine.Findings("web01", o => { o.ConfigPath = given; o.Scopes = new[] { TimeoutScope.Client }; }), FindingId.ClientConfigInvalid);

            Assert.Equal($"ssh refuses its configuration for web01: {given}: line 1: Bad configuration option: \\357\\273\\277host", finding.Message);
            Assert.StartsWith($"Save {given} as UTF-8 without a byte-order mark", finding.Fix);
        }

        [Fact]
        public void ClientConfigInvalid_WithoutSsh_FindsAByteOrderMarkAndUnknownKeywordsItself()
        {
            using var machine = new DiagnosisFixture();
            machine.Write("home/u/.ssh/config", "\uFEFFHost *\n    ServerAliveInterval 60\n    ServerAliveIntervall 30\n");

            var findings = machine.Findings("web01").Where(f => f.Id == FindingId.ClientConfigInvalid).ToList();

            Assert.Equal(2, findings.Count);
            Assert.Contains("byte-order mark", findings[0].Message);
            Assert.Contains($"{machine.UserConfig}:3", findings[1].Message);
            Assert.Contains("IgnoreUnknown ServerAliveIntervall", findings[1].Fix);
        }

        [Fact]
        public void ClientConfigInvalid_WithTheRealSsh_QuotesItsMessage()
        {
            using var machine = new DiagnosisFixture();
            string given = machine.Write("given_config", "Host *\n    ServerAliveInterval 60\n    FooBar yes\n");
            var local = new DelegatingMachine(machine.Machine);

            var diagnosis = Diagnosis.Open(new TimeoutReportOptions(TimeoutEnvironment.UnderRoot(machine.Root, machine.Path("home/u"), "u", OsKind.Linux, local)) { ConfigPath = given, Scopes = new[] { TimeoutScope.Client } });
            Finding finding = Single(diagnosis.Diagnose("web01").Findings, FindingId.ClientConfigInvalid);

            Assert.Contains($"{given}: line 3: Bad configuration option: foobar", finding.Message);
        }

        [Fact]
        public void KernelKeepAliveTooSlow_WhenConntrackForgetsFirst_IsAWarningIfTcpKeepAliveIsAllThereIs()
        {
            using var machine = new DiagnosisFixture();
            machine.Write("proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established", "3600\n");
            machine.Write("home/u/.ssh/config", "Host *\n    ServerAliveInterval 0\n");
            machine.Write("etc/ssh/sshd_config", "ClientAliveInterval 0\n");

            Finding onlyTcp = Single(machine.Findings("web01"), FindingId.KernelKeepAliveTooSlow);
            machine.Write("home/u/.ssh/config", "Host *\n    ServerAliveInterval 60\n");
            Finding withKeepalive = Single(machine.Findings("web01"), FindingId.KernelKeepAliveTooSlow);

            Assert.Equal(FindingSeverity.Warning, onlyTcp.Severity);
            Assert.Contains("sysctl -w net.ipv4.tcp_keepalive_time=1800", onlyTcp.Fix);
            Assert.Equal(FindingSeverity.Info, withKeepalive.Severity);
        }

        [Fact]
        public void Findings_AreOrderedWithTheSummarysFirstIdleLimitOnTop_ThenBySeverity()
        {
            using var machine = new DiagnosisFixture();
            machine.Write("etc/profile", "TMOUT=1800\n");
            machine.Write("etc/ssh/sshd_config", "ClientAliveInterval 60\nChannelTimeout session:shell=600\nLoginGraceTime 0\nUnusedConnectionTimeout 1h\n");
            machine.Machine.Files[machine.UserConfig] = new FileFacts(machine.UserConfig, 1000, 0x1B6, DateTimeOffset.UtcNow);

            TargetDiagnosis result = machine.Diagnose("web01");

            Assert.Equal(
                new[] { FindingId.SessionChannelTimeout, FindingId.ClientConfigInsecure, FindingId.ShellIdleLogout, FindingId.LoginGraceTimeZero, FindingId.UnusedConnectionTimeout },
                result.Findings.Select(f => f.Id));
            Assert.Equal(result.Report.Summary.IdleLimits[0].Seconds, result.Findings[0].IdleSeconds);
        }

        [Fact]
        public void MacOS_ReadsSysctlAndZshByDefault_FromRecordedOutput()
        {
            using var machine = new DiagnosisFixture(OsKind.MacOS);
            machine.Delete("etc/passwd");
            machine.Write("etc/zshrc", "TMOUT=1200\n");
            machine.Write("home/u/.ssh/config", "Host *\n    ServerAliveInterval 0\n");
            machine.Write("etc/ssh/sshd_config", "ClientAliveInterval 0\n");
            machine.Machine.Commands["sysctl net.inet.tcp.keepidle net.inet.tcp.keepintvl net.inet.tcp.keepcnt"] = new CommandOutput(0, "net.inet.tcp.keepidle: 7200000\nnet.inet.tcp.keepintvl: 75000\nnet.inet.tcp.keepcnt: 8\n", string.Empty);

            TargetDiagnosis result = machine.Diagnose("web01");

            Assert.Equal(FindingId.ShellIdleLogout, result.Findings[0].Id);
            Assert.Contains("zsh (the user's login shell)", result.Findings[0].Evidence);
            Finding slow = Single(result.Findings, FindingId.KeepAliveTooSlow);
            Assert.Contains("net.inet.tcp.keepidle", slow.Evidence);
            Assert.Equal(7200 + (75 * 8), result.Report.Summary.ClientDeadPeerSeconds);
        }

        [Fact]
        public void Windows_ReadsTheTcpipRegistryValueAndProgramDataSsh_FromRecordedOutput()
        {
            using var machine = new DiagnosisFixture(OsKind.Windows);
            machine.Write("ProgramData/ssh/sshd_config", "ClientAliveInterval 0\nLoginGraceTime 0\n");
            machine.Write("Users/u/.ssh/config", "Host *\n    ServerAliveInterval 0\n");
            machine.Machine.UserId = null;
            machine.Machine.Commands[@"reg query HKLM\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters"] =
                new CommandOutput(0, "\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters\r\n    KeepAliveTime    REG_DWORD    0x927c0\r\n    Hostname    REG_SZ    win01\r\n", string.Empty);

            Diagnosis diagnosis = machine.Open();
            TargetDiagnosis result = diagnosis.Diagnose("web01");

            Assert.Equal(new[] { TimeoutScope.Client, TimeoutScope.Server, TimeoutScope.Kernel }, diagnosis.Reporter.Scopes);
            Assert.Contains(result.Report.Summary.Settings, s => s.Name == "KeepAliveTime" && (int)s.Value! == 600);
            Finding slow = Single(result.Findings, FindingId.KeepAliveTooSlow);
            Assert.Contains("KeepAliveTime (HKLM", slow.Evidence);
            Assert.Contains(machine.ServerConfig, Single(result.Findings, FindingId.LoginGraceTimeZero).Evidence);
        }

        private static void StartDaemon(DiagnosisFixture machine, int pid, DateTimeOffset started, DateTimeOffset pidWritten)
        {
            string pidFile = machine.Write("run/sshd.pid", pid + "\n");
            machine.Machine.Processes[pid] = started;
            machine.Machine.Files[pidFile] = new FileFacts(pidFile, 0, 0x1A4, pidWritten);
        }

        private static void Sshd(DiagnosisFixture machine, CommandOutput output)
        {
            machine.Machine.UserId = 0;
            machine.Machine.Files[SshPlatform.SshdPath] = new FileFacts(SshPlatform.SshdPath, 0, 0x1ED, DateTimeOffset.UtcNow);
            machine.Machine.Commands[$"{SshPlatform.SshdPath} -t -f {machine.ServerConfig}"] = output;
        }

        private static Finding Single(IEnumerable<Finding> findings, FindingId id)
        {
            var matching = findings.Where(f => f.Id == id).ToList();
            Assert.True(matching.Count == 1, $"Expected one {id}, found: {string.Join("; ", findings)}");
            return matching[0];
        }

        /// <summary>The recorded machine's files and ids, with this machine's programs (the real ssh).</summary>
        private sealed class DelegatingMachine : IMachine
        {
            private readonly RecordedMachine recorded;

            public DelegatingMachine(RecordedMachine recorded) => this.recorded = recorded;

            public uint? UserId => recorded.UserId;

            public FileFacts? Stat(string path) => recorded.Stat(path);

            public DateTimeOffset? ProcessStartTime(int pid) => recorded.ProcessStartTime(pid);

            public CommandOutput Run(string program, params string[] arguments) => LocalMachine.Instance.Run(program, arguments);

            public CommandOutput? RunAsRoot(string program, params string[] arguments) => recorded.UserId == 0 ? Run(program, arguments) : null;
        }
    }
}
