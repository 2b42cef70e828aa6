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
    /// The local OpenSSH daemon: validate a candidate config with <c>sshd -t</c>, and reload the running
    /// daemon (systemd unit, SIGHUP to the PidFile's process, or a restart of the Windows service) checking
    /// that it survived.
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
        /// Runs <c>sshd -t -f candidate</c>: the daemon's own verdict on the file it would load, or, when sshd
        /// cannot run or judge anything here, which of its prerequisites is missing. An sshd -t that does not
        /// answer in time (a host key on a FIFO, a hung NFS mount) is stopped, and its silence counts as a rejection.
        /// </summary>
        /// <exception cref="OperationCanceledException">Cancelled: sshd -t was stopped.</exception>
        public SshdValidation Validate(string candidatePath, CancellationToken cancellationToken = default)
        {
            if (MissingBinary() is SshdPrerequisite missing)
            {
                return new SshdValidation(false, missing.Cause, missing);
            }

            try
            {
                ExternalCommandResult result = Run(cancellationToken, SshdPath, "-t", "-f", candidatePath);
                string message = result.Error.Trim();
                return result.ExitCode == 0 ? new SshdValidation(true, message) : new SshdValidation(false, message, SshdPrerequisite.FindMissing(message));
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
        /// Reloads the daemon so it reads its config again. Returns a description of what was done; throws
        /// <see cref="SshdReloadException"/> when the daemon is not running afterwards, having first
        /// called <paramref name="restore"/> (put the old config back) and started the daemon again as
        /// it was started before.
        /// </summary>
        /// <exception cref="OperationCanceledException">
        /// Cancelled part-way: <paramref name="restore"/> was called and the daemon asked to read the restored
        /// config (it may already have loaded the new one), without waiting to see it survive.
        /// </exception>
        public string Reload(Action restore, CancellationToken cancellationToken = default)
        {
            try
            {
                return RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
                    ? RestartWindowsService(restore, cancellationToken)
                    : ReloadUnixDaemon(restore, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                restore();
                RequestReload();
                throw new OperationCanceledException("The reload of sshd was stopped; the previous config was restored and sshd asked to read it again.", cancellationToken);
            }
            catch (ExternalCommandTimeoutException ex)
            {
                restore();
                RequestReload();
                throw new SshdReloadException(ex.Message + " The previous config was restored and sshd asked to read it again.");
            }
        }

        private string ReloadUnixDaemon(Action restore, CancellationToken cancellationToken)
        {
            string? unit = ActiveSystemdUnit(cancellationToken);
            if (unit != null)
            {
                ExternalCommandResult reload = Run(cancellationToken, "systemctl", "reload", unit);
                if (reload.ExitCode == 0 && Run(cancellationToken, "systemctl", "is-active", "--quiet", unit).ExitCode == 0)
                {
                    return $"reloaded systemd unit {unit}";
                }

                restore();
                Run(CancellationToken.None, "systemctl", "restart", unit);
                throw new SshdReloadException($"sshd (unit {unit}) did not survive the reload ({reload.Error.Trim()}); the previous config was restored and the unit restarted.");
            }

            int pid = RunningPid() ?? throw new SshdReloadException($"sshd is not running (no live pid in {PidFile}); nothing to reload.");
            string[] commandLine = RestartCommandOf(pid, cancellationToken);
            Run(cancellationToken, "kill", "-HUP", pid.ToString(CultureInfo.InvariantCulture));
            if (SurvivesReload(pid, cancellationToken))
            {
                return $"sent SIGHUP to sshd (pid {pid})";
            }

            // From here on the daemon is down: starting it again is not left half-done by a Ctrl-C.
            restore();
            if (commandLine.Length > 0)
            {
                StartDetached(commandLine);
            }

            throw new SshdReloadException(
                $"sshd (pid {pid}) exited after SIGHUP; the previous config was restored and sshd started again" +
                (WaitForRunningPid() is int restarted ? $" (pid {restarted})." : ", but it is still not running: start it by hand."));
        }

        // After a cancelled reload: have the daemon read its (restored) config, without the survival check
        // and without being cancelled itself. A daemon that never loaded the edited config reloads the same one.
        private void RequestReload()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                RestartService(CancellationToken.None);
                return;
            }

            // A daemon still re-executing for the reload just asked for would drop this one.
            int? pid = RunningPid();
            if (pid != null)
            {
                DaemonProcess.WaitUntil(() => DaemonProcess.CatchesHangup(pid.Value), StartWait, CancellationToken.None);
            }

            if (ActiveSystemdUnit(CancellationToken.None) is string unit)
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
        private static string RestartWindowsService(Action restore, CancellationToken cancellationToken)
        {
            if (RestartService(cancellationToken))
            {
                return "restarted the sshd service";
            }

            restore();
            bool restarted = RestartService(CancellationToken.None);
            throw new SshdReloadException(
                "The sshd service did not survive the restart; the previous config was restored and the service " +
                (restarted ? "started again." : "started again, but it is still not running: check the OpenSSH event log."));
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

        // sshd re-executes itself on SIGHUP: the same pid must be alive once the re-exec has settled.
        private static bool SurvivesReload(int pid, CancellationToken cancellationToken) =>
            !DaemonProcess.WaitUntil(() => !IsAlive(pid), SurvivalCheck, cancellationToken);

        // How to start the daemon again as it runs now: its command line, in its namespaces. A daemon in
        // another mount namespace (a container) is started in the namespaces of its parent there, which
        // outlives it; one in a named network namespace only (ip netns) there, so that it binds where it did.
        // A listening sshd overwrites its argv with the title "sshd: <original argv> [listener] ...", so the
        // arguments are read back from that title (arguments containing spaces cannot be told apart there).
        private static string[] RestartCommandOf(int pid, CancellationToken cancellationToken)
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

    public sealed class SshdReloadException : Exception
    {
        public SshdReloadException(string message)
            : base(message)
        {
        }
    }
}
