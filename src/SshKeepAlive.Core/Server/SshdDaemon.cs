using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.ServerConfig;

namespace SshKeepAlive.Core.Server
{
    /// <summary>What sshd -t said about a candidate configuration.</summary>
    public sealed class SshdValidation
    {
        public SshdValidation(bool isValid, string message)
        {
            IsValid = isValid;
            Message = message;
        }

        public bool IsValid { get; }

        /// <summary>sshd's own words (its standard error), for the error shown to the user.</summary>
        public string Message { get; }
    }

    /// <summary>
    /// The local OpenSSH daemon: validate a candidate config with <c>sshd -t</c>, and reload the running
    /// daemon (systemd unit, SIGHUP to the PidFile's process, or a restart of the Windows service) checking
    /// that it survived.
    /// </summary>
    public sealed class SshdDaemon
    {
        private const string ListenerTitlePrefix = "sshd: ";
        private static readonly TimeSpan SurvivalCheck = TimeSpan.FromSeconds(2);
        private static readonly TimeSpan StartWait = TimeSpan.FromSeconds(5);

        public SshdDaemon(string sshdPath, string pidFile)
        {
            SshdPath = sshdPath;
            PidFile = pidFile;
        }

        /// <summary>The daemon that reads <paramref name="sshdConfig"/>: this platform's sshd, and the PidFile the config names (default /run/sshd.pid).</summary>
        public static SshdDaemon For(string sshdConfig) =>
            new SshdDaemon(SshPlatform.SshdPath, ServerConfigResolver.Load(sshdConfig).Resolve()["PidFile"].Value as string ?? "/run/sshd.pid");

        public string SshdPath { get; }

        public string PidFile { get; }

        /// <summary>Runs <c>sshd -t -f candidate</c>: the daemon's own verdict on the file it would load.</summary>
        public SshdValidation Validate(string candidatePath)
        {
            var (exitCode, _, error) = Run(SshdPath, "-t", "-f", candidatePath);
            return new SshdValidation(exitCode == 0, error.Trim());
        }

        /// <summary>The running daemon's pid from its PidFile, or null when it is not running.</summary>
        public int? RunningPid()
        {
            if (!File.Exists(PidFile) || !int.TryParse(File.ReadAllText(PidFile).Trim(), out int pid))
            {
                return null;
            }

            return IsAlive(pid) ? pid : (int?)null;
        }

        /// <summary>
        /// Reloads the daemon so it reads its config again. Returns a description of what was done; throws
        /// <see cref="SshdReloadException"/> when the daemon is not running afterwards, having first
        /// called <paramref name="restore"/> (put the old config back; null when nothing was changed) and
        /// started the daemon again as it was started before.
        /// </summary>
        public string Reload(Action? restore)
        {
            string restored = restore == null ? "the config was not changed" : "the previous config was restored";
            restore ??= () => { };
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return RestartWindowsService(restore, restored);
            }

            string? unit = ActiveSystemdUnit();
            if (unit != null)
            {
                var (code, _, error) = Run("systemctl", "reload", unit);
                if (code == 0 && Run("systemctl", "is-active", "--quiet", unit).ExitCode == 0)
                {
                    return $"reloaded systemd unit {unit}";
                }

                restore();
                Run("systemctl", "restart", unit);
                throw new SshdReloadException($"sshd (unit {unit}) did not survive the reload ({error.Trim()}); {restored} and the unit restarted.");
            }

            int pid = RunningPid() ?? throw new SshdReloadException($"sshd is not running (no live pid in {PidFile}); nothing to reload.");
            string[] commandLine = RestartCommandOf(pid);
            Run("kill", "-HUP", pid.ToString());
            if (SurvivesReload(pid))
            {
                return $"sent SIGHUP to sshd (pid {pid})";
            }

            restore();
            if (commandLine.Length > 0)
            {
                Run(commandLine[0], commandLine.Skip(1).ToArray());
            }

            throw new SshdReloadException(
                $"sshd (pid {pid}) exited after SIGHUP; {restored} and sshd started again" +
                (WaitForRunningPid() is int restarted ? $" (pid {restarted})." : ", but it is still not running: start it by hand."));
        }

        // Windows' OpenSSH service has no reload: it is restarted (as Restart-Service sshd does) and must
        // still be running after the survival check. Not exercised by the test suite, which runs on Linux.
        private static string RestartWindowsService(Action restore, string restored)
        {
            if (RestartService())
            {
                return "restarted the sshd service";
            }

            restore();
            bool restarted = RestartService();
            throw new SshdReloadException(
                $"The sshd service did not survive the restart; {restored} and the service " +
                (restarted ? "started again." : "started again, but it is still not running: check the OpenSSH event log."));
        }

        private static bool RestartService()
        {
            Run("sc.exe", "stop", "sshd");
            WaitForServiceState("STOPPED");
            Run("sc.exe", "start", "sshd");
            if (!WaitForServiceState("RUNNING"))
            {
                return false;
            }

            Thread.Sleep(SurvivalCheck);
            return ServiceState().Contains("RUNNING");
        }

        private static bool WaitForServiceState(string state)
        {
            var wait = Stopwatch.StartNew();
            while (wait.Elapsed < StartWait)
            {
                if (ServiceState().Contains(state))
                {
                    return true;
                }

                Thread.Sleep(100);
            }

            return false;
        }

        private static string ServiceState() => Run("sc.exe", "query", "sshd").Output;

        private static bool IsAlive(int pid) =>
            RuntimeInformation.IsOSPlatform(OSPlatform.Linux)
                ? File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ")
                : Run("kill", "-0", pid.ToString()).ExitCode == 0;

        // sshd re-executes itself on SIGHUP: the same pid must be alive once the re-exec has settled.
        private bool SurvivesReload(int pid)
        {
            var wait = Stopwatch.StartNew();
            while (wait.Elapsed < SurvivalCheck)
            {
                Thread.Sleep(100);
                if (!IsAlive(pid))
                {
                    return false;
                }
            }

            return true;
        }

        // How to start the daemon again as it runs now: its command line, inside its named network
        // namespace if it has one (ip netns), so that it binds where it did. A listening sshd overwrites
        // its argv with the title "sshd: <original argv> [listener] ...", so the arguments are read back
        // from that title (arguments containing spaces cannot be told apart there).
        private static string[] RestartCommandOf(int pid)
        {
            string path = $"/proc/{pid}/cmdline";
            if (!File.Exists(path))
            {
                return new string[0];
            }

            string[] commandLine = File.ReadAllText(path).Split(new[] { '\0' }, StringSplitOptions.RemoveEmptyEntries);
            if (commandLine.Length == 1 && commandLine[0].StartsWith(ListenerTitlePrefix, StringComparison.Ordinal))
            {
                string title = commandLine[0].Substring(ListenerTitlePrefix.Length);
                int listener = title.IndexOf(" [listener]", StringComparison.Ordinal);
                commandLine = (listener < 0 ? title : title.Substring(0, listener)).Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
            }

            string netns = Run("ip", "netns", "identify", pid.ToString()).Output.Trim();
            return netns.Length == 0 ? commandLine : new[] { "ip", "netns", "exec", netns }.Concat(commandLine).ToArray();
        }

        // sshd writes its PidFile once it listens, shortly after the starting process has returned.
        private int? WaitForRunningPid()
        {
            var wait = Stopwatch.StartNew();
            while (wait.Elapsed < StartWait)
            {
                if (RunningPid() is int pid)
                {
                    return pid;
                }

                Thread.Sleep(100);
            }

            return null;
        }

        private string? ActiveSystemdUnit()
        {
            // Only the system's own daemon is a systemd unit; a daemon with another PidFile (a test one) is not.
            if (!Directory.Exists("/run/systemd/system") || PidFile != "/run/sshd.pid")
            {
                return null;
            }

            return new[] { "ssh", "sshd" }.FirstOrDefault(unit => Run("systemctl", "is-active", "--quiet", unit).ExitCode == 0);
        }

        private static (int ExitCode, string Output, string Error) Run(string fileName, params string[] arguments)
        {
            CommandOutput result = ExternalProgram.Run(fileName, arguments);
            return (result.ExitCode, result.Output, result.Error);
        }
    }

    public sealed class SshdReloadException : Exception
    {
        public SshdReloadException(string message)
            : base(message)
        {
        }
    }
}
