using System.IO;
using SshKeepAlive.Core.Shell;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Shell
{
    /// <summary>zsh, ksh and tcsh startup files, read in each shell's own order; systemd-logind's StopIdleSessionSec.</summary>
    public sealed class ShellFamilyTests
    {
        [Theory]
        [InlineData("/bin/bash", ShellFamily.Bash)]
        [InlineData("/bin/sh", ShellFamily.Bash)]
        [InlineData("/usr/bin/zsh", ShellFamily.Zsh)]
        [InlineData("/bin/mksh", ShellFamily.Ksh)]
        [InlineData("/bin/ksh93", ShellFamily.Ksh)]
        [InlineData("/bin/tcsh", ShellFamily.Tcsh)]
        [InlineData("/bin/csh", ShellFamily.Tcsh)]
        [InlineData("/usr/bin/fish", null)]
        [InlineData("/usr/sbin/nologin", null)]
        [InlineData("", null)]
        public void FromPath_NamesTheFamilyOfALoginShell(string path, ShellFamily? family) => Assert.Equal(family, ShellFamilies.FromPath(path));

        [Fact]
        public void Zsh_LoginShell_ReadsZshenvZprofileZshrcZlogin_SystemThenUser_LastWins()
        {
            using var root = new TempDirectory();
            Write(root, "etc/zsh/zprofile", "TMOUT=900\n");
            Write(root, "home/u/.zshrc", "TMOUT=600\n");
            Write(root, "etc/zsh/zlogin", "# nothing\n");

            ShellTimeoutReport report = new ShellTimeoutReader(root.Path, root.File("home/u")).Read(ShellFamily.Zsh);

            Assert.Equal(600, report.Login.Seconds);
            Assert.Equal(root.File("home/u/.zshrc"), report.Login.Source!.File);
            Assert.Equal(600, report.Interactive.Seconds);
            Assert.Equal(ShellFamily.Zsh, report.Login.Family);
        }

        [Fact]
        public void Zsh_OnMacOS_ReadsEtcZshrc_AndReadOnlyRefusesLaterAssignments()
        {
            using var root = new TempDirectory();
            Write(root, "etc/zshrc", "typeset -r TMOUT=1200\n");
            Write(root, "home/u/.zshrc", "TMOUT=0\n");

            ShellTimeout login = new ShellTimeoutReader(root.Path, root.File("home/u")).Read(ShellFamily.Zsh).Login;

            Assert.Equal(1200, login.Seconds);
            Assert.True(login.IsReadOnly);
            Assert.Single(login.Refused);
        }

        [Fact]
        public void Ksh_LoginShell_ReadsProfileThenKshrc()
        {
            using var root = new TempDirectory();
            Write(root, "etc/profile", "export TMOUT=900\n");
            Write(root, "home/u/.kshrc", "TMOUT=300\n");

            ShellTimeoutReport report = new ShellTimeoutReader(root.Path, root.File("home/u")).Read(ShellFamily.Ksh);

            Assert.Equal(300, report.Login.Seconds);
            Assert.Equal(300, report.Interactive.Seconds);
        }

        [Theory]
        [InlineData("set autologout = 30", 1800, false)]
        [InlineData("set autologout=5", 300, false)]
        [InlineData("set autologout=(10 5)", 600, false)]
        [InlineData("set -r autologout = 2", 120, true)]
        [InlineData("set autologout=\"15\"", 900, false)]
        [InlineData("if ($?prompt) set path = ($path) ; set autologout = 1 # idle", 60, false)]
        [InlineData("set autologout = 30\nunset autologout", null, false)]
        [InlineData("# set autologout = 30", null, false)]
        public void Tcsh_AutologoutIsMinutes(string text, int? seconds, bool readOnly)
        {
            using var root = new TempDirectory();
            Write(root, "etc/csh.cshrc", text + "\n");

            ShellTimeout login = new ShellTimeoutReader(root.Path, root.File("home/u")).Read(ShellFamily.Tcsh).Login;

            Assert.Equal(seconds, login.Seconds);
            Assert.Equal(readOnly, login.IsReadOnly);
        }

        [Fact]
        public void Tcsh_FollowsSource_AndReadsTcshrcInsteadOfCshrc()
        {
            using var root = new TempDirectory();
            Write(root, "home/u/.cshrc", "set autologout = 99\n");
            Write(root, "home/u/.tcshrc", "source ~/.idle\n");
            Write(root, "home/u/.idle", "set autologout = 3\n");

            ShellTimeout login = new ShellTimeoutReader(root.Path, root.File("home/u")).Read(ShellFamily.Tcsh).Login;

            Assert.Equal(180, login.Seconds);
            Assert.Equal(root.File("home/u/.idle"), login.Source!.File);
        }

        [Fact]
        public void HasOwnStartupFiles_IgnoresTheFilesEveryBourneShellShares()
        {
            using var root = new TempDirectory();
            Write(root, "etc/profile", "TMOUT=5\n");
            var reader = new ShellTimeoutReader(root.Path, root.File("home/u"));

            Assert.False(reader.HasOwnStartupFiles(ShellFamily.Ksh));
            Write(root, "home/u/.kshrc", "\n");
            Assert.True(reader.HasOwnStartupFiles(ShellFamily.Ksh));
        }

        [Fact]
        public void Logind_LastAssignmentWins_DropInsByNameAcrossFolders_EtcHidingUsrLib()
        {
            using var root = new TempDirectory();
            Write(root, "etc/systemd/logind.conf", "[Login]\nStopIdleSessionSec=2h\n");
            Write(root, "usr/lib/systemd/logind.conf.d/10-vendor.conf", "[Login]\nStopIdleSessionSec=5min\n");
            Write(root, "etc/systemd/logind.conf.d/10-vendor.conf", "[Login]\n# masked\n");
            Write(root, "run/systemd/logind.conf.d/20-run.conf", "[Login]\nStopIdleSessionSec=1h 30min\n[Other]\nStopIdleSessionSec=1\n");

            LogindIdleSetting setting = new LogindIdleReader(root.Path).Read();

            Assert.Equal(5400, setting.Seconds);
            Assert.Equal(root.File("run/systemd/logind.conf.d/20-run.conf"), setting.File);
            Assert.Equal(2, setting.Line);
            Assert.Equal(3, setting.FilesRead.Count);
        }

        [Theory]
        [InlineData("600", 600)]
        [InlineData("30min", 1800)]
        [InlineData("1h 30min", 5400)]
        [InlineData("2min30s", 150)]
        [InlineData("1d", 86400)]
        [InlineData("infinity", null)]
        [InlineData("soon", null)]
        public void Logind_TimeSpans(string value, int? seconds)
        {
            using var root = new TempDirectory();
            Write(root, "etc/systemd/logind.conf", "[Login]\nStopIdleSessionSec=" + value + "\n");

            LogindIdleSetting setting = new LogindIdleReader(root.Path).Read();

            Assert.Equal(seconds, setting.Seconds);
            Assert.Equal(value == "soon" ? 1 : 0, setting.Problems.Count);
        }

        private static void Write(TempDirectory root, string relative, string text)
        {
            string path = Path.Combine(root.Path, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }
    }
}
