using System;
using System.Globalization;
using System.Threading;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.Server;
using SshKeepAlive.Core.ServerConfig;
using SshKeepAlive.Core.Sessions;
using SshKeepAlive.Core.Timeouts;

namespace SshKeepAlive.Core.Fleet
{
    /// <summary>
    /// One server opened for reading, as Get-SshTimeoutConfig and Test-SshKeepAlive read it: the login, its sshd, its
    /// files (<see cref="RemoteFileSystem"/>: the config tree, the shells' startup files, /proc/sys) and a
    /// <see cref="TimeoutReporter"/> over them whose machine is the server itself (<see cref="RemoteMachine"/>: stat,
    /// /proc, its ssh and sshd), following the host's OpenSSH release.
    /// </summary>
    public sealed class RemoteTimeoutSource
    {
        private RemoteTimeoutSource(RemoteMachine machine, RemoteSshd sshd, RemoteFileSystem files, ServerConnection connection, string configPath, TimeoutReporter reporter)
        {
            Machine = machine;
            Sshd = sshd;
            Files = files;
            Connection = connection;
            ServerConfigPath = configPath;
            Reporter = reporter;
        }

        public RemoteMachine Machine { get; }

        public RemoteSshd Sshd { get; }

        public RemoteFileSystem Files { get; }

        /// <summary>The connection the server's Match blocks were evaluated for: the query's, else our own login's.</summary>
        public ServerConnection Connection { get; }

        /// <summary>The sshd_config read: the query's path, else the one the host's sshd runs with.</summary>
        public string ServerConfigPath { get; }

        public TimeoutReporter Reporter { get; }

        /// <summary>
        /// Logs in to the host, opens what the query selects and hands it to <paramref name="read"/>; the login is closed
        /// after. Returns the failure that ended it (named after the host, which is its target), or null.
        /// </summary>
        public static SshKeepAliveException? Read(FleetHost host, RemoteTimeoutQuery query, FleetConnection connection, Action<RemoteTimeoutSource> read)
        {
            try
            {
                using FleetLogin login = connection.Open(host.ComputerName, host.CancellationToken);
                read(Open(host, query, login.Machine));
                return null;
            }
            catch (SshKeepAliveException ex)
            {
                return ex.Message.StartsWith(host.ComputerName + ":", StringComparison.Ordinal) ? ex : new SshKeepAliveException(ex.Id, $"{host.ComputerName}: {ex.Message}", ex.Target ?? host.ComputerName, ex);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException) && ConnectFailure.IdOf(ex) is ErrorId lost)
            {
                return new SshKeepAliveException(lost, $"{host.ComputerName}: the session was lost: {ex.Message}", host.ComputerName, ex);
            }
        }

        /// <summary>A warning naming the files the login user may not read and sudo's refusal to read them; null when there were none.</summary>
        public ConfigDiagnostic? ElevationWarning() =>
            Files.ElevationProblem == null ? null : new ConfigDiagnostic(ConfigDiagnosticSeverity.Warning, $"{Files.HostName}: files {Machine.UserName} may not read were not read: {Files.ElevationProblem}", null);

        private static RemoteTimeoutSource Open(FleetHost host, RemoteTimeoutQuery query, RemoteMachine machine)
        {
            CancellationToken cancellationToken = host.CancellationToken;
            var sshd = new RemoteSshd(machine);
            var files = new RemoteFileSystem(machine.Shell, asRoot: false, cancellationToken);
            var accounts = new UnixAccounts(files: files);
            string user = query.User ?? machine.UserName;
            string home = (user == machine.UserName ? machine.HomeDirectory : accounts.HomeOf(user)) ?? machine.HomeDirectory;
            string configPath = query.ConfigPath ?? sshd.ConfigPath;

            // The usual places, in one round trip; whatever else the files name is read as they name it.
            files.Prefetch(
                new[] { configPath, "/etc/passwd", "/etc/group", "/etc/ssh/ssh_config", home + "/.ssh/config", "/etc/profile", "/etc/bash.bashrc", home + "/.bashrc", home + "/.profile", home + "/.bash_profile" },
                new[] { "/etc/ssh/sshd_config.d", "/etc/ssh/ssh_config.d", "/etc/profile.d", "/proc/sys/net/ipv4" });
            var client = new ClientEnvironment(home, user, home.TrimEnd('/') + "/.ssh/config", "/etc/ssh/ssh_config", "/etc/ssh")
            {
                LocalHostName = machine.MachineName,
                UserId = accounts.OwnerOf(user)?.Split(':')[0] ?? machine.UserId.ToString(CultureInfo.InvariantCulture),
                OpenSshVersion = OpenSshVersion.FromBanner(machine.SshVersionText),
                Files = files,
            };
            var environment = new TimeoutEnvironment("/", client, machine.OperatingSystem == "Darwin" ? OsKind.MacOS : OsKind.Linux, machine)
            {
                ServerOpenSshVersion = sshd.Version,
                ServerConfig = sshd.ConfigPath,
                SshdPath = sshd.SshdPath,
                CommandUserConfigPath = machine.HomeDirectory.TrimEnd('/') + "/.ssh/config",
            };
            var serverConnection = new ServerConnection(
                user,
                query.ClientHostName ?? machine.ClientAddress,
                query.ClientAddress ?? machine.ClientAddress,
                query.LocalAddress ?? machine.ServerAddress,
                query.LocalPort ?? machine.ServerPort);
            TimeoutReporter reporter = TimeoutReporter.Open(new TimeoutReportOptions(environment)
            {
                Scopes = query.Scopes,
                ConfigPath = query.ConfigPath,
                Connection = serverConnection,
                OpenSshVersion = query.OpenSshVersion,
                ComputerName = host.ComputerName,
                CancellationToken = cancellationToken,
            });
            return new RemoteTimeoutSource(machine, sshd, files, serverConnection, configPath, reporter);
        }
    }
}
