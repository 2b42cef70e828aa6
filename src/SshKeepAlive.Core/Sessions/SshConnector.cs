using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Renci.SshNet;
using Renci.SshNet.Common;
using Renci.SshNet.Messages.Transport;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>How to open one authenticated SSH.NET connection to a target; used for the first connect and every reconnect.</summary>
    public sealed class SshConnector
    {
        private readonly Func<IReadOnlyList<AuthenticationMethod>> authenticationMethods;
        private readonly Action<BaseClient>? attachHostKeyCheck;

        public SshConnector(SshTarget target, string hostName, int port, string user, TimeSpan connectTimeout, Func<IReadOnlyList<AuthenticationMethod>> authenticationMethods, Action<BaseClient>? attachHostKeyCheck)
        {
            Target = target;
            HostName = hostName;
            Port = port;
            User = user;
            ConnectTimeout = connectTimeout;
            this.authenticationMethods = authenticationMethods;
            this.attachHostKeyCheck = attachHostKeyCheck;
        }

        public SshTarget Target { get; }

        public string HostName { get; }

        public int Port { get; }

        public string User { get; }

        public TimeSpan ConnectTimeout { get; }

        /// <summary>Authentication and host key failures will not change by retrying; network failures may.</summary>
        public static bool IsRetryable(Exception exception) =>
            !(exception is SshAuthenticationException)
            && !(exception is SshConnectionException connection && connection.DisconnectReason == DisconnectReason.HostKeyNotVerifiable)
            && !(exception is NotSupportedException);

        /// <summary>The server could not be reached at all (no TCP connection, or no answer in time), as opposed to refusing us.</summary>
        public static bool IsUnreachable(Exception exception) =>
            exception is System.Net.Sockets.SocketException || exception is SshOperationTimeoutException;

        public SshClient Connect(CancellationToken cancellationToken)
        {
            var info = new ConnectionInfo(HostName, Port, User, authenticationMethods().ToArray()) { Timeout = ConnectTimeout };
            var client = new SshClient(info);
            attachHostKeyCheck?.Invoke(client);
            try
            {
                client.ConnectAsync(cancellationToken).GetAwaiter().GetResult();
                return client;
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }
    }
}
