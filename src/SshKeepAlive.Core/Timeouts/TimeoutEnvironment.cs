using System.IO;
using System.Runtime.InteropServices;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Platform;

namespace SshKeepAlive.Core.Timeouts
{
    /// <summary>Where this machine keeps what the report reads; tests point it at temporary folders.</summary>
    public sealed class TimeoutEnvironment
    {
        /// <param name="rootPath">The file system root: /etc and /proc/sys are found under it.</param>
        /// <param name="client">The client side's home, user and config paths.</param>
        /// <param name="isWindows">Whether the machine is Windows (no shell or kernel scope).</param>
        public TimeoutEnvironment(string rootPath, ClientEnvironment client, bool isWindows)
        {
            RootPath = rootPath;
            Client = client;
            IsWindows = isWindows;
        }

        public string RootPath { get; }

        /// <summary>Home directory, local user, ~/.ssh/config and the system ssh_config.</summary>
        public ClientEnvironment Client { get; }

        public bool IsWindows { get; }

        /// <summary>The user's home: ~/.ssh/config and the user's shell startup files.</summary>
        public string HomeDirectory => Client.HomeDirectory;

        /// <summary>The directory of the system-wide configs: /etc/ssh, or %ProgramData%\ssh on Windows.</summary>
        public string SystemConfigDirectory => Client.SystemDirectory;

        /// <summary>sshd_config beside the system ssh_config.</summary>
        public string ServerConfig => Path.Combine(SystemConfigDirectory, "sshd_config");

        /// <summary>The release of the machine's sshd, whose rules the server scope follows; null: unknown (the newest is assumed).</summary>
        public OpenSshVersion? ServerOpenSshVersion { get; set; }

        /// <summary>Linux's /proc/sys; absent elsewhere.</summary>
        public string ProcSysPath => Path.Combine(RootPath, "proc", "sys");

        /// <summary>A machine laid out under <paramref name="rootPath"/>, with the user's home at <paramref name="homeDirectory"/>.</summary>
        public static TimeoutEnvironment UnderRoot(string rootPath, string homeDirectory, string localUser)
        {
            string system = Path.Combine(rootPath, "etc", "ssh");
            var client = new ClientEnvironment(homeDirectory, localUser, Path.Combine(homeDirectory, ".ssh", "config"), Path.Combine(system, "ssh_config"), system);
            return new TimeoutEnvironment(rootPath, client, isWindows: false);
        }

        /// <summary>This process's machine and user.</summary>
        public static TimeoutEnvironment Current()
        {
            bool isWindows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
            // The releases this machine's own ssh and sshd say they are, so the report follows what they accept.
            ClientEnvironment client = ClientEnvironment.Current();
            client.OpenSshVersion = OpenSshVersion.OfProgram("ssh");
            return new TimeoutEnvironment(isWindows ? Path.GetPathRoot(System.Environment.SystemDirectory) ?? "C:\\" : "/", client, isWindows)
            {
                ServerOpenSshVersion = OpenSshVersion.OfProgram(SshPlatform.SshdPath),
            };
        }
    }
}
