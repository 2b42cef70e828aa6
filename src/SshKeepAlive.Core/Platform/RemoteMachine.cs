using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;

namespace SshKeepAlive.Core.Platform
{
    /// <summary>
    /// A machine reached over SSH, as one round trip right after login finds it: the login account (id, name, home), the
    /// machine's name and kernel, the connection as the server sees it ($SSH_CONNECTION), the sshd that serves this
    /// connection (the topmost sshd among the login shell's ancestors, by the name of its binary, sshd-session aside:
    /// its pid, command line and systemd unit), and what
    /// its ssh and sshd say their versions are. Its <see cref="Shell"/> runs scripts as the login user or as root;
    /// disposing it closes the connection. As an <see cref="IMachine"/> it answers what the diagnostics ask of a machine
    /// there: stat(1) for files, /proc for a process's start, and its programs (as the login user, or as root through sudo).
    /// </summary>
    public sealed class RemoteMachine : IMachine, IDisposable
    {
        // "<uid> <octal mode> <seconds> <date> <time.fraction> <zone>" (GNU stat), or "<uid> <octal mode> <seconds>" (BSD stat).
        private const string StatScript = @"[ -e ""$1"" ] || { echo missing; exit 0; }
stat -L -c '%u %a %Y %y' -- ""$1"" 2>/dev/null || stat -L -f '%u %Lp %m' -- ""$1""
";

        // The process's /proc stat line, the boot time and the clock's ticks per second; without /proc, ps's elapsed time.
        private const string ProcessStartScript = @"if [ -r /proc/stat ]; then
  stat=$(cat ""/proc/$1/stat"" 2>/dev/null) || exit 3
  printf '%s\n' ""$stat""; grep '^btime ' /proc/stat; echo ""ticks $(getconf CLK_TCK)""
else
  echo ""etime $(ps -o etime= -p ""$1"")""
fi
";

        // A program run as it is, with its arguments; 127: not found.
        private const string RunScript = @"command -v ""$1"" >/dev/null 2>&1 || { echo ""$1: not found"" >&2; exit 127; }
exec ""$@""
";

        private readonly IRemoteCommandChannel channel;

        private const string FactsScript = @"hex() { printf '%s' ""$1"" | od -An -v -tx1 | tr -d ' \n'; }
echo ""uid=$(id -u)""
echo ""user=$(id -un)""
eval ""home=~$(id -un)""
echo ""home=$(hex ""$home"")""
echo ""root_home=$(hex ~root)""
echo ""hostname=$(hex ""$(uname -n)"")""
echo ""os=$(uname -s)""
echo ""connection=$SSH_CONNECTION""
pid=$$ listener= steps=0
while [ -r ""/proc/$pid/stat"" ] && [ ""$pid"" -gt 1 ] && [ $steps -lt 64 ]; do
  stat=$(cat ""/proc/$pid/stat"" 2>/dev/null) || break
  comm=${stat#*(}; comm=${comm%)*}
  case $comm in sshd-session | sshd-auth) ;; sshd*) listener=$pid ;; esac
  set -- ${stat##*) }
  pid=$2 steps=$((steps + 1))
done
if [ -n ""$listener"" ]; then
  echo ""sshd_pid=$listener""
  echo ""sshd_cmdline=$(od -An -v -tx1 < ""/proc/$listener/cmdline"" | tr -d ' \n')""
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    for unit in ssh sshd; do
      [ ""$(systemctl show -p MainPID --value ""$unit"" 2>/dev/null)"" = ""$listener"" ] && echo ""sshd_unit=$unit"" && break
    done
  fi
fi
sshd=$(PATH=/usr/sbin:/usr/local/sbin:/sbin:$PATH command -v sshd 2>/dev/null)
echo ""sshd=$(hex ""$sshd"")""
echo ""sshd_version=$(hex ""$( ( [ -n ""$sshd"" ] && ""$sshd"" -V ) 2>&1 </dev/null | head -n 3)"")""
echo ""ssh_version=$(hex ""$(ssh -V 2>&1 </dev/null | head -n 1)"")""
";

        private RemoteMachine(IRemoteCommandChannel channel, RemoteShell shell, IReadOnlyDictionary<string, string> facts)
        {
            this.channel = channel;
            Shell = shell;
            string Fact(string name) => facts.TryGetValue(name, out string? value) ? value : string.Empty;
            UserId = uint.TryParse(Fact("uid"), NumberStyles.None, CultureInfo.InvariantCulture, out uint uid) ? uid : uint.MaxValue;
            UserName = Fact("user");
            HomeDirectory = RemoteShell.DecodeHex(Fact("home"));
            string rootHome = RemoteShell.DecodeHex(Fact("root_home"));
            RootHomeDirectory = rootHome.StartsWith("/", StringComparison.Ordinal) ? rootHome : "/root";
            MachineName = RemoteShell.DecodeHex(Fact("hostname"));
            OperatingSystem = Fact("os");
            string[] connection = Fact("connection").Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
            if (connection.Length == 4)
            {
                ClientAddress = connection[0];
                ServerAddress = connection[2];
                ServerPort = int.TryParse(connection[3], NumberStyles.None, CultureInfo.InvariantCulture, out int port) ? port : (int?)null;
            }

            SshdPid = int.TryParse(Fact("sshd_pid"), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? pid : (int?)null;
            SshdCommandLine = RemoteShell.DecodeHex(Fact("sshd_cmdline"));
            SshdUnit = Fact("sshd_unit").Length > 0 ? Fact("sshd_unit") : null;
            string sshd = RemoteShell.DecodeHex(Fact("sshd"));
            SshdPath = sshd.Length > 0 ? sshd : null;
            SshdVersionText = RemoteShell.DecodeHex(Fact("sshd_version"));
            SshVersionText = RemoteShell.DecodeHex(Fact("ssh_version"));
        }

        /// <summary>Runs scripts there, as the login user or (through sudo unless the login is root) as root.</summary>
        public RemoteShell Shell { get; }

        /// <summary>The name the machine was reached by (as given to -ComputerName).</summary>
        public string HostName => Shell.HostName;

        /// <summary>The server's SSH identification string.</summary>
        public string Banner => channel.ServerIdentification;

        public uint UserId { get; }

        /// <summary>The login account.</summary>
        public string UserName { get; }

        /// <summary>The login account's home, from the passwd database.</summary>
        public string HomeDirectory { get; }

        /// <summary>root's home, where root's state folder (locks, backups) is; /root when the passwd database does not say.</summary>
        public string RootHomeDirectory { get; }

        /// <summary>The machine's own name (uname -n).</summary>
        public string MachineName { get; }

        /// <summary>uname -s: Linux, Darwin, FreeBSD...</summary>
        public string OperatingSystem { get; }

        /// <summary>This client's address as the server sees it; null when $SSH_CONNECTION was not set.</summary>
        public string? ClientAddress { get; }

        /// <summary>The server address the connection came in on.</summary>
        public string? ServerAddress { get; }

        /// <summary>The server port the connection came in on.</summary>
        public int? ServerPort { get; }

        /// <summary>The listening sshd that serves this connection; null when /proc does not say (not Linux).</summary>
        public int? SshdPid { get; }

        /// <summary>/proc/PID/cmdline of <see cref="SshdPid"/>: a listener's title, "sshd: /usr/sbin/sshd -D -f ... [listener] ...", or its NUL-separated arguments.</summary>
        public string SshdCommandLine { get; }

        /// <summary>The systemd unit whose main process is <see cref="SshdPid"/> (ssh or sshd); null when none is.</summary>
        public string? SshdUnit { get; }

        /// <summary>The sshd on root's PATH (/usr/sbin/sshd); null when there is none.</summary>
        public string? SshdPath { get; }

        /// <summary>What sshd -V printed (an older sshd names its version in its usage).</summary>
        public string SshdVersionText { get; }

        /// <summary>What ssh -V printed.</summary>
        public string SshVersionText { get; }

        /// <summary>Logs in through <paramref name="channel"/> and reads the machine's facts.</summary>
        /// <param name="channel">The SSH connection's command channel.</param>
        /// <param name="sudoPassword">The login user's password for sudo; null for sudo -n.</param>
        /// <param name="cancellationToken">Stops the read.</param>
        public static RemoteMachine Read(IRemoteCommandChannel channel, string? sudoPassword, CancellationToken cancellationToken)
        {
            var asUser = new RemoteShell(channel, loginIsRoot: false);
            string output = asUser.RunText(FactsScript, cancellationToken: cancellationToken);
            var facts = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string line in output.Split('\n'))
            {
                int equals = line.IndexOf('=');
                if (equals > 0 && !facts.ContainsKey(line.Substring(0, equals)))
                {
                    facts.Add(line.Substring(0, equals), line.Substring(equals + 1).Trim());
                }
            }

            bool root = facts.TryGetValue("uid", out string? uid) && uid == "0";
            return new RemoteMachine(channel, new RemoteShell(channel, root, sudoPassword), facts);
        }

        uint? IMachine.UserId => UserId;

        /// <summary>stat(1) of the file there, symbolic links followed: as the login user, or as root where that user may not look.</summary>
        public FileFacts? Stat(string path)
        {
            RemoteShellResult result = Shell.Run(StatScript, new[] { path });
            if (!result.Succeeded && Shell.UsesSudo && TryAsRoot(StatScript, new[] { path }) is RemoteShellResult asRoot)
            {
                result = asRoot;
            }

            string[] fields = result.OutputText.Trim().Split(' ');
            if (!result.Succeeded || fields.Length < 3
                || !uint.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out uint owner)
                || !long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out long seconds))
            {
                return null;
            }

            // GNU stat's %y carries the nanoseconds %Y leaves out: "07:00:59.123456789".
            DateTimeOffset written = DateTimeOffset.FromUnixTimeSeconds(seconds);
            int dot = fields.Length >= 5 ? fields[4].IndexOf('.') : -1;
            if (dot >= 0 && double.TryParse("0" + fields[4].Substring(dot), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double fraction))
            {
                written = written.AddTicks((long)(fraction * TimeSpan.TicksPerSecond));
            }

            return new FileFacts(path, owner, Convert.ToInt32(fields[1], 8), written);
        }

        /// <summary>The process's start there, from its /proc (ps elsewhere); null when there is no such live process.</summary>
        public DateTimeOffset? ProcessStartTime(int pid)
        {
            RemoteShellResult result = Shell.Run(ProcessStartScript, new[] { pid.ToString(CultureInfo.InvariantCulture) });
            string output = result.OutputText;
            if (!result.Succeeded)
            {
                return null;
            }

            if (output.StartsWith("etime ", StringComparison.Ordinal))
            {
                return LocalMachine.ParseElapsed(output.Substring(6).Trim()) is TimeSpan elapsed ? DateTimeOffset.UtcNow - elapsed : (DateTimeOffset?)null;
            }

            int boot = output.LastIndexOf("\nbtime ", StringComparison.Ordinal);
            int ticks = output.LastIndexOf("\nticks ", StringComparison.Ordinal);
            return boot < 0 || ticks < boot || !long.TryParse(output.Substring(ticks + 7).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long perSecond)
                ? null
                : LocalMachine.LinuxProcessStart(output.Substring(0, boot), output.Substring(boot + 1, ticks - boot - 1), perSecond);
        }

        /// <summary>Runs the program there as the login user (its PATH, its ~/.ssh/config); a missing one is not started.</summary>
        public CommandOutput Run(string program, params string[] arguments) => Output(program, Shell.Run(RunScript, new[] { program }.Concat(arguments).ToList()));

        /// <summary>Runs the program there as root: as the login user when that is root, else through sudo; null when sudo refuses.</summary>
        public CommandOutput? RunAsRoot(string program, params string[] arguments) =>
            TryAsRoot(RunScript, new[] { program }.Concat(arguments).ToList()) is RemoteShellResult result ? Output(program, result) : null;

        /// <summary>Closes the connection.</summary>
        public void Dispose() => channel.Dispose();

        private static CommandOutput Output(string program, RemoteShellResult result) =>
            result.ExitStatus == 127 ? CommandOutput.NotStarted(result.ErrorText.Length > 0 ? result.ErrorText : program + ": not found")
            : new CommandOutput(result.ExitStatus ?? -1, result.OutputText, result.ErrorText);

        private RemoteShellResult? TryAsRoot(string script, IReadOnlyList<string> arguments)
        {
            try
            {
                return Shell.Run(script, arguments, asRoot: true);
            }
            catch (Errors.SshKeepAliveException ex) when (ex.Id == Errors.ErrorId.SudoPasswordMissing || ex.Id == Errors.ErrorId.SudoFailed)
            {
                return null;
            }
        }
    }
}
