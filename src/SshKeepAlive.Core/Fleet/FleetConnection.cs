using System;
using System.Threading;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.Sessions;

namespace SshKeepAlive.Core.Fleet
{
    /// <summary>
    /// How every host of a fleet command is reached: the module's own sessions, so ssh_config for the host, known_hosts,
    /// the agent and keys, and the connection parameters apply as they do to New-PersistentSshSession; the connector comes
    /// from the session layer, so whatever it learns to reach (a jump host) a fleet reaches too. Each login is one plain
    /// authenticated connection (no keepalives, no reconnects: an edit is short, and a lost session is a failed host).
    /// </summary>
    public sealed class FleetConnection
    {
        private readonly Func<string, SshSessionRequest> requestFor;
        private readonly ClientEnvironment environment;

        /// <param name="requestFor">The session request for one host name, with the command's connection parameters.</param>
        /// <param name="environment">This machine's ssh_config and home.</param>
        /// <param name="sudoPassword">The login user's password for sudo on every host; null for sudo -n.</param>
        public FleetConnection(Func<string, SshSessionRequest> requestFor, ClientEnvironment environment, string? sudoPassword)
        {
            this.requestFor = requestFor;
            this.environment = environment;
            SudoPassword = sudoPassword;
        }

        public string? SudoPassword { get; }

        /// <summary>Logs in to <paramref name="computerName"/> and reads the machine's facts; the returned host opens further logins alike.</summary>
        /// <exception cref="SshKeepAliveException">The host name or ssh_config is refused, or the connection failed (its id says why, its target is the host).</exception>
        public FleetLogin Open(string computerName, CancellationToken cancellationToken)
        {
            SshSessionSettings settings = SessionSettingsBuilder.Build(requestFor(computerName), environment).Settings;
            ISshConnector connector = settings.CreateConnector();
            var login = new FleetLogin(computerName, settings, connector, SudoPassword);
            login.Machine = login.NewLogin(cancellationToken);
            return login;
        }
    }

    /// <summary>One host's way in: the session an operation runs through, and brand-new logins alike for checks.</summary>
    public sealed class FleetLogin : IDisposable
    {
        private readonly ISshConnector connector;
        private readonly string? sudoPassword;

        internal FleetLogin(string computerName, SshSessionSettings settings, ISshConnector connector, string? sudoPassword)
        {
            ComputerName = computerName;
            Settings = settings;
            this.connector = connector;
            this.sudoPassword = sudoPassword;
        }

        public string ComputerName { get; }

        public SshSessionSettings Settings { get; }

        /// <summary>"user@host:port" as the connection went.</summary>
        public string Destination => $"{Settings.User}@{Settings.HostName}:{Settings.Port}";

        /// <summary>The first login, which the operation runs through and keeps open until disposed.</summary>
        public RemoteMachine Machine { get; internal set; } = null!;

        /// <summary>A brand-new connection and login, its facts read.</summary>
        /// <exception cref="SshKeepAliveException">It failed: the id says why (ConnectionFailed, AuthenticationFailed, HostKeyChanged, ...).</exception>
        public RemoteMachine NewLogin(CancellationToken cancellationToken)
        {
            ISshConnection connection;
            try
            {
                connection = connector.ConnectAsync(cancellationToken).GetAwaiter().GetResult();
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested) && ConnectFailure.IdOf(ex) is ErrorId id)
            {
                throw new SshKeepAliveException(id, $"{ComputerName}: cannot log in as {Destination}: {ex.Message}", ComputerName, ex);
            }

            var channel = new SshCommandChannel(ComputerName, connection);
            try
            {
                return RemoteMachine.Read(channel, sudoPassword, cancellationToken);
            }
            catch
            {
                channel.Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            Machine?.Dispose();
            (connector as IDisposable)?.Dispose();
        }
    }
}
