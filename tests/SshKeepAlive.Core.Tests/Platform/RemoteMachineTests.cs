using System;
using System.Diagnostics;
using System.IO;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Platform
{
    /// <summary>
    /// A remote machine's answers to the diagnostics (stat, a process's start, its programs), its scripts run in this
    /// machine's /bin/sh: they must say what this machine says of the same files, processes and programs.
    /// </summary>
    public sealed class RemoteMachineTests
    {
        private static RemoteMachine Machine() => RemoteMachine.Read(new LocalCommandChannel(), null, default);

        [Fact]
        public void Stat_GivesTheOwnerModeAndNanosecondTimeThisMachineSees_NullWhenMissingOrDangling()
        {
            using var dir = new TempDirectory();
            string path = dir.File("config with 'quotes' $(x)");
            File.WriteAllText(path, "Host *\n");
            Assert.Equal(0, ProcessRunner.Run("chmod", "0640", path).ExitCode);
            File.SetLastWriteTimeUtc(path, new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1234567));
            File.CreateSymbolicLink(dir.File("dangling"), dir.File("nowhere"));
            using RemoteMachine machine = Machine();

            FileFacts? remote = machine.Stat(path);
            FileFacts? local = LocalMachine.Instance.Stat(path);

            Assert.NotNull(remote);
            Assert.Equal(local!.UserId, remote!.UserId);
            Assert.Equal(Convert.ToInt32("640", 8), remote.Mode);
            Assert.Equal(local.LastWrite, remote.LastWrite);
            Assert.Null(machine.Stat(dir.File("nowhere")));
            Assert.Null(machine.Stat(dir.File("dangling")));
        }

        [Fact]
        public void ProcessStartTime_IsWhatThisMachinesProcSays_NullForNoSuchProcess()
        {
            using var sleeper = Process.Start("sleep", "30")!;
            try
            {
                using RemoteMachine machine = Machine();

                Assert.Equal(LocalMachine.Instance.ProcessStartTime(sleeper.Id), machine.ProcessStartTime(sleeper.Id));
                Assert.Null(machine.ProcessStartTime(int.MaxValue - 1));
            }
            finally
            {
                sleeper.Kill();
            }
        }

        [Fact]
        public void Run_GivesTheProgramsOutputAndExitCode_AndAMissingProgramIsNotStarted()
        {
            using RemoteMachine machine = Machine();

            CommandOutput said = machine.Run("sh", "-c", "printf '%s|' \"$@\"; echo oops >&2; exit 3", "sh", "a b", "$HOME", "'q'");
            CommandOutput missing = machine.Run("no-such-program-sshka", "-t");

            Assert.True(said.Started);
            Assert.Equal(3, said.ExitCode);
            Assert.Equal("a b|$HOME|'q'|", said.Output);
            Assert.Equal("oops", said.Error);
            Assert.False(missing.Started);
            Assert.Contains("no-such-program-sshka", missing.Error);
        }
    }
}
