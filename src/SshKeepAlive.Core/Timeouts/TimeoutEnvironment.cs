using System.IO;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Platform;

namespace SshKeepAlive.Core.Timeouts
{
    /// <summary>
    /// Where the machine keeps what the report reads: its files under <see cref="RootPath"/>, and what only the
    /// machine can say (<see cref="Machine"/>: file owners and times, processes, command output). Tests point it at
    /// temporary folders and recorded answers; a reader of another machine at a copy of its files and a
    /// <see cref="IMachine"/> that asks over SSH.
    /// </summary>
    public sealed class TimeoutEnvironment
    {
        /// <param name="rootPath">The file system root: /etc and /proc/sys are found under it.</param>
        /// <param name="client">The client side's home, user and config paths.</param>
        /// <param name="isWindows">Whether the machine is Windows (no shell scope; kernel from the registry).</param>
        public TimeoutEnvironment(string rootPath, ClientEnvironment client, bool isWindows)
            : this(rootPath, client, isWindows ? OsKind.Windows : OsKind.Linux, LocalMachine.Instance)
        {
        }

        /// <param name="rootPath">The file system root: /etc and /proc/sys are found under it.</param>
        /// <param name="client">The client side's home, user and config paths.</param>
        /// <param name="os">How the kernel and the shells are read.</param>
        /// <param name="machine">File facts, processes and commands of the machine.</param>
        public TimeoutEnvironment(string rootPath, ClientEnvironment client, OsKind os, IMachine machine)
        {
            RootPath = rootPath;
            Client = client;
            Os = os;
            Machine = machine;
        }

        public string RootPath { get; }

        /// <summary>Home directory, local user, ~/.ssh/config and the system ssh_config.</summary>
        public ClientEnvironment Client { get; }

        public OsKind Os { get; }

        public bool IsWindows => Os == OsKind.Windows;

        /// <summary>What the machine says besides its files' contents.</summary>
        public IMachine Machine { get; }

        /// <summary>The user's home: ~/.ssh/config and the user's shell startup files.</summary>
        public string HomeDirectory => Client.HomeDirectory;

        /// <summary>The directory of the system-wide configs: /etc/ssh, or %ProgramData%\ssh on Windows.</summary>
        public string SystemConfigDirectory => Client.SystemDirectory;

        private string? serverConfig;

        /// <summary>The sshd_config the server reads: by default the one beside the system ssh_config; on a remote machine, the one its sshd runs with.</summary>
        public string ServerConfig
        {
            get => serverConfig ?? FileSystemExtensions.JoinPath(SystemConfigDirectory, "sshd_config");
            set => serverConfig = value;
        }

        private string? sshdPath;
        private string? commandUserConfigPath;

        /// <summary>The machine's sshd binary (sshd -t judges the server config with it): this machine's by default, on a remote machine the one that runs there.</summary>
        public string SshdPath
        {
            get => sshdPath ?? SshPlatform.SshdPath;
            set => sshdPath = value;
        }

        /// <summary>
        /// The ~/.ssh/config of the account the machine's programs run as (<see cref="IMachine.Run"/>): what its ssh -G
        /// reads, which says nothing of another account's file. This process's by default; on a remote machine, the login user's.
        /// </summary>
        public string CommandUserConfigPath
        {
            get => commandUserConfigPath ??= ClientEnvironment.Current().UserConfigPath;
            set => commandUserConfigPath = value;
        }

        /// <summary>The release of the machine's sshd, whose rules the server scope follows; null: unknown (the newest is assumed).</summary>
        public OpenSshVersion? ServerOpenSshVersion { get; set; }

        /// <summary>Where every file is read: this machine's files (the default), or a remote machine's.</summary>
        public IReadOnlyFileSystem Files => Client.Files;

        /// <summary>Linux's /proc/sys; absent elsewhere.</summary>
        public string ProcSysPath => Path.Combine(RootPath, "proc", "sys");

        /// <summary>A path of the machine's file system, under <see cref="RootPath"/>.</summary>
        public string UnderRoot(string absolutePath) => Path.Combine(RootPath, absolutePath.TrimStart('/'));

        /// <summary>A machine laid out under <paramref name="rootPath"/>, with the user's home at <paramref name="homeDirectory"/>.</summary>
        public static TimeoutEnvironment UnderRoot(string rootPath, string homeDirectory, string localUser) =>
            UnderRoot(rootPath, homeDirectory, localUser, OsKind.Linux, LocalMachine.Instance);

        /// <summary>A machine of <paramref name="os"/> laid out under <paramref name="rootPath"/>, answering through <paramref name="machine"/>.</summary>
        public static TimeoutEnvironment UnderRoot(string rootPath, string homeDirectory, string localUser, OsKind os, IMachine machine)
        {
            string system = Path.Combine(rootPath, "etc", "ssh");
            var client = new ClientEnvironment(homeDirectory, localUser, Path.Combine(homeDirectory, ".ssh", "config"), Path.Combine(system, "ssh_config"), system);
            return new TimeoutEnvironment(rootPath, client, os, machine);
        }

        /// <summary>This process's machine and user.</summary>
        public static TimeoutEnvironment Current()
        {
            OsKind os = SshPlatform.Os;
            // The releases this machine's own ssh and sshd say they are, so the report follows what they accept.
            ClientEnvironment client = ClientEnvironment.Current();
            client.OpenSshVersion = OpenSshVersion.OfProgram("ssh");
            return new TimeoutEnvironment(os == OsKind.Windows ? Path.GetPathRoot(System.Environment.SystemDirectory) ?? "C:\\" : "/", client, os, LocalMachine.Instance)
            {
                ServerOpenSshVersion = OpenSshVersion.OfProgram(SshPlatform.SshdPath),
            };
        }
    }
}
