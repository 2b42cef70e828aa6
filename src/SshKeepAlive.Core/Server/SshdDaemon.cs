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

        /// <summary>
        /// Runs <c>sshd -t -f candidate</c>: the daemon's own verdict on the file it would load. sshd's words name
        /// <paramref name="reportAs"/> (the file the candidate stands for) wherever they name the candidate.
        /// </summary>
        public SshdValidation Validate(string candidatePath, string? reportAs = null)
        {
            var (exitCode, _, error) = Run(SshdPath, "-t", "-f", candidatePath);
            string message = error.Trim();
            return new SshdValidation(exitCode == 0, reportAs == null ? message : message.Replace(candidatePath, reportAs));
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
        /// Reloads the daemon that reads <paramref name="configPath"/> so it reads it again, and checks it survived:
        /// the systemd unit's daemon or the PidFile's process, only when its command line shows it reads that file
        /// (its -f, or the default sshd_config). When it does not survive, <paramref name="restore"/> puts the
        /// previous config back and the daemon is started again as it was. The outcome says exactly what happened;
        /// nothing here claims a reload or a restore that did not happen.
        /// </summary>
        public SshdReloadOutcome Reload(string configPath, Action restore)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return RestartWindowsService(configPath, restore);
            }

            string? unit = ActiveSystemdUnit();
            int? unitPid = unit == null ? null : UnitMainPid(unit);
            if (unit != null && unitPid != null && ReadsConfig(unitPid.Value, configPath))
            {
                var (code, _, error) = Run("systemctl", "reload", unit);
                if (code == 0 && Run("systemctl", "is-active", "--quiet", unit).ExitCode == 0)
                {
                    return SshdReloadOutcome.Done($"reloaded systemd unit {unit}");
                }

                string? restored = TryRestore(restore);
                bool running = Run("systemctl", "restart", unit).ExitCode == 0 && Run("systemctl", "is-active", "--quiet", unit).ExitCode == 0;
                return SshdReloadOutcome.FailedReload(
                    restored == null,
                    running,
                    $"sshd (unit {unit}) did not survive the reload ({error.Trim()}); " + (restored ?? "the previous config was restored") +
                    (running ? " and the unit restarted." : ", and the unit is still not running: start it by hand."));
            }

            int? pid = RunningPid();
            if (pid == null)
            {
                return SshdReloadOutcome.NotDone($"no sshd is running (no live process in {PidFile}{(unit == null ? string.Empty : " and unit " + unit + " reads another file")}), so nothing was reloaded; the new config applies when sshd starts");
            }

            string daemonConfig = ConfigPathOf(pid.Value);
            if (!SamePath(daemonConfig, configPath))
            {
                return SshdReloadOutcome.NotDone($"the sshd in {PidFile} (pid {pid}) reads {daemonConfig}, not {configPath}, so it was not signalled; reload the daemon that reads {configPath} yourself");
            }

            string[] commandLine = RestartCommandOf(pid.Value);
            Run("kill", "-HUP", pid.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (SurvivesReload(pid.Value))
            {
                return SshdReloadOutcome.Done($"sent SIGHUP to sshd (pid {pid})");
            }

            string? notRestored = TryRestore(restore);
            if (commandLine.Length > 0)
            {
                Run(commandLine[0], commandLine.Skip(1).ToArray());
            }

            int? restarted = WaitForRunningPid();
            return SshdReloadOutcome.FailedReload(
                notRestored == null,
                restarted != null,
                $"sshd (pid {pid}) exited after SIGHUP; " + (notRestored ?? "the previous config was restored") +
                (restarted is int p ? $" and sshd started again (pid {p})." : ", and sshd is not running: start it by hand."));
        }

        /// <summary>The config file the sshd process <paramref name="pid"/> reads: its -f argument, else the default sshd_config.</summary>
        public static string ConfigPathOf(int pid)
        {
            string[] commandLine = CommandLineOf(pid);
            for (int i = 1; i < commandLine.Length; i++)
            {
                if (commandLine[i] == "-f" && i + 1 < commandLine.Length)
                {
                    return commandLine[i + 1];
                }

                if (commandLine[i].StartsWith("-f", StringComparison.Ordinal) && commandLine[i].Length > 2)
                {
                    return commandLine[i].Substring(2);
                }
            }

            return ServerConfigResolver.DefaultConfigPath;
        }

        private static bool ReadsConfig(int pid, string configPath) => SamePath(ConfigPathOf(pid), configPath);

        private static bool SamePath(string a, string b) =>
            string.Equals(UnixFileSystem.RealPath(a), UnixFileSystem.RealPath(b), StringComparison.Ordinal);

        // null when the restore worked; otherwise what went wrong, for the outcome's message.
        private static string? TryRestore(Action restore)
        {
            try
            {
                restore();
                return null;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is System.ComponentModel.Win32Exception)
            {
                return $"the previous config could NOT be restored ({e.Message})";
            }
        }

        private static int? UnitMainPid(string unit) =>
            int.TryParse(Run("systemctl", "show", "-p", "MainPID", "--value", unit).Output.Trim(), out int pid) && pid > 0 ? pid : (int?)null;

        // Windows' OpenSSH service has no reload: it is restarted (as Restart-Service sshd does) and must
        // still be running after the survival check. Not exercised by the test suite, which runs on Linux.
        private static SshdReloadOutcome RestartWindowsService(string configPath, Action restore)
        {
            if (!SamePath(configPath, ServerConfigResolver.DefaultConfigPath))
            {
                return SshdReloadOutcome.NotDone($"the sshd service reads {ServerConfigResolver.DefaultConfigPath}, not {configPath}, so it was not restarted");
            }

            if (RestartService())
            {
                return SshdReloadOutcome.Done("restarted the sshd service");
            }

            string? notRestored = TryRestore(restore);
            bool restarted = RestartService();
            return SshdReloadOutcome.FailedReload(
                notRestored == null,
                restarted,
                "The sshd service did not survive the restart; " + (notRestored ?? "the previous config was restored") +
                (restarted ? " and the service started again." : ", and the service is still not running: check the OpenSSH event log."));
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

        // How to start the daemon again as it runs now: its command line, inside its named network namespace if
        // it has one (ip netns), so that it binds where it did.
        private static string[] RestartCommandOf(int pid)
        {
            string[] commandLine = CommandLineOf(pid);
            if (commandLine.Length == 0)
            {
                return commandLine;
            }

            string netns = Run("ip", "netns", "identify", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)).Output.Trim();
            return netns.Length == 0 ? commandLine : new[] { "ip", "netns", "exec", netns }.Concat(commandLine).ToArray();
        }

        // A listening sshd overwrites its argv with the title "sshd: <original argv> [listener] ...", so the
        // arguments are read back from that title (arguments containing spaces cannot be told apart there).
        private static string[] CommandLineOf(int pid)
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

            return commandLine;
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
            var start = new ProcessStartInfo(fileName, string.Join(" ", arguments.Select(Quote)))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using Process process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output.Result, error);
        }

        private static string Quote(string argument) =>
            argument.Length > 0 && argument.IndexOfAny(new[] { ' ', '"', '\t' }) < 0 ? argument : "\"" + argument.Replace("\"", "\\\"") + "\"";
    }

    /// <summary>What a reload did: reloaded or not (and why), and after a failed one whether the config was restored.</summary>
    public sealed class SshdReloadOutcome
    {
        private SshdReloadOutcome(bool reloaded, bool failed, bool restored, bool running, string message)
        {
            Reloaded = reloaded;
            Failed = failed;
            Restored = restored;
            DaemonRunning = running;
            Message = message;
        }

        /// <summary>The daemon re-read the config and still runs.</summary>
        public bool Reloaded { get; }

        /// <summary>The daemon did not survive the reload (see <see cref="Restored"/> and <see cref="DaemonRunning"/>).</summary>
        public bool Failed { get; }

        /// <summary>The previous config was put back (only ever after a failed reload).</summary>
        public bool Restored { get; }

        /// <summary>A daemon runs now (after a failed reload: it was started again).</summary>
        public bool DaemonRunning { get; }

        /// <summary>What happened, in a sentence.</summary>
        public string Message { get; }

        internal static SshdReloadOutcome Done(string message) => new SshdReloadOutcome(true, false, false, true, message);

        internal static SshdReloadOutcome NotDone(string message) => new SshdReloadOutcome(false, false, false, false, message);

        internal static SshdReloadOutcome FailedReload(bool restored, bool running, string message) => new SshdReloadOutcome(false, true, restored, running, message);

        public override string ToString() => Message;
    }
}
