using System;
using System.Diagnostics;
using System.IO;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Platform
{
    public sealed class MachineFactsTests
    {
        [Fact]
        public void LinuxProcessStart_IsBootTimePlusTheStartTicks_NullForZombiesAndMissingProcesses()
        {
            using var proc = new TempDirectory();
            Write(proc, "stat", "cpu 1 2 3\nbtime 1700000000\nprocesses 5\n");
            Write(proc, "42/stat", "42 (sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups) S 1 42 42 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 12345 0 0\n");
            Write(proc, "43/stat", "43 (sshd) Z 1 43 43 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 12345 0 0\n");

            Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000).AddSeconds(123.45), LocalMachine.LinuxProcessStart(proc.Path, 42, 100));
            Assert.Null(LocalMachine.LinuxProcessStart(proc.Path, 43, 100));
            Assert.Null(LocalMachine.LinuxProcessStart(proc.Path, 44, 100));
        }

        [Fact]
        public void ProcessStartTime_OfThisProcess_AgreesWithDotNet()
        {
            DateTimeOffset? started = LocalMachine.Instance.ProcessStartTime(Environment.ProcessId);

            Assert.NotNull(started);
            Assert.InRange((started!.Value - new DateTimeOffset(Process.GetCurrentProcess().StartTime)).Duration().TotalSeconds, 0, 1.5);
        }

        [Theory]
        [InlineData("05:07", 307)]
        [InlineData("01:00:00", 3600)]
        [InlineData("2-03:00:01", 183601)]
        [InlineData("nonsense", null)]
        public void ParseElapsed_ReadsPsEtime(string text, int? seconds) =>
            Assert.Equal(seconds, LocalMachine.ParseElapsed(text)?.TotalSeconds);

        [Fact]
        public void Stat_GivesOwnerModeAndTime_NullForAMissingFile()
        {
            using var dir = new TempDirectory();
            string file = dir.File("f");
            File.WriteAllText(file, "x");
            File.SetLastWriteTimeUtc(file, new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc));

            FileFacts facts = LocalMachine.Instance.Stat(file)!;

            Assert.Equal(new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero), facts.LastWrite);
            Assert.Equal(LocalMachine.Instance.UserId, facts.UserId);
            Assert.Null(LocalMachine.Instance.Stat(dir.File("missing")));
        }

        [Fact]
        public void Run_SaysWhatAProgramPrinted_AndThatAMissingOneDidNotStart()
        {
            CommandOutput echo = LocalMachine.Instance.Run("sh", "-c", "echo out; echo err >&2; exit 3");
            CommandOutput missing = LocalMachine.Instance.Run("sshka-no-such-program");

            Assert.Equal((3, "out\n", "err\n", true), (echo.ExitCode, echo.Output, echo.Error, echo.Started));
            Assert.False(missing.Started);
            Assert.Contains("sshka-no-such-program", missing.Error);
        }

        private static void Write(TempDirectory root, string relative, string text)
        {
            string path = Path.Combine(root.Path, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }
    }
}
