using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using SshKeepAlive.Core.Shell;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Shell
{
    public sealed class ShellTimeoutReaderTests
    {
        /// <summary>Each case is files read one after another; bash sourcing them in that order is the oracle.</summary>
        [Theory]
        [InlineData("TMOUT=600")]
        [InlineData("export TMOUT=600")]
        [InlineData("readonly TMOUT=600", "TMOUT=30")]
        [InlineData("declare -r TMOUT=600", "TMOUT=30")]
        [InlineData("typeset -r TMOUT=600", "unset TMOUT")]
        [InlineData("declare -rx TMOUT=900", "declare -r TMOUT=1")]
        [InlineData("TMOUT=600\nreadonly TMOUT", "TMOUT=5")]
        [InlineData("readonly TMOUT", "TMOUT=5")]
        [InlineData("TMOUT='300'", "TMOUT=\"450\"")]
        [InlineData("x=1; TMOUT=120; export TMOUT # TMOUT=5")]
        [InlineData("# TMOUT=999\n  TMOUT=60  # idle logout")]
        [InlineData("TMOUT=600", "unset TMOUT")]
        [InlineData("TMOUT=7\nTMOUT=5 true")]
        [InlineData("if [ -z \"$TMOUT\" ]; then\n  TMOUT=900\nfi")]
        [InlineData("TMOUT=abc")]
        [InlineData("TMOUT=1\n. \"$HOME/.inner\"")]
        [InlineData("readonly TMOUT=1\n. ~/.inner")]
        [InlineData("TMOUT=\\\n600")]
        [InlineData("TMOUT=60 ; TMOUT=120", "export TMOUT=600 && readonly TMOUT")]
        [InlineData("declare -x TMOUT=10", "declare +x TMOUT=11")]
        [InlineData("other=1 TMOUT=30")]
        [InlineData("echo TMOUT=5")]
        [InlineData("TMOUT=", "readonly 'TMOUT=45'")]
        [InlineData("msg='it''s; TMOUT=5'\nTMOUT=20")]
        [InlineData("TMOUT=\"a\nb\"\nTMOUT=8")]
        [InlineData("TMOUT=600 2>/dev/null")]
        [InlineData("readonly TMOUT=60 >/dev/null 2>&1", "TMOUT=5 &>/dev/null")]
        [InlineData("TMOUT=5 >/dev/null", "echo x >/dev/null TMOUT=6")]
        [InlineData("TMOUT=7 2>&1 true")]
        [InlineData("cat <<EOF >/dev/null\nTMOUT=5\nEOF")]
        [InlineData("cat <<'END' >/dev/null; TMOUT=3\nTMOUT=5\nEND", "cat <<-X >/dev/null\n\tTMOUT=9\n\tX\n")]
        [InlineData("cat <<< 'TMOUT=4' >/dev/null\nTMOUT=6")]
        [InlineData("TMOUT=600\nnotimeout() { unset TMOUT; }\nfunction f2 {\n  if true; then { TMOUT=1; }; fi\n}\nTMOUT=700")]
        [InlineData("function settmout()\n{\n  TMOUT=5\n}\nsettmout2 () { TMOUT=6; }; TMOUT=8")]
        public void Follow_AgreesWithBashSourcingTheSameFiles(params string[] contents)
        {
            using var home = new TempDirectory();
            File.WriteAllText(home.File(".inner"), "TMOUT=42\n");
            var files = contents.Select((text, i) => home.File("f" + i)).ToArray();
            for (int i = 0; i < files.Length; i++)
            {
                File.WriteAllText(files[i], contents[i] + "\n");
            }

            ShellTimeout ours = new ShellTimeoutReader("/nonexistent-root", home.Path).Follow(ShellKind.Login, files);
            (bool isSet, string? value, bool readOnly) = BashTmout(home.Path, files);

            Assert.Equal(isSet, ours.IsSet);
            Assert.Equal(value, ours.IsSet ? ours.Source!.RawValue : null);
            Assert.Equal(readOnly, ours.IsReadOnly);
        }

        [Fact]
        public void Read_LoginShell_ReadsEtcProfileThenProfileDInByteOrderThenBashProfileOnly()
        {
            using var root = new FakeRoot();
            root.Write("etc/profile", "TMOUT=100\nfor i in /etc/profile.d/*.sh; do\n  if [ -r $i ]; then\n    . $i\n  fi\ndone\n");
            root.Write("etc/profile.d/b.sh", "TMOUT=300\n");
            root.Write("etc/profile.d/a.sh", "TMOUT=200\n");
            root.Write("etc/profile.d/c.txt", "TMOUT=999\n");
            root.WriteHome(".bash_profile", "# nothing\n");
            root.WriteHome(".profile", "TMOUT=5\n");

            ShellTimeoutReport report = root.Read();

            Assert.Equal(300, report.Login.Seconds);
            Assert.Equal(root.Path("etc/profile.d/b.sh") + ":1", report.Login.Source!.ToString());
            Assert.Equal(new[] { root.Path("etc/profile"), root.Path("etc/profile.d/a.sh"), root.Path("etc/profile.d/b.sh"), root.HomePath(".bash_profile") }, report.Login.Files);
        }

        [Fact]
        public void Read_LoginShell_Debian13ProfileLoopOverRunParts_SourcesTheFilesRunPartsLists()
        {
            using var root = new FakeRoot();
            root.Write("etc/profile", "if [ -d /etc/profile.d ]; then\n  for i in $(run-parts --list --regex '^[a-zA-Z0-9_][a-zA-Z0-9._-]*\\.sh$' /etc/profile.d); do\n    if [ -r $i ]; then\n      . $i\n    fi\n  done\n  unset i\nfi\n");
            root.Write("etc/profile.d/zz-idle.sh", "TMOUT=600\n");
            root.Write("etc/profile.d/a.sh", "TMOUT=200\n");
            root.Write("etc/profile.d/-late.sh", "TMOUT=999\n");
            root.Write("etc/profile.d/b.sh.dpkg-old", "TMOUT=998\n");

            ShellTimeoutReport report = root.Read();

            Assert.Equal(600, report.Login.Seconds);
            Assert.Equal(new[] { root.Path("etc/profile"), root.Path("etc/profile.d/a.sh"), root.Path("etc/profile.d/zz-idle.sh") }, report.Login.Files.Take(3));
        }

        [Fact]
        public void Read_LoginShell_ProfileLoopWithNegatedBracket_SourcesTheFilesBashWould()
        {
            using var root = new FakeRoot();
            root.Write("etc/profile", "for i in /etc/profile.d/[!_]*.sh; do\n  . $i\ndone\n");
            root.Write("etc/profile.d/_late.sh", "TMOUT=999\n");
            root.Write("etc/profile.d/a.sh", "TMOUT=200\n");

            ShellTimeoutReport report = root.Read();

            Assert.Equal(200, report.Login.Seconds);
            Assert.Equal(new[] { root.Path("etc/profile"), root.Path("etc/profile.d/a.sh") }, report.Login.Files);
        }

        [Fact]
        public void Read_LoginShell_WithoutBashProfile_FollowsProfileIntoBashrc()
        {
            using var root = new FakeRoot();
            root.WriteHome(".profile", "if [ -n \"$BASH_VERSION\" ]; then\n    if [ -f \"$HOME/.bashrc\" ]; then\n\t. \"$HOME/.bashrc\"\n    fi\nfi\n");
            root.WriteHome(".bashrc", "\n\nexport TMOUT=1800\n");

            ShellTimeoutReport report = root.Read();

            Assert.Equal(1800, report.Login.Seconds);
            Assert.Equal(root.HomePath(".bashrc") + ":3", report.Login.Source!.ToString());
            Assert.Equal(1800, report.Interactive.Seconds);
        }

        [Fact]
        public void Read_WhenSystemFileMakesTmoutReadOnly_UserFilesCannotOverrideIt()
        {
            using var root = new FakeRoot();
            root.Write("etc/profile", "TMOUT=900\nreadonly TMOUT\nexport TMOUT\n");
            root.WriteHome(".bash_profile", "TMOUT=0\n");

            ShellTimeout login = root.Read().Login;

            Assert.Equal(900, login.Seconds);
            Assert.True(login.IsReadOnly);
            Assert.Equal(root.Path("etc/profile") + ":2", login.ReadOnlySource!.ToString());
            Assert.Equal(root.HomePath(".bash_profile") + ":1", Assert.Single(login.Refused).ToString());
        }

        [Fact]
        public void Read_InteractiveShell_ReadsBashBashrcThenBashrc_AndLoginShellDoesNotWithoutASourceLine()
        {
            using var root = new FakeRoot();
            root.Write("etc/bash.bashrc", "TMOUT=600\n");
            root.WriteHome(".bashrc", "TMOUT=1200\n");

            ShellTimeoutReport report = root.Read();

            Assert.Equal(1200, report.Interactive.Seconds);
            Assert.False(report.Login.IsSet);
            Assert.Equal(new[] { 1, 1 }, report.Statements.Select(s => s.Line));
        }

        [Fact]
        public void Read_DebianEtcProfile_SourcesBashBashrcUnderTheRoot()
        {
            using var root = new FakeRoot();
            root.Write("etc/profile", "if [ \"${PS1-}\" ]; then\n  if [ \"${BASH-}\" ] && [ \"$BASH\" != \"/bin/sh\" ]; then\n    if [ -f /etc/bash.bashrc ]; then\n      . /etc/bash.bashrc\n    fi\n  fi\nfi\n");
            root.Write("etc/bash.bashrc", "declare -r TMOUT=300\n");

            ShellTimeout login = root.Read().Login;

            Assert.Equal(300, login.Seconds);
            Assert.True(login.IsReadOnly);
            Assert.Equal(new[] { root.Path("etc/profile"), root.Path("etc/bash.bashrc") }, login.Files);
        }

        [Fact]
        public void Read_ReportsEveryFormWithItsLineAndReadOnlyFlag()
        {
            using var root = new FakeRoot();
            root.Write("etc/profile.d/tmout.sh",
                "TMOUT=1\nexport TMOUT=2\nreadonly TMOUT=3\ndeclare -r TMOUT=4\ntypeset -r TMOUT=5\ndeclare -rx TMOUT=6\nreadonly TMOUT\nunset TMOUT\na=1; TMOUT=\"7\"\n");

            var statements = root.Read().Statements;

            Assert.Equal(new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, statements.Select(s => s.Line));
            Assert.Equal(new int?[] { 1, 2, 3, 4, 5, 6, null, null, 7 }, statements.Select(s => s.Seconds));
            Assert.Equal(new[] { false, false, true, true, true, true, true, false, false }, statements.Select(s => s.MakesReadOnly));
            Assert.Equal(TmoutAction.MakeReadOnly, statements[6].Action);
            Assert.Equal(TmoutAction.Unset, statements[7].Action);
        }

        [Fact]
        public void Read_LinesAfterAHereDocumentOrContinuation_KeepTheirLineNumbers()
        {
            using var root = new FakeRoot();
            root.WriteHome(".bashrc", "cat <<EOF\nTMOUT=1\nEOF\nPATH=/bin:\\\n/usr/bin\nTMOUT=5\n");

            TmoutStatement statement = Assert.Single(root.Read().Statements);

            Assert.Equal((6, 5), (statement.Line, statement.Seconds));
        }

        [Fact]
        public void Read_MalformedValues_AreProblemsWithFileAndLine_AndReadingGoesOn()
        {
            using var root = new FakeRoot();
            root.WriteHome(".bash_profile", "TMOUT=10m\nTMOUT=$LIMIT\nx='unterminated\nTMOUT=5\n");

            ShellTimeoutReport report = root.Read();

            Assert.Equal(
                new[] { ".bash_profile:1", ".bash_profile:2", ".bash_profile:3" },
                report.Problems.Select(p => System.IO.Path.GetFileName(p.File) + ":" + p.Line));
            Assert.Contains("'10m'", report.Problems[0].Message);
            Assert.True(report.Login.IsSet);
            Assert.Null(report.Login.Seconds);
            Assert.Equal(2, report.Login.Source!.Line);
        }

        [Fact]
        public void Read_SourceLoop_StopsAtTheDepthLimitInsteadOfRecursingForever()
        {
            using var root = new FakeRoot();
            root.WriteHome(".bash_profile", "TMOUT=10\n. ~/.bash_profile\n");

            ShellTimeout login = root.Read().Login;

            Assert.Equal(10, login.Seconds);
        }

        [Fact]
        public void Read_WithNoStartupFiles_ReportsNothingSet()
        {
            using var root = new FakeRoot();

            ShellTimeoutReport report = root.Read();

            Assert.Empty(report.Statements);
            Assert.Empty(report.Problems);
            Assert.False(report.Login.IsSet);
            Assert.Null(report.Interactive.Seconds);
        }

        private static (bool IsSet, string? Value, bool ReadOnly) BashTmout(string home, string[] files)
        {
            string script = "cd \"$HOME\" && { " + string.Concat(files.Select(f => $"source '{f}'; ")) + "} >/dev/null; declare -p TMOUT 2>/dev/null || echo unset";
            string output = ProcessRunner.Run("env", "-i", "HOME=" + home, "bash", "--noprofile", "--norc", "-c", script).Output.Trim();
            if (output == "unset")
            {
                return (false, null, false);
            }

            Match declared = Regex.Match(output, "^declare -(?<flags>\\S+) TMOUT(=\"(?<value>.*)\")?$", RegexOptions.Singleline);
            Assert.True(declared.Success, "Unexpected bash output: " + output);
            bool isSet = declared.Groups["value"].Success;
            return (isSet, isSet ? declared.Groups["value"].Value : null, declared.Groups["flags"].Value.Contains('r'));
        }

        /// <summary>A temporary file system root with a home directory inside it.</summary>
        private sealed class FakeRoot : System.IDisposable
        {
            private readonly TempDirectory dir = new TempDirectory();

            public string Path(string relative) => System.IO.Path.Combine(dir.Path, relative);

            public string HomePath(string name) => Path("home/user/" + name);

            public void Write(string relative, string text)
            {
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path(relative))!);
                File.WriteAllText(Path(relative), text);
            }

            public void WriteHome(string name, string text) => Write("home/user/" + name, text);

            public ShellTimeoutReport Read() => new ShellTimeoutReader(dir.Path, Path("home/user")).Read();

            public void Dispose() => dir.Dispose();
        }
    }
}
