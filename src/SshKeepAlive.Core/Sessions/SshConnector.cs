using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Renci.SshNet;
using Renci.SshNet.Common;
using Renci.SshNet.Messages.Transport;
using SshKeepAlive.Core.Ssh;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>How to open one authenticated SSH.NET connection to a target; used for the first connect and every reconnect.</summary>
    public sealed class SshConnector
    {
        private readonly Func<IReadOnlyList<AuthenticationMethod>> authenticationMethods;

        public SshConnector(SshTarget target, string hostName, int port, string user, TimeSpan connectTimeout, Func<IReadOnlyList<AuthenticationMethod>> authenticationMethods, HostKeyVerifier hostKeyVerifier)
        {
            Target = target;
            HostName = hostName;
            Port = port;
            User = user;
            ConnectTimeout = connectTimeout;
            this.authenticationMethods = authenticationMethods;
            HostKeyVerifier = hostKeyVerifier;
        }

        public SshTarget Target { get; }

        public string HostName { get; }

        public int Port { get; }

        public string User { get; }

        public TimeSpan ConnectTimeout { get; }

        public HostKeyVerifier HostKeyVerifier { get; }

        /// <summary>The verdict on the host key of the latest connection (or refused attempt).</summary>
        public HostKeyCheck? LastHostKeyCheck { get; private set; }

        /// <summary>Authentication and host key failures will not change by retrying; network failures may.</summary>
        public static bool IsRetryable(Exception exception) =>
            !(exception is SshAuthenticationException)
            && !(exception is HostKeyVerificationException)
            && !(exception is SshConnectionException connection && connection.DisconnectReason == DisconnectReason.HostKeyNotVerifiable)
            && !(exception is NotSupportedException);

        /// <summary>The server could not be reached at all (no TCP connection, or no answer in time), as opposed to refusing us.</summary>
        public static bool IsUnreachable(Exception exception) =>
            exception is System.Net.Sockets.SocketException || exception is SshOperationTimeoutException;

        public SshClient Connect(CancellationToken cancellationToken)
        {
            var info = new ConnectionInfo(HostName, Port, User, authenticationMethods().ToArray()) { Timeout = ConnectTimeout };
            PreferKnownHostKeyTypes(info);
            var client = new SshClient(info);
            HostKeyCheck? refused = null;
            client.HostKeyReceived += (_, e) =>
            {
                HostKeyCheck check = HostKeyVerifier.Verify(HostName, Port, e.HostKey);
                LastHostKeyCheck = check;
                e.CanTrust = check.Accepted;
                refused = check.Accepted ? null : check;
            };

            try
            {
                client.ConnectAsync(cancellationToken).GetAwaiter().GetResult();
                return client;
            }
            catch (Exception ex) when (refused != null)
            {
                client.Dispose();
                throw new HostKeyVerificationException(refused, ex);
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }

        // As ssh does: offer first the algorithms of key types known_hosts has for this host, so a server
        // with several host keys presents one that can be verified rather than one that looks new.
        private void PreferKnownHostKeyTypes(ConnectionInfo info)
        {
            IReadOnlyList<string> known = HostKeyVerifier.KnownKeyTypes(HostName, Port);
            var preferred = info.HostKeyAlgorithms.Keys.Where(algorithm => known.Any(type => Produces(algorithm, type))).ToList();
            for (int index = 0; index < preferred.Count; index++)
            {
                info.HostKeyAlgorithms.SetPosition(preferred[index], index);
            }
        }

        private static bool Produces(string algorithm, string keyType) =>
            algorithm == keyType || (keyType == "ssh-rsa" && algorithm.StartsWith("rsa-sha2-", StringComparison.Ordinal));
    }
}
