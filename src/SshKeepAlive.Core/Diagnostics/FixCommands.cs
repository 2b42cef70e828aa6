using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace SshKeepAlive.Core.Diagnostics
{
    /// <summary>
    /// Fixes as cmdlet invocations a user can paste as they are: the same target, config file and daemon as the run
    /// that found them, values already checked to be what the cmdlets accept; for a remote machine, the same machine
    /// (-ComputerName) and, for its client files, the same account (-User).
    /// </summary>
    internal sealed class FixCommands
    {
        /// <summary>An interval that survives every common middlebox: half of Azure Load Balancer's default 240 s.</summary>
        public const int SafeInterval = 120;

        private readonly string? hostName;
        private readonly string? clientPath;
        private readonly string? serverPath;
        private readonly bool reload;
        private readonly string? computerName;
        private readonly string? clientUser;

        /// <param name="hostName">The client target; null or "*" for every host (Set-SshKeepAlive's default).</param>
        /// <param name="clientPath">The client config given with -Path; null for ~/.ssh/config.</param>
        /// <param name="serverPath">The server config when it is not the default one; null otherwise.</param>
        /// <param name="reload">Whether a running sshd reads the server config, so server edits must reload it.</param>
        /// <param name="computerName">The remote machine the findings are about (-ComputerName); null for this one.</param>
        /// <param name="clientUser">On a remote machine, the account whose ~/.ssh/config was read when it is not the login user's; null otherwise.</param>
        public FixCommands(string? hostName, string? clientPath, string? serverPath, bool reload, string? computerName = null, string? clientUser = null)
        {
            this.hostName = hostName == "*" ? null : hostName;
            this.clientPath = clientPath;
            this.serverPath = serverPath;
            this.reload = reload;
            this.computerName = computerName;
            this.clientUser = clientUser;
        }

        /// <summary>The remote machine the fixes are for; null for this one.</summary>
        public string? ComputerName => computerName;

        /// <summary>The keepalive interval to recommend for a path that forgets idle flows after <paramref name="limit"/> seconds: at most half of it.</summary>
        public static int IntervalFor(int? limit) => limit == null ? SafeInterval : System.Math.Max(1, System.Math.Min(limit.Value / 2, SafeInterval));

        public string ClientKeepAlive(int interval) => Client("Set-SshKeepAlive", "Interval", Number(interval));

        /// <summary>A client cmdlet (<paramref name="cmdlet"/>) setting one parameter for the target, e.g. Set-SshKeepAlive -HostName web01 -CountMax 5.</summary>
        public string Client(string cmdlet, string parameter, string value) =>
            Join(cmdlet, Remote, clientUser == null ? null : "-User " + Quote(clientUser), hostName == null ? null : "-HostName " + Quote(hostName), clientPath == null ? null : "-Path " + Quote(clientPath), "-" + parameter + " " + value);

        public string ServerKeepAlive(int? interval, int? countMax = null) =>
            Join("Set-SshKeepAlive -Scope Server", Remote, ServerPath, interval == null ? null : "-Interval " + Number(interval.Value), countMax == null ? null : "-CountMax " + Number(countMax.Value), ReloadSwitch);

        /// <summary>Set-SshTimeoutConfig for the server: <paramref name="parameter"/> (e.g. LoginGraceTime) with values already formatted.</summary>
        public string ServerTimeout(string parameter, params string[] values) =>
            Join("Set-SshTimeoutConfig -Scope Server", Remote, ServerPath, "-" + parameter + " " + string.Join(", ", values.Select(Quote)), ReloadSwitch);

        /// <summary>Reloads the daemon without changing a setting.</summary>
        public string ServerReload() => Join("Set-SshKeepAlive -Scope Server", Remote, ServerPath, "-Reload");

        /// <summary>A manual step, on the remote machine when the findings are about one.</summary>
        public string Manual(string step) => computerName == null ? step : $"On {computerName}: {step}";

        /// <summary>A PowerShell string literal of <paramref name="text"/>: bare when it is a plain word, else single-quoted.</summary>
        public static string Quote(string text) =>
            text.Length > 0 && text.All(c => char.IsLetterOrDigit(c) || "._-/@:=+".IndexOf(c) >= 0) && !text.StartsWith("-", System.StringComparison.Ordinal)
                ? text
                : "'" + text.Replace("'", "''") + "'";

        private string? Remote => computerName == null ? null : "-ComputerName " + Quote(computerName);

        private string? ServerPath => serverPath == null ? null : "-Path " + Quote(serverPath);

        private string? ReloadSwitch => reload ? "-Reload" : null;

        private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

        private static string Join(params string?[] parts) => string.Join(" ", parts.Where(p => p != null));
    }
}
