using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.ServerConfig;

namespace SshKeepAlive.Core.Server
{
    /// <summary>
    /// The sshd of a remote machine that serves our own connection, driven through its shell as root: sshd -t on a
    /// candidate, a reload that waits until the re-executed daemon has written its PidFile and catches SIGHUP again (or
    /// has died), and a restart exactly as it ran when it did die; sshd -T -C for a connection. What
    /// <see cref="SshdDaemon"/> does on this machine, with nothing installed on that one.
    /// </summary>
    public sealed class RemoteSshd
    {
        private const string ValidateScript = @"sshd=$1 candidate=$2 config=$3
if [ -n ""$candidate"" ]; then
  umask 077
  mkdir -p ""${candidate%/*}"" && cat > ""$candidate"" || exit 96
fi
[ -x ""$sshd"" ] || { echo ""$sshd: not found"" >&2; exit 127; }
""$sshd"" -t -f ""${candidate:-$config}""
status=$?
[ -z ""$candidate"" ] || rm -f ""$candidate""
exit $status
";

        // Prints result=ready|alive|died|reload-failed|signal-failed, and pid= of the daemon watched.
        private const string ReloadScript = @"pidfile=$1 unit=$2 pid=$3
alive() { case $(cat ""/proc/$1/stat"" 2>/dev/null) in '') return 1 ;; *') Z '*|*') X '*) return 1 ;; esac; return 0; }
catches_hup() { awk '/^SigCgt:/ { exit !(substr($2, length($2)) ~ /[13579bdfBDF]/) }' ""/proc/$1/status"" 2>/dev/null; }
pause() { sleep 0.05 2>/dev/null || sleep 1; }
[ ""$pidfile"" = none ] && pidfile=
[ -z ""$pidfile"" ] || rm -f ""$pidfile""
if [ -n ""$unit"" ]; then
  if ! out=$(systemctl reload ""$unit"" 2>&1); then
    echo ""result=reload-failed""; echo ""pid=$pid""; alive ""$pid"" && echo alive=1; echo ""error=$out"" | head -n 1; exit 0
  fi
  pid=$(systemctl show -p MainPID --value ""$unit"")
elif ! kill -HUP ""$pid""; then
  echo result=signal-failed; exit 0
fi
echo ""pid=$pid""
if [ -n ""$pidfile"" ]; then tries=100; else tries=40; fi
i=0
while [ $i -lt $tries ]; do
  alive ""$pid"" || { echo result=died; exit 0; }
  if [ -n ""$pidfile"" ] && [ -s ""$pidfile"" ] && catches_hup ""$pid""; then echo result=ready; exit 0; fi
  pause; i=$((i + 1))
done
if alive ""$pid""; then echo result=alive; else echo result=died; fi
";

        // Starts the daemon again as it ran (its systemd unit, or its command line in a session of its own).
        private const string RestartScript = @"pidfile=$1 unit=$2; shift 2
[ ""$pidfile"" = none ] && pidfile=
alive() { case $(cat ""/proc/$1/stat"" 2>/dev/null) in '') return 1 ;; *') Z '*|*') X '*) return 1 ;; esac; return 0; }
pause() { sleep 0.05 2>/dev/null || sleep 1; }
if [ -n ""$unit"" ]; then
  systemctl restart ""$unit"" >/dev/null 2>&1
  systemctl is-active --quiet ""$unit"" && echo ""pid=$(systemctl show -p MainPID --value ""$unit"")"" && exit 0
  exit 1
fi
[ $# -gt 0 ] || exit 1
[ -z ""$pidfile"" ] || rm -f ""$pidfile""
if command -v setsid >/dev/null 2>&1; then setsid ""$@"" </dev/null >/dev/null 2>&1 & else ""$@"" </dev/null >/dev/null 2>&1 & fi
pid=$!
i=0
while [ $i -lt 100 ]; do
  if [ -n ""$pidfile"" ] && [ -s ""$pidfile"" ]; then pid=$(cat ""$pidfile""); break; fi
  [ -z ""$pidfile"" ] && [ $i -ge 20 ] && break
  pause; i=$((i + 1))
done
alive ""$pid"" && echo ""pid=$pid"" && exit 0
exit 1
";

        private const string EffectiveScript = @"if [ -n ""$3"" ]; then exec ""$1"" -T -f ""$2"" -C ""$3""; else exec ""$1"" -T -f ""$2""; fi";

        private readonly RemoteMachine machine;
        private readonly string[] commandLine;

        public RemoteSshd(RemoteMachine machine)
        {
            this.machine = machine;
            commandLine = machine.SshdPid != null ? SshdDaemon.ParseCommandLine(machine.SshdCommandLine) : new string[0];
            // sshd re-executes itself from argv[0], which it requires to be absolute; that is the binary that runs.
            SshdPath = commandLine.Length > 0 && commandLine[0].StartsWith("/", StringComparison.Ordinal) ? commandLine[0] : machine.SshdPath ?? "/usr/sbin/sshd";
            ConfigPath = SshdDaemon.ConfigPathIn(commandLine) ?? "/etc/ssh/sshd_config";
            // The banner names the running daemon's release in full (9.2p1); Debian's sshd -V says only 9.2.
            Version = OpenSshVersion.FromBanner(machine.Banner) ?? OpenSshVersion.FromBanner(machine.SshdVersionText);
        }

        public string HostName => machine.HostName;

        /// <summary>The sshd binary that runs (and that judges configs).</summary>
        public string SshdPath { get; }

        /// <summary>The config the serving daemon reads: its -f, else /etc/ssh/sshd_config.</summary>
        public string ConfigPath { get; }

        /// <summary>Its release, from the connection's banner (else what sshd -V prints); null when neither says.</summary>
        public OpenSshVersion? Version { get; }

        /// <summary>The listening daemon serving our connection; null when the machine does not say (no /proc).</summary>
        public int? Pid => machine.SshdPid;

        /// <summary>The systemd unit that runs it; null when it runs otherwise.</summary>
        public string? Unit => machine.SshdUnit;

        /// <summary>
        /// sshd -t's verdict: on <paramref name="candidate"/> written to <paramref name="candidatePath"/> (0600, removed at
        /// once) standing for <paramref name="configPath"/>, or on <paramref name="configPath"/> as it is when no candidate is given.
        /// </summary>
        public SshdValidation Validate(string configPath, byte[]? candidate, string? candidatePath, CancellationToken cancellationToken)
        {
            RemoteShellResult result = machine.Shell.Run(ValidateScript, new[] { SshdPath, candidate == null ? string.Empty : candidatePath!, configPath }, candidate, asRoot: true, cancellationToken: cancellationToken);
            string message = candidatePath == null ? result.ErrorText : result.ErrorText.Replace(candidatePath, configPath);
            if (result.ExitStatus == 127)
            {
                SshdPrerequisite binary = SshdPrerequisite.Binary($"{HostName}:{SshdPath}", null);
                return new SshdValidation(false, binary.Cause, binary);
            }

            if (result.ExitStatus == 96)
            {
                return new SshdValidation(false, $"the candidate could not be written to {HostName}:{candidatePath}: {message}");
            }

            return result.Succeeded ? new SshdValidation(true, message) : new SshdValidation(false, message, SshdPrerequisite.FindMissing(message));
        }

        /// <summary>
        /// Reloads the daemon serving our connection when it reads <paramref name="configPath"/>, and waits until it listens
        /// again. When it dies, <paramref name="restore"/> (null when no file was changed) puts the previous config back and it is started again as it ran.
        /// </summary>
        public SshdReloadOutcome Reload(string configPath, string? pidFile, Action? restore, CancellationToken cancellationToken)
        {
            if (Pid == null)
            {
                return SshdReloadOutcome.NotDone($"no sshd serving this connection was found on {HostName} (its /proc does not show one), so nothing was reloaded");
            }

            if (!string.Equals(ConfigPath, configPath, StringComparison.Ordinal))
            {
                return SshdReloadOutcome.NotDone($"the sshd serving this connection on {HostName} (pid {Pid}) reads {ConfigPath}, not {configPath}, so it was not reloaded");
            }

            string pid = Pid.Value.ToString(CultureInfo.InvariantCulture);
            IReadOnlyDictionary<string, string> outcome = Fields(machine.Shell.RunText(ReloadScript, new[] { pidFile ?? string.Empty, Unit ?? string.Empty, pid }, asRoot: true, cancellationToken: cancellationToken));
            string result = outcome.TryGetValue("result", out string? r) ? r : "died";
            string how = Unit != null ? $"systemd unit {Unit}" : $"SIGHUP to sshd (pid {pid})";
            switch (result)
            {
                case "ready":
                case "alive":
                    return SshdReloadOutcome.Done($"reloaded sshd on {HostName} ({how}){(result == "alive" ? string.Empty : "; it listens again")}");
                case "signal-failed":
                    return SshdReloadOutcome.NotDone($"sshd (pid {pid}) on {HostName} could not be signalled, so nothing was reloaded");
            }

            bool stillRunning = result == "reload-failed" && outcome.ContainsKey("alive");
            string? notRestored = TryRestore(restore);
            bool running = stillRunning || Restart(pidFile);
            string what = result == "reload-failed"
                ? $"the reload of {how} failed ({(outcome.TryGetValue("error", out string? error) ? error : "no reason given")})"
                : $"sshd exited after {how}";
            return SshdReloadOutcome.FailedReload(
                notRestored == null,
                running,
                $"on {HostName}, {what}; " + (notRestored ?? "the previous config was restored") +
                (running ? (stillRunning ? " and sshd still runs." : " and sshd started again.") : ", and sshd is not running: start it by hand (the session used for the edit is still open)."));
        }

        /// <summary>What sshd -T says for <paramref name="connection"/> (lowercase keyword, value as printed); null with <paramref name="error"/> when it refused.</summary>
        public IReadOnlyDictionary<string, string>? Effective(string configPath, ServerConnection? connection, CancellationToken cancellationToken, out string error)
        {
            RemoteShellResult result = machine.Shell.Run(EffectiveScript, new[] { SshdPath, configPath, connection?.ToSpec() ?? string.Empty }, asRoot: true, cancellationToken: cancellationToken);
            error = result.ErrorText;
            if (!result.Succeeded)
            {
                return null;
            }

            var settings = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string line in result.OutputText.Split('\n'))
            {
                int space = line.IndexOf(' ');
                if (space > 0 && !settings.ContainsKey(line.Substring(0, space)))
                {
                    settings.Add(line.Substring(0, space), line.Substring(space + 1).Trim());
                }
            }

            return settings;
        }

        /// <summary>The connection as the server saw ours: its user, our address (also as host, which sshd without UseDNS uses), and the server's address and port.</summary>
        public ServerConnection ConnectionOf(RemoteMachine login) =>
            new ServerConnection(login.UserName, login.ClientAddress, login.ClientAddress, login.ServerAddress, login.ServerPort);

        private bool Restart(string? pidFile)
        {
            try
            {
                RemoteShellResult started = machine.Shell.Run(RestartScript, new[] { pidFile ?? string.Empty, Unit ?? string.Empty }.Concat(commandLine).ToList(), asRoot: true);
                return started.Succeeded;
            }
            catch (Errors.SshKeepAliveException)
            {
                return false;
            }
        }

        private static string? TryRestore(Action? restore) =>
            SshdReloadOutcome.TryRestore(restore, e => e is System.IO.IOException || e is UnauthorizedAccessException || e is Errors.SshKeepAliveException);

        private static IReadOnlyDictionary<string, string> Fields(string output) =>
            output.Split('\n').Select(l => l.Trim()).Where(l => l.IndexOf('=') > 0)
                .GroupBy(l => l.Substring(0, l.IndexOf('=')))
                .ToDictionary(g => g.Key, g => g.First().Substring(g.Key.Length + 1), StringComparer.Ordinal);
    }
}
