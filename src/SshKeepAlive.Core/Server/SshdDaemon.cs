using System;
using System.Diagnostics;
using System.Globalization;
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
        public SshdValidation(bool isValid, string message, SshdPrerequisite? missingPrerequisite = null)
        {
            IsValid = isValid;
            Message = message;
            MissingPrerequisite = missingPrerequisite;
        }

        public bool IsValid { get; }

        /// <summary>sshd's own words (its standard error), for the error shown to the user.</summary>
        public string Message { get; }

        /// <summary>
        /// When sshd could not judge the config because something outside it is missing (its privilege
        /// separation directory or user, host keys, the sshd binary itself): what. Null when the verdict is the config's.
        /// </summary>
        public SshdPrerequisite? MissingPrerequisite { get; }
    }

    /// <summary>
    /// The local OpenSSH daemon: validate a candidate config with <c>sshd -t</c>, and reload the running daemon
    /// that reads a given config (systemd unit, SIGHUP to the PidFile's process, or a restart of the Windows
    /// service) checking that it survived.
    /// </summary>
    public sealed class SshdDaemon
    {
        private const string ListenerTitlePrefix = "sshd: ";
        private static readonly TimeSpan SurvivalCheck = TimeSpan.FromSeconds(2);
        private static readonly TimeSpan StartWait = TimeSpan.FromSeconds(5);

        // Each program we run (sshd -t, systemctl, kill, ip, sc.exe) answers within seconds; one that does not is killed.
        private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

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
        /// Runs <c>sshd -t -f candidate</c>: the daemon's own verdict on the file it would load (sshd's words name
        /// <paramref name="reportAs"/>, the file the candidate stands for, wherever they name the candidate), or,
        /// when sshd cannot run or judge anything here, which of its prerequisites is missing. An sshd -t that does
        /// not answer in time (a host key on a FIFO, a hung NFS mount) is stopped, and its silence counts as a rejection.
        /// </summary>
        /// <exception cref="OperationCanceledException">Cancelled: sshd -t was stopped.</exception>
        public SshdValidation Validate(string candidatePath, string? reportAs = null, CancellationToken cancellationToken = default)
        {
            if (MissingBinary() is SshdPrerequisite missing)
            {
                return new SshdValidation(false, missing.Cause, missing);
            }

            try
            {
                ExternalCommandResult result = Run(cancellationToken, SshdPath, "-t", "-f", candidatePath);
                string message = result.Error.Trim();
                string reported = reportAs == null ? message : message.Replace(candidatePath, reportAs);
                return result.ExitCode == 0 ? new SshdValidation(true, reported) : new SshdValidation(false, reported, SshdPrerequisite.FindMissing(message));
            }
            catch (ExternalCommandTimeoutException ex)
            {
                return new SshdValidation(false, ex.Message);
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                SshdPrerequisite binary = SshdPrerequisite.Binary(SshdPath, ex.Message);
                return new SshdValidation(false, binary.Cause, binary);
            }
        }

        /// <summary>The sshd binary as a missing prerequisite when it is not there, else null.</summary>
        public SshdPrerequisite? MissingBinary() => File.Exists(SshdPath) ? null : SshdPrerequisite.Binary(SshdPath, null);

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
        /// <exception cref="OperationCanceledException">
        /// Cancelled part-way: <paramref name="restore"/> was called and the daemon asked to read the restored
        /// config (it may already have loaded the new one), without waiting to see it survive.
        /// </exception>
        public SshdReloadOutcome Reload(string configPath, Action? restore, CancellationToken cancellationToken = default)
        {
            try
            {
                return RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
                    ? RestartWindowsService(configPath, restore, cancellationToken)
                    : ReloadUnixDaemon(configPath, restore, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                restore?.Invoke();
                RequestReload(configPath);
                throw new OperationCanceledException($"The reload of sshd was stopped; {(restore == null ? "the config was not changed" : "the previous config was restored")} and sshd asked to read it again.", cancellationToken);
            }
            catch (ExternalCommandTimeoutException ex)
            {
                string? notRestored = TryRestore(restore);
                RequestReload(configPath);
                return SshdReloadOutcome.FailedReload(notRestored == null, RunningPid() != null, ex.Message + " " + (notRestored ?? "The previous config was restored") + " and sshd asked to read it again.");
            }
        }

        /// <summary>The config file the sshd process <paramref name="pid"/> reads: its -f argument, else the default sshd_config.</summary>
        public static string ConfigPathOf(int pid) => ConfigPathIn(CommandLineOf(pid)) ?? ServerConfigResolver.DefaultConfigPath;

        /// <summary>The config file a daemon started with <paramref name="commandLine"/> reads: its -f argument; null when it names none (the default).</summary>
        internal static string? ConfigPathIn(string[] commandLine)
        {
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

            return null;
        }

        private SshdReloadOutcome ReloadUnixDaemon(string configPath, Action? restore, CancellationToken cancellationToken)
        {
            string? unit = ActiveSystemdUnit(cancellationToken);
            int? unitPid = unit == null ? null : UnitMainPid(unit, cancellationToken);
            if (unit != null && unitPid != null && SamePath(ConfigPathOf(unitPid.Value), configPath))
            {
                ExternalCommandResult reload = Run(cancellationToken, "systemctl", "reload", unit);
                if (reload.ExitCode == 0 && Run(cancellationToken, "systemctl", "is-active", "--quiet", unit).ExitCode == 0)
                {
                    return SshdReloadOutcome.Done($"reloaded systemd unit {unit}");
                }

                string? notRestored = TryRestore(restore);
                bool running = Run(CancellationToken.None, "systemctl", "restart", unit).ExitCode == 0 &&
                    Run(CancellationToken.None, "systemctl", "is-active", "--quiet", unit).ExitCode == 0;
                return SshdReloadOutcome.FailedReload(
                    notRestored == null,
                    running,
                    $"sshd (unit {unit}) did not survive the reload ({reload.Error.Trim()}); " + (notRestored ?? "the previous config was restored") +
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

            string[] commandLine = RestartCommandOf(pid.Value, cancellationToken);
            DateTime pidFileWritten = File.GetLastWriteTimeUtc(PidFile);
            Run(cancellationToken, "kill", "-HUP", pid.Value.ToString(CultureInfo.InvariantCulture));
            bool survived;
            try
            {
                survived = SurvivesReload(pid.Value, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The daemon may be re-executing for that SIGHUP, and may already have read the edited file. Until
                // it has rewritten its PidFile and catches SIGHUP again, the PidFile is missing and a second SIGHUP
                // would be dropped: the caller's restore-and-reload waits for the re-exec to end.
                DaemonProcess.WaitUntil(() => ReloadedSince(pid.Value, pidFileWritten), StartWait, CancellationToken.None);
                throw;
            }

            if (survived)
            {
                return SshdReloadOutcome.Done($"sent SIGHUP to sshd (pid {pid})");
            }

            // From here on the daemon is down: starting it again is not left half-done by a Ctrl-C.
            string? restoreFailure = TryRestore(restore);
            if (commandLine.Length > 0)
            {
                StartDetached(commandLine);
            }

            int? restarted = WaitForRunningPid();
            return SshdReloadOutcome.FailedReload(
                restoreFailure == null,
                restarted != null,
                $"sshd (pid {pid}) exited after SIGHUP; " + (restoreFailure ?? "the previous config was restored") +
                (restarted is int p ? $" and sshd started again (pid {p})." : ", and sshd is not running: start it by hand."));
        }

        private static bool SamePath(string a, string b) =>
            string.Equals(UnixFileSystem.RealPath(a), UnixFileSystem.RealPath(b), StringComparison.Ordinal);

        private static string? TryRestore(Action? restore) =>
            SshdReloadOutcome.TryRestore(restore, e => e is IOException || e is UnauthorizedAccessException || e is System.ComponentModel.Win32Exception);

        private static int? UnitMainPid(string unit, CancellationToken cancellationToken) =>
            int.TryParse(Run(cancellationToken, "systemctl", "show", "-p", "MainPID", "--value", unit).Output.Trim(), out int pid) && pid > 0 ? pid : (int?)null;

        // After a cancelled reload: have the daemon read its (restored) config, without the survival check
        // and without being cancelled itself. A daemon that never loaded the edited config reloads the same one.
        private void RequestReload(string configPath)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                if (SamePath(configPath, ServerConfigResolver.DefaultConfigPath))
                {
                    RestartService(CancellationToken.None);
                }

                return;
            }

            // A daemon still re-executing for the reload just asked for would drop this one (and shows its command
            // line again only once it is back); then, only a daemon that reads the file.
            int? pid = RunningPid();
            if (pid != null)
            {
                DaemonProcess.WaitUntil(() => DaemonProcess.CatchesHangup(pid.Value), StartWait, CancellationToken.None);
                if (!SamePath(ConfigPathOf(pid.Value), configPath))
                {
                    pid = null;
                }
            }

            if (ActiveSystemdUnit(CancellationToken.None) is string unit && UnitMainPid(unit, CancellationToken.None) is int main && SamePath(ConfigPathOf(main), configPath))
            {
                Run(CancellationToken.None, "systemctl", "reload", unit);
            }
            else if (pid != null)
            {
                Run(CancellationToken.None, "kill", "-HUP", pid.Value.ToString(CultureInfo.InvariantCulture));
            }
        }

        // Windows' OpenSSH service has no reload: it is restarted (as Restart-Service sshd does) and must
        // still be running after the survival check. Not exercised by the test suite, which runs on Linux.
        private static SshdReloadOutcome RestartWindowsService(string configPath, Action? restore, CancellationToken cancellationToken)
        {
            if (!SamePath(configPath, ServerConfigResolver.DefaultConfigPath))
            {
                return SshdReloadOutcome.NotDone($"the sshd service reads {ServerConfigResolver.DefaultConfigPath}, not {configPath}, so it was not restarted");
            }

            if (RestartService(cancellationToken))
            {
                return SshdReloadOutcome.Done("restarted the sshd service");
            }

            string? notRestored = TryRestore(restore);
            bool restarted = RestartService(CancellationToken.None);
            return SshdReloadOutcome.FailedReload(
                notRestored == null,
                restarted,
                "The sshd service did not survive the restart; " + (notRestored ?? "the previous config was restored") +
                (restarted ? " and the service started again." : ", and the service is still not running: check the OpenSSH event log."));
        }

        private static bool RestartService(CancellationToken cancellationToken)
        {
            Run(cancellationToken, "sc.exe", "stop", "sshd");
            DaemonProcess.WaitUntil(() => ServiceState(cancellationToken).Contains("STOPPED"), StartWait, cancellationToken);
            Run(cancellationToken, "sc.exe", "start", "sshd");
            if (!DaemonProcess.WaitUntil(() => ServiceState(cancellationToken).Contains("RUNNING"), StartWait, cancellationToken))
            {
                return false;
            }

            DaemonProcess.Pause(SurvivalCheck, cancellationToken);
            return ServiceState(cancellationToken).Contains("RUNNING");
        }

        private static string ServiceState(CancellationToken cancellationToken) => Run(cancellationToken, "sc.exe", "query", "sshd").Output;

        private static bool IsAlive(int pid) =>
            RuntimeInformation.IsOSPlatform(OSPlatform.Linux)
                ? File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ")
                : Run(CancellationToken.None, "kill", "-0", pid.ToString(CultureInfo.InvariantCulture)).ExitCode == 0;

        // sshd unlinks its PidFile when it re-executes for a SIGHUP and writes it again once the new image listens.
        private bool ReloadedSince(int pid, DateTime pidFileWrittenBefore) =>
            !IsAlive(pid) || (File.Exists(PidFile) && File.GetLastWriteTimeUtc(PidFile) > pidFileWrittenBefore && DaemonProcess.CatchesHangup(pid));

        // sshd re-executes itself on SIGHUP: the same pid must be alive once the re-exec has settled.
        private static bool SurvivesReload(int pid, CancellationToken cancellationToken) =>
            !DaemonProcess.WaitUntil(() => !IsAlive(pid), SurvivalCheck, cancellationToken);

        // How to start the daemon again as it runs now: its command line, in its namespaces. A daemon in
        // another mount namespace (a container) is started in the namespaces of its parent there, which
        // outlives it; one in a named network namespace only (ip netns) there, so that it binds where it did.
        private static string[] RestartCommandOf(int pid, CancellationToken cancellationToken)
        {
            string[] commandLine = CommandLineOf(pid);
            if (commandLine.Length == 0)
            {
                return commandLine;
            }

            string mountNamespace = NamespaceOf(pid.ToString(CultureInfo.InvariantCulture), "mnt", cancellationToken);
            if (mountNamespace != NamespaceOf("self", "mnt", cancellationToken))
            {
                string? parent = ParentOf(pid);
                return parent != null && NamespaceOf(parent, "mnt", cancellationToken) == mountNamespace
                    ? new[] { "nsenter", "--target", parent, "--all", "--" }.Concat(commandLine).ToArray()
                    : new string[0];
            }

            string netns = Run(cancellationToken, "ip", "netns", "identify", pid.ToString(CultureInfo.InvariantCulture)).Output.Trim();
            return netns.Length == 0 ? commandLine : new[] { "ip", "netns", "exec", netns }.Concat(commandLine).ToArray();
        }

        // A listening sshd overwrites its argv with the title "sshd: <original argv> [listener] ...", so the
        // arguments are read back from that title (arguments containing spaces cannot be told apart there).
        private static string[] CommandLineOf(int pid)
        {
            string path = $"/proc/{pid}/cmdline";
            return File.Exists(path) ? ParseCommandLine(File.ReadAllText(path)) : new string[0];
        }

        /// <summary>The arguments in a daemon's /proc/PID/cmdline (NUL-separated), read back from a listener's title where sshd wrote one.</summary>
        internal static string[] ParseCommandLine(string cmdline)
        {
            string[] commandLine = cmdline.Split(new[] { '\0' }, StringSplitOptions.RemoveEmptyEntries);
            if (commandLine.Length == 1 && commandLine[0].StartsWith(ListenerTitlePrefix, StringComparison.Ordinal))
            {
                string title = commandLine[0].Substring(ListenerTitlePrefix.Length);
                int listener = title.IndexOf(" [listener]", StringComparison.Ordinal);
                commandLine = (listener < 0 ? title : title.Substring(0, listener)).Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
            }

            return commandLine;
        }

        private static string NamespaceOf(string pid, string kind, CancellationToken cancellationToken)
        {
            try
            {
                return Run(cancellationToken, "readlink", $"/proc/{pid}/ns/{kind}").Output.Trim();
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return string.Empty;
            }
        }

        // The fourth field of /proc/PID/stat, after the command name in parentheses (which may hold spaces).
        private static string? ParentOf(int pid)
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            string[] fields = stat.Substring(stat.LastIndexOf(')') + 2).Split(' ');
            return fields.Length > 1 ? fields[1] : null;
        }

        // Not waited for: a daemon started in the foreground (sshd -D, as under a supervisor or in a container)
        // never exits; one that forks returns at once either way.
        private static void StartDetached(string[] commandLine) =>
            Run(CancellationToken.None, "sh", new[] { "-c", "\"$0\" \"$@\" </dev/null >/dev/null 2>&1 &" }.Concat(commandLine).ToArray());

        // sshd writes its PidFile once it listens, shortly after the starting process has returned.
        private int? WaitForRunningPid() =>
            DaemonProcess.WaitUntil(() => RunningPid() != null, StartWait, CancellationToken.None) ? RunningPid() : null;

        private string? ActiveSystemdUnit(CancellationToken cancellationToken)
        {
            // Only the system's own daemon is a systemd unit; a daemon with another PidFile (a test one) is not.
            if (!Directory.Exists("/run/systemd/system") || PidFile != "/run/sshd.pid")
            {
                return null;
            }

            return new[] { "ssh", "sshd" }.FirstOrDefault(unit => Run(cancellationToken, "systemctl", "is-active", "--quiet", unit).ExitCode == 0);
        }

        private static ExternalCommandResult Run(CancellationToken cancellationToken, string program, params string[] arguments) =>
            ExternalCommand.Run(program, arguments, CommandTimeout, cancellationToken);
    }

    /// <summary>What a reload did: reloaded or not (and why), and after a failed one whether the config was restored.</summary>
    public sealed class SshdReloadOutcome
    {
        /// <summary>
        /// Runs a failed reload's <paramref name="restore"/>: null when it worked; otherwise what went wrong (an exception
        /// <paramref name="isExpected"/> accepts), or that there was nothing to restore for a reload that changed no file.
        /// </summary>
        internal static string? TryRestore(Action? restore, Func<Exception, bool> isExpected)
        {
            if (restore == null)
            {
                return "nothing was restored, the config having not been changed";
            }

            try
            {
                restore();
                return null;
            }
            catch (Exception e) when (isExpected(e))
            {
                return $"the previous config could NOT be restored ({e.Message})";
            }
        }

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
