using System;
using System.IO;
using System.Linq;
using System.Text;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Platform
{
    /// <summary>The remote scripts run in this machine's /bin/sh (dash on Debian): files, names and arguments come back byte for byte.</summary>
    public sealed class RemoteFileSystemTests
    {
        private static RemoteFileSystem Files(LocalCommandChannel channel) => new RemoteFileSystem(new RemoteShell(channel, loginIsRoot: true), asRoot: false);

        [Fact]
        public void ReadAllBytes_OfEveryByteValue_ComesBackUnchanged()
        {
            using var dir = new TempDirectory();
            string path = dir.File("all bytes 'quoted' $(x)");
            byte[] content = Enumerable.Range(0, 256).Select(b => (byte)b).Concat(new byte[] { 10, 0, 10 }).ToArray();
            File.WriteAllBytes(path, content);

            Assert.Equal(content, Files(new LocalCommandChannel()).ReadAllBytes(path));
        }

        [Fact]
        public void EntriesOf_NamesWithSpacesNewlinesAndLeadingDots_AreListedAsTheyAre()
        {
            using var dir = new TempDirectory();
            string[] names = { "a b", "new\nline", ".hidden", "..dots", "*star", "-dash" };
            foreach (string name in names)
            {
                File.WriteAllText(Path.Combine(dir.Path, name), name);
            }

            RemoteFileSystem files = Files(new LocalCommandChannel());

            Assert.Equal(names.OrderBy(n => n, StringComparer.Ordinal), files.EntriesOf(dir.Path).OrderBy(n => n, StringComparer.Ordinal));
            Assert.Equal("new\nline", Encoding.UTF8.GetString(files.ReadAllBytes(Path.Combine(dir.Path, "new\nline"))));
        }

        [Fact]
        public void KindOf_FollowsLinks_AndTellsFifosFromFiles()
        {
            using var dir = new TempDirectory();
            File.WriteAllText(dir.File("target"), "x");
            File.CreateSymbolicLink(dir.File("link"), dir.File("target"));
            File.CreateSymbolicLink(dir.File("dangling"), dir.File("nowhere"));
            Assert.Equal(0, ProcessRunner.Run("mkfifo", dir.File("fifo")).ExitCode);
            RemoteFileSystem files = Files(new LocalCommandChannel());

            Assert.Equal(FileKind.Regular, files.KindOf(dir.File("link")));
            Assert.Equal(FileKind.Missing, files.KindOf(dir.File("dangling")));
            Assert.Equal(FileKind.Fifo, files.KindOf(dir.File("fifo")));
            Assert.Equal(FileKind.Directory, files.KindOf(dir.Path));
            Assert.Throws<FileNotFoundException>(() => files.ReadAllBytes(dir.File("nowhere")));
        }

        [Fact]
        public void Stat_GivesOwnerAndMode_AsLsShowsThem()
        {
            using var dir = new TempDirectory();
            string path = dir.File("f");
            File.WriteAllText(path, "x");
            Assert.Equal(0, ProcessRunner.Run("chmod", "2640", path).ExitCode);

            UnixFileInfo info = Files(new LocalCommandChannel()).Stat(path)!;

            Assert.Equal(Convert.ToInt32("2640", 8), info.Mode);
            Assert.Equal(new LocalFileSystem().Stat(path)!.UserId, info.UserId);
        }

        [Fact]
        public void LoadedConfig_ThroughTheRemoteFiles_IsTheTreeLocalFilesGive_InOneRoundTripPerIncludeLevel()
        {
            using var dir = new TempDirectory();
            Directory.CreateDirectory(dir.File("conf.d"));
            File.WriteAllText(dir.File("sshd_config"), $"Include {dir.Path}/conf.d/*.conf\nClientAliveInterval 10\n");
            File.WriteAllText(dir.File("conf.d/20-b.conf"), "ClientAliveCountMax 2\n");
            File.WriteAllText(dir.File("conf.d/10-a.conf"), "TCPKeepAlive no\n");
            File.WriteAllText(dir.File("conf.d/.hidden.conf"), "TCPKeepAlive yes\n");
            var rules = IncludeRules.ForServerConfig(dir.Path, dir.Path);
            var channel = new LocalCommandChannel();

            LoadedConfig remote = LoadedConfig.Load(dir.File("sshd_config"), rules, Files(channel));
            LoadedConfig local = LoadedConfig.Load(dir.File("sshd_config"), rules);

            Assert.Equal(local.AllFiles().Select(f => f.Document.Path), remote.AllFiles().Select(f => f.Document.Path));
            Assert.Equal(local.AllFiles().Select(f => f.Document.ToText()), remote.AllFiles().Select(f => f.Document.ToText()));
            Assert.Equal(2, channel.Runs);
        }

        [Fact]
        public void Run_ArgumentsWithQuotesAndShellSyntax_ArriveAsGiven()
        {
            string[] arguments = { "it's", "$(touch /tmp/sshka-pwned)", "`id`", "a\nb", "*", string.Empty, "\"" };
            var shell = new RemoteShell(new LocalCommandChannel(), loginIsRoot: true);

            string output = shell.RunText("for a in \"$@\"; do printf '[%s]' \"$a\"; done", arguments);

            Assert.Equal(string.Concat(arguments.Select(a => "[" + a + "]")), output);
            Assert.False(File.Exists("/tmp/sshka-pwned"));
        }

        [Fact]
        public void Run_ScriptsRunInTheCLocale_WhateverLocaleTheLoginForwarded()
        {
            var shell = new RemoteShell(new LocalCommandChannel(), loginIsRoot: true);

            Assert.Equal("C", shell.RunText("printf '%s' \"$LC_ALL\""));
        }

        [Fact]
        public void Run_WhenNoShellStartsTheScript_IsCommandFailed_NotAnEmptyAnswer()
        {
            var shell = new RemoteShell(new BrokenLoginChannel(), loginIsRoot: true);

            var error = Assert.Throws<SshKeepAliveException>(() => shell.Run("echo hi"));

            Assert.Equal(ErrorId.CommandFailed, error.Id);
            Assert.Contains("no such shell", error.Message);
        }

        // A login shell that runs nothing (a locked account's /usr/sbin/nologin, say).
        private sealed class BrokenLoginChannel : IRemoteCommandChannel
        {
            public string HostName => "broken";

            public string ServerIdentification => string.Empty;

            public RemoteProcessResult Run(string commandLine, byte[]? input, TimeSpan timeout, System.Threading.CancellationToken cancellationToken) =>
                new RemoteProcessResult(1, Array.Empty<byte>(), Encoding.UTF8.GetBytes("no such shell"));

            public IRemoteProcess Start(string commandLine) => throw new NotSupportedException();

            public void Dispose()
            {
            }
        }
    }
}
