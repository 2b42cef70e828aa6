using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Renci.SshNet;
using Renci.SshNet.Common;
using Renci.SshNet.Messages.Transport;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Ssh;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>How to open one authenticated SSH.NET connection to a target; used for the first connect and every reconnect.</summary>
    public sealed class SshConnector : ISshConnector
    {
        // OpenSSH's own default preferences (ssh_config(5) Ciphers, MACs), AEAD and encrypt-then-MAC first.
        // SSH.NET's defaults start with aes128-ctr and a plain hmac-sha2-256, whose 32-byte MAC on every
        // packet makes each keepalive round trip 32 bytes dearer than ssh's.
        private static readonly string[] OpenSshCipherOrder =
        {
            "chacha20-poly1305@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com",
        };

        private static readonly string[] OpenSshMacOrder =
        {
            "hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com", "hmac-sha1-etm@openssh.com", "hmac-sha2-256", "hmac-sha2-512", "hmac-sha1",
        };

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

        /// <summary>The SSH.NET internals keepalives with a reply use; by default those of the loaded SSH.NET.</summary>
        internal SshNetInternals Internals { get; set; } = SshNetInternals.Current;

        /// <summary>The SSH.NET internals a command on a pseudo-terminal uses; by default those of the loaded SSH.NET.</summary>
        internal SshNetPtyCommand PtyCommand { get; set; } = SshNetPtyCommand.Current;

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

        public async Task<ISshConnection> ConnectAsync(CancellationToken cancellationToken)
        {
            (SshClient client, Func<HostKeyCheck?> refused) = NewClient();
            var connection = new SshNetConnection(client, Internals, PtyCommand);
            await ConnectedAsync(client, refused, () => client.ConnectAsync(cancellationToken)).ConfigureAwait(false);
            return connection;
        }

        /// <summary>
        /// Opens one authenticated SSH.NET client with host key checking, blocking the calling thread, for a caller
        /// that drives the client itself (the idle probes). SSH.NET waits for the key exchange synchronously even in
        /// ConnectAsync, so a caller with many connections to open gives each a thread of its own rather than a
        /// thread-pool one. <paramref name="beforeConnect"/> sees the client first, to watch every transport error.
        /// </summary>
        internal SshClient ConnectClient(Action<SshClient> beforeConnect, CancellationToken cancellationToken)
        {
            (SshClient client, Func<HostKeyCheck?> refused) = NewClient();
            beforeConnect(client);
            try
            {
                ConnectedAsync(client, refused, () =>
                {
                    client.Connect();
                    return Task.CompletedTask;
                }).GetAwaiter().GetResult();
            }
            catch (Exception ex) when (cancellationToken.IsCancellationRequested && !(ex is OperationCanceledException))
            {
                throw new OperationCanceledException("The connection was stopped.", ex, cancellationToken);
            }

            // SSH.NET gives the client its session only once the handshake is done: disposing the client before
            // that closes nothing and leaves the session it then gets open for good. A connection stopped while
            // opening is closed once open.
            if (cancellationToken.IsCancellationRequested)
            {
                client.Dispose();
                cancellationToken.ThrowIfCancellationRequested();
            }

            return client;
        }

        private (SshClient Client, Func<HostKeyCheck?> Refused) NewClient()
        {
            var info = new ConnectionInfo(HostName, Port, User, authenticationMethods().ToArray()) { Timeout = ConnectTimeout };
            PreferKnownHostKeyTypes(info);
            Prefer(info.Encryptions, OpenSshCipherOrder);
            Prefer(info.HmacAlgorithms, OpenSshMacOrder);
            var client = new SshClient(info);
            HostKeyCheck? refused = null;
            client.HostKeyReceived += (_, e) =>
            {
                HostKeyCheck check = HostKeyVerifier.Verify(HostName, Port, e.HostKey);
                LastHostKeyCheck = check;
                e.CanTrust = check.Accepted;
                refused = check.Accepted ? null : check;
            };

            return (client, () => refused);
        }

        // A refused host key is the reason a connect failed, whatever SSH.NET says; a failed client is disposed.
        private static async Task ConnectedAsync(SshClient client, Func<HostKeyCheck?> refused, Func<Task> connect)
        {
            try
            {
                await connect().ConfigureAwait(false);
            }
            catch (Exception ex) when (refused() != null)
            {
                client.Dispose();
                throw new HostKeyVerificationException(refused()!, ex);
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }

        public Task WaitForPathAsync(TimeSpan delay, bool unreachableBefore, CancellationToken cancellationToken) =>
            PathWatch.WaitAsync(HostName, Port, delay, unreachableBefore, cancellationToken);

        // As ssh does: offer first the algorithms of key types known_hosts has for this host, so a server
        // with several host keys presents one that can be verified rather than one that looks new.
        private void PreferKnownHostKeyTypes(ConnectionInfo info)
        {
            IReadOnlyList<string> known = HostKeyVerifier.KnownKeyTypes(HostName, Port);
            Prefer(info.HostKeyAlgorithms, info.HostKeyAlgorithms.Keys.Where(algorithm => known.Any(type => Produces(algorithm, type))).ToList());
        }

        // Moves the named algorithms (those this SSH.NET has) to the front, in the given order.
        private static void Prefer<T>(IOrderedDictionary<string, T> algorithms, IEnumerable<string> order)
        {
            int position = 0;
            foreach (string name in order.Where(algorithms.ContainsKey).ToList())
            {
                algorithms.SetPosition(name, position++);
            }
        }

        private static bool Produces(string algorithm, string keyType) =>
            algorithm == keyType || (keyType == "ssh-rsa" && algorithm.StartsWith("rsa-sha2-", StringComparison.Ordinal));
    }
}
