using System.Collections.Generic;
using System.IO;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Editing;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Server;
using SshKeepAlive.Core.Tests.Config;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Editing
{
    /// <summary>
    /// A server edit on a machine where sshd -t cannot judge anything (no privilege separation directory or
    /// user, no host key, no sshd): the refusal names that cause and its fix with its own error id, never
    /// blames the edited file, and changes nothing. Each cause is made real for each OpenSSH version by running
    /// that version's sshd in a mount namespace of its tools container where the prerequisite is hidden.
    /// </summary>
    public sealed class ServerEditPrerequisiteTests
    {
        [SshdOracleTheory]
        [MemberData(nameof(TestbedTools.SuiteRows), MemberType = typeof(TestbedTools))]
        public void Set_WhenThePrivilegeSeparationDirectoryIsMissing_SaysSoAndChangesNothing(string suite)
        {
            using var dir = new TempDirectory();
            string config = WriteConfig(dir, withHostKey: true);
            // An empty /run, as on a machine or image where the ssh service never ran.
            string sshd = Wrapper(dir, suite, "mount -t tmpfs sshka-empty-run /run");

            ConfigEditException error = AssertRefusedWithoutChange(dir, config, sshd);

            Assert.Equal(ErrorId.SshdPrivilegeSeparationDirectoryMissing, error.Id);
            Assert.Contains("/run/sshd", error.Message);
            Assert.Contains("install -d -m 0755 /run/sshd", error.Message);
        }

        [SshdOracleTheory]
        [MemberData(nameof(TestbedTools.SuiteRows), MemberType = typeof(TestbedTools))]
        public void Set_WhenThePrivilegeSeparationUserIsMissing_SaysSoAndChangesNothing(string suite)
        {
            using var dir = new TempDirectory();
            string config = WriteConfig(dir, withHostKey: true);
            // The account database without sshd's user, as on a machine where the package's postinst never ran.
            string sshd = Wrapper(dir, suite, "mount -t tmpfs sshka-scratch /mnt && grep -v '^sshd:' /etc/passwd > /mnt/passwd && mount --bind /mnt/passwd /etc/passwd");

            ConfigEditException error = AssertRefusedWithoutChange(dir, config, sshd);

            Assert.Equal(ErrorId.SshdPrivilegeSeparationUserMissing, error.Id);
            Assert.Contains("'sshd'", error.Message);
            Assert.Contains("useradd --system", error.Message);
        }

        [SshdOracleTheory]
        [MemberData(nameof(TestbedTools.SuiteRows), MemberType = typeof(TestbedTools))]
        public void Set_WhenNoHostKeyExists_SaysSoAndChangesNothing(string suite)
        {
            using var dir = new TempDirectory();
            // No HostKey line: sshd looks for /etc/ssh/ssh_host_*_key, which the tools image does not have.
            string config = WriteConfig(dir, withHostKey: false);

            ConfigEditException error = AssertRefusedWithoutChange(dir, config, TestbedTools.For(suite).Sshd);

            Assert.Equal(ErrorId.SshdHostKeysMissing, error.Id);
            Assert.Contains("ssh-keygen -A", error.Message);
        }

        [Fact]
        public void Set_WhenSshdIsNotInstalled_SaysSoAndChangesNothing()
        {
            using var dir = new TempDirectory();
            string config = WriteConfig(dir, withHostKey: false);

            ConfigEditException error = AssertRefusedWithoutChange(dir, config, dir.File("no-such-sshd"));

            Assert.Equal(ErrorId.SshdNotFound, error.Id);
            Assert.Contains(dir.File("no-such-sshd"), error.Message);
            Assert.Contains("openssh-server", error.Message);
        }

        [SshdOracleTheory]
        [MemberData(nameof(TestbedTools.SuiteRows), MemberType = typeof(TestbedTools))]
        public void Set_WithEverythingSshdNeeds_StillBlamesAConfigSshdRejects(string suite)
        {
            using var dir = new TempDirectory();
            string config = WriteConfig(dir, withHostKey: true, extra: "NoSuchKeyword yes\n");

            ConfigEditException error = AssertRefusedWithoutChange(dir, config, TestbedTools.For(suite).Sshd);

            Assert.Equal(ErrorId.SshdConfigRejected, error.Id);
            Assert.Contains("NoSuchKeyword", error.Message);
        }

        // The refusal never blames the config unless sshd rejects it, and the folder holds exactly what it held
        // before, byte for byte: no edit, no candidate, no backup.
        private static ConfigEditException AssertRefusedWithoutChange(TempDirectory dir, string config, string sshdPath)
        {
            Dictionary<string, byte[]> before = Snapshot(dir);
            var request = new EditRequest(
                EditScope.Server, config, IncludeRules.ForServerConfig(dir.Path, dir.Path), "*", TimeoutChanges.KeepAlive(EditScope.Server, "30", 4, null), createIfMissing: false);

            // The editor's private state folder (locks, sshd -t's candidate) in the temp folder a tools container shares.
            using var state = new TempDirectory();
            var error = Assert.Throws<ConfigEditException>(() =>
                EditFixture.Editor.Apply(request, new ApplyOptions { Daemon = new SshdDaemon(sshdPath, dir.File("sshd.pid")), StateDirectory = state.Path }));

            Assert.Equal(before, Snapshot(dir));
            if (error.Id != ErrorId.SshdConfigRejected)
            {
                Assert.Contains("This is not a fault of " + config, error.Message);
                Assert.DoesNotContain("rejects", error.Message);
            }

            return error;
        }

        private static string WriteConfig(TempDirectory dir, bool withHostKey, string extra = "")
        {
            string hostKey = string.Empty;
            if (withHostKey)
            {
                string key = dir.File("ssh_host_ed25519_key");
                Assert.Equal(0, ProcessRunner.Run("ssh-keygen", "-q", "-t", "ed25519", "-N", string.Empty, "-f", key).ExitCode);
                hostKey = $"HostKey {key}\n";
            }

            string config = dir.File("sshd_config");
            File.WriteAllText(config, hostKey + "ClientAliveInterval 300\n" + extra);
            return config;
        }

        // A program that runs the suite's sshd in a new mount namespace of its tools container, after
        // <paramref name="hide"/> (shell, as root there) took something away; the container itself is untouched.
        private static string Wrapper(TempDirectory dir, string suite, string hide)
        {
            string path = dir.File("sshd-" + suite);
            File.WriteAllText(path,
                "#!/bin/sh\n" +
                $"exec nsenter --target {TestbedTools.For(suite).ContainerPid} --mount -- unshare --mount sh -c '{hide.Replace("'", "'\\''")} && exec /usr/sbin/sshd \"$@\"' sshd \"$@\"\n");
            Assert.Equal(0, ProcessRunner.Run("chmod", "0755", path).ExitCode);
            return path;
        }

        private static Dictionary<string, byte[]> Snapshot(TempDirectory dir)
        {
            var files = new Dictionary<string, byte[]>();
            foreach (string file in Directory.GetFiles(dir.Path, "*", SearchOption.AllDirectories))
            {
                files[file] = File.ReadAllBytes(file);
            }

            return files;
        }
    }
}
