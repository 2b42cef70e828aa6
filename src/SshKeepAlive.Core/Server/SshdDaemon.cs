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
        /// Runs <c>sshd -t -f candidate</c>: the daemon's own verdict on the file it would load. An sshd -t
        /// that does not answer in time (a host key on a FIFO, a hung NFS mount) is stopped, and its silence
        /// counts as a rejection.
        /// </summary>
        /// <exception cref="OperationCanceledException">Cancelled: sshd -t was stopped.</exception>
        public SshdValidation Validate(string candidatePath, CancellationToken cancellationToken = default)
        {
            try
            {
                ExternalCommandResult result = Run(cancellationToken, SshdPath, "-t", "-f", candidatePath);
                return new SshdValidation(result.ExitCode == 0, result.Error.Trim());
            }
            catch (ExternalCommandTimeoutException ex)
            {
                return new SshdValidation(false, ex.Message);
            }
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
        /// called <paramref name="restore"/> (put the old config back; null when nothing was changed) and started the daemon again as
        /// it was started before.
        /// </summary>
        /// <exception cref="OperationCanceledException">
        /// Cancelled part-way: <paramref name="restore"/> was called and the daemon asked to read the restored
        /// config (it may already have loaded the new one), without waiting to see it survive.
        /// </exception>
        public string Reload(Action? restore, CancellationToken cancellationToken = default)
        {
            var undo = new ConfigUndo(restore);
            try
            {
                return RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
                    ? RestartWindowsService(undo, cancellationToken)
                    : ReloadUnixDaemon(undo, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                undo.Run();
                RequestReload();
                throw new OperationCanceledException($"The reload of sshd was stopped; {undo.Outcome} and sshd asked to read it again.", cancellationToken);
            }
            catch (ExternalCommandTimeoutException ex)
            {
                undo.Run();
                RequestReload();
                throw new SshdReloadException($"{ex.Message} {undo.Sentence} and sshd asked to read it again.");
            }
        }

        private string ReloadUnixDaemon(ConfigUndo undo, CancellationToken cancellationToken)
        {
            string? unit = ActiveSystemdUnit(cancellationToken);
            if (unit != null)
            {
                ExternalCommandResult reload = Run(cancellationToken, "systemctl", "reload", unit);
                if (reload.ExitCode == 0 && Run(cancellationToken, "systemctl", "is-active", "--quiet", unit).ExitCode == 0)
                {
                    return $"reloaded systemd unit {unit}";
                }

                undo.Run();
                Run(CancellationToken.None, "systemctl", "restart", unit);
                throw new SshdReloadException($"sshd (unit {unit}) did not survive the reload ({reload.Error.Trim()}); {undo.Outcome} and the unit restarted.");
            }

            int pid = RunningPid() ?? throw new SshdReloadException($"sshd is not running (no live pid in {PidFile}); nothing to reload.");
            string[] commandLine = RestartCommandOf(pid, cancellationToken);
            Run(cancellationToken, "kill", "-HUP", pid.ToString(CultureInfo.InvariantCulture));
            if (SurvivesReload(pid, cancellationToken))
            {
                return $"sent SIGHUP to sshd (pid {pid})";
            }

            // From here on the daemon is down: starting it again is not left half-done by a Ctrl-C.
            undo.Run();
            if (commandLine.Length > 0)
            {
                Run(CancellationToken.None, commandLine[0], commandLine.Skip(1).ToArray());
            }

            throw new SshdReloadException(
                $"sshd (pid {pid}) exited after SIGHUP; {undo.Outcome} and sshd started again" +
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
        private static string RestartWindowsService(ConfigUndo undo, CancellationToken cancellationToken)
        {
            if (RestartService(cancellationToken))
            {
                return "restarted the sshd service";
            }

            undo.Run();
            bool restarted = RestartService(CancellationToken.None);
            throw new SshdReloadException(
                $"The sshd service did not survive the restart; {undo.Outcome} and the service " +
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

        // How to start the daemon again as it runs now: its command line, inside its named network
        // namespace if it has one (ip netns), so that it binds where it did. A listening sshd overwrites
        // its argv with the title "sshd: <original argv> [listener] ...", so the arguments are read back
        // from that title (arguments containing spaces cannot be told apart there).
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

            string netns = Run(cancellationToken, "ip", "netns", "identify", pid.ToString(CultureInfo.InvariantCulture)).Output.Trim();
            return netns.Length == 0 ? commandLine : new[] { "ip", "netns", "exec", netns }.Concat(commandLine).ToArray();
        }

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

    /// <summary>Puts the previous config back after a failed reload, and says what became of the config: restored, or never changed.</summary>
    internal sealed class ConfigUndo
    {
        private readonly Action? restore;

        public ConfigUndo(Action? restore) => this.restore = restore;

        /// <summary>"the previous config was restored", or "the config was not changed" when the reload changed none.</summary>
        public string Outcome => restore == null ? "the config was not changed" : "the previous config was restored";

        /// <summary><see cref="Outcome"/> as the start of a sentence.</summary>
        public string Sentence => char.ToUpperInvariant(Outcome[0]) + Outcome.Substring(1);

        public void Run() => restore?.Invoke();
    }

    public sealed class SshdReloadException : Exception
    {
        public SshdReloadException(string message)
            : base(message)
        {
        }
    }
}
