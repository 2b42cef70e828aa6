using System;
using System.IO;
using System.Net;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Platform;

namespace SshKeepAlive.Core.ClientConfig
{
    /// <summary>
    /// The local facts ssh's configuration depends on: home directory, local user, config file locations and
    /// the values of %-tokens. <see cref="Current"/> reads them from this machine; tests build their own.
    /// </summary>
    public sealed class ClientEnvironment
    {
        public ClientEnvironment(string homeDirectory, string localUser, string userConfigPath, string systemConfigPath, string systemDirectory)
        {
            HomeDirectory = homeDirectory;
            LocalUser = localUser;
            UserConfigPath = userConfigPath;
            SystemConfigPath = systemConfigPath;
            SystemDirectory = systemDirectory;
        }

        /// <summary>What '~' means (ssh uses the account's home directory).</summary>
        public string HomeDirectory { get; }

        /// <summary>The local account name: the default User, and what Match localuser tests.</summary>
        public string LocalUser { get; }

        /// <summary>~/.ssh/config (Windows: %USERPROFILE%\.ssh\config).</summary>
        public string UserConfigPath { get; }

        /// <summary>/etc/ssh/ssh_config (Windows: %ProgramData%\ssh\ssh_config).</summary>
        public string SystemConfigPath { get; }

        /// <summary>Where relative Include paths in the system config point: /etc/ssh (Windows: %ProgramData%\ssh).</summary>
        public string SystemDirectory { get; }

        /// <summary>Full local host name (%l); the part before the first dot is %L.</summary>
        public string LocalHostName { get; set; } = SafeHostName();

        /// <summary>Numeric local user id (%i); "0" where there is none.</summary>
        public string UserId { get; set; } = "0";

        /// <summary>The ssh release whose rules the resolver follows (which keywords it knows); null: the newest.</summary>
        public OpenSshVersion? OpenSshVersion { get; set; }

        /// <summary>Where the config files are read: this machine's files, or a remote machine's.</summary>
        public IReadOnlyFileSystem Files { get; set; } = LocalFileSystem.Instance;

        /// <summary>The account ssh runs as, whose own config files pass ssh's permission check (<see cref="UserId"/> as a number).</summary>
        internal uint NumericUserId => uint.TryParse(UserId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out uint id) ? id : 0;

        /// <summary>This machine, this process's user, the platform's OpenSSH paths.</summary>
        public static ClientEnvironment Current()
        {
            string home = SshPlatform.HomeDirectory;
            string system = SshPlatform.SystemDirectory;
            var environment = new ClientEnvironment(home, Environment.UserName, Path.Combine(home, ".ssh", "config"), Path.Combine(system, "ssh_config"), system);
            if (!SshPlatform.IsWindows)
            {
                environment.UserId = UnixFileSystem.EffectiveUserId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return environment;
        }

        private static string SafeHostName()
        {
            try
            {
                return Dns.GetHostName();
            }
            catch (System.Net.Sockets.SocketException)
            {
                return "localhost";
            }
        }
    }
}
