using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Renci.SshNet;
using Renci.SshNet.Common;
using Renci.SshNet.Messages.Transport;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.Ssh;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>
    /// How to open one authenticated SSH.NET connection to one host; used for the first connect and every reconnect.
    /// The host is reached directly, through its ProxyCommand, or, in a chain (<see cref="ChainConnector"/>), through
    /// a channel of the hop before it.
    /// </summary>
    public sealed class SshConnector : ISshConnector, IDisposable
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

        private const string Zlib = "zlib@openssh.com";

        private readonly Func<IReadOnlyList<AuthenticationMethod>> authenticationMethods;
        private readonly object frontGate = new object();
        private LoopbackFront? front;
        private Func<SocksRequest, Socket, CancellationToken, Task>? via;

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

        /// <summary>The name host keys are looked up and added under (HostKeyAlias); null: the host name.</summary>
        public string? HostKeyAlias { get; set; }

        /// <summary>Configured algorithm lists (OpenSSH names, in preference order); a kind not set keeps this module's order.</summary>
        public IReadOnlyDictionary<AlgorithmKind, IReadOnlyList<string>> Algorithms { get; set; } = new Dictionary<AlgorithmKind, IReadOnlyList<string>>();

        public bool Compression { get; set; }

        /// <summary>TCPKeepAlive: the kernel's keepalive on a directly connected socket.</summary>
        public bool TcpKeepAlive { get; set; } = true;

        /// <summary>The command (tokens expanded) whose standard input and output carry the connection; null: connect directly.</summary>
        public string? ProxyCommand { get; set; }

        /// <summary>This hop's own ServerAliveInterval, for when it is a jump host of a chain.</summary>
        public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

        public int KeepAliveCountMax { get; set; } = 3;

        /// <summary>The variables every shell and command asks the server to set (SendEnv, SetEnv).</summary>
        public SessionEnvironment SentEnvironment { get; set; } = new SessionEnvironment();

        /// <summary>The SSH.NET internals "env" requests use; by default those of the loaded SSH.NET.</summary>
        internal SshNetEnvironment EnvironmentRequests { get; set; } = SshNetEnvironment.Current;

        /// <summary>The SSH.NET internals keepalives with a reply use; by default those of the loaded SSH.NET.</summary>
        internal SshNetInternals Internals { get; set; } = SshNetInternals.Current;

        /// <summary>The SSH.NET internals a command on a pseudo-terminal uses; by default those of the loaded SSH.NET.</summary>
        internal SshNetPtyCommand PtyCommand { get; set; } = SshNetPtyCommand.Current;

        /// <summary>The verdict on the host key of the latest connection (or refused attempt).</summary>
        public HostKeyCheck? LastHostKeyCheck { get; private set; }

        /// <summary>What the ProxyCommand last wrote to its standard error, for the failure that follows.</summary>
        public string? ProxyCommandError { get; private set; }

        private string KnownHostsName => HostKeyAlias ?? HostName;

        /// <summary>Authentication and host key failures will not change by retrying; network failures may.</summary>
        public static bool IsRetryable(Exception exception) =>
            !(exception is SshAuthenticationException)
            && !(exception is HostKeyVerificationException)
            && !(exception is CredentialRequiredException)
            && !(exception is PrivateKeyFileException)
            && !(exception is SshKeepAliveException)
            && !(exception is SshConnectionException connection && (connection.DisconnectReason == DisconnectReason.HostKeyNotVerifiable || IsTooManyAuthenticationFailures(connection)))
            && !(exception is NotSupportedException);

        /// <summary>The server could not be reached at all (no TCP connection, or no answer in time), as opposed to refusing us.</summary>
        public static bool IsUnreachable(Exception exception) =>
            exception is SocketException || exception is SshOperationTimeoutException || exception is ProxyException;

        /// <summary>sshd's MaxAuthTries was reached: it disconnects saying so.</summary>
        public static bool IsTooManyAuthenticationFailures(Exception exception) =>
            exception is SshConnectionException && exception.Message.IndexOf("Too many authentication failures", StringComparison.OrdinalIgnoreCase) >= 0;

        /// <summary>
        /// Checks the configured algorithm lists against what SSH.NET offers (and Compression against zlib), before any
        /// connection: a list SSH.NET has nothing of would fail every handshake.
        /// </summary>
        /// <exception cref="SshKeepAliveException"><see cref="ErrorId.AlgorithmsUnavailable"/>, naming the lists and SSH.NET's names.</exception>
        public static void CheckAlgorithms(IReadOnlyDictionary<AlgorithmKind, IReadOnlyList<string>> algorithms, string target)
        {
            var info = new ConnectionInfo("localhost", "x", new NoneAuthenticationMethod("x"));
            foreach (KeyValuePair<AlgorithmKind, IReadOnlyList<string>> configured in algorithms)
            {
                IReadOnlyList<string> offered = Offered(info, configured.Key);
                if (!configured.Value.Any(offered.Contains))
                {
                    throw new SshKeepAliveException(
                        ErrorId.AlgorithmsUnavailable,
                        $"{configured.Key} for {target} allows {string.Join(",", configured.Value)}, none of which SSH.NET offers ({string.Join(",", offered)}).",
                        target);
                }
            }
        }

        /// <summary>True when this SSH.NET can compress (zlib@openssh.com).</summary>
        public static bool CompressionAvailable() =>
            new ConnectionInfo("localhost", "x", new NoneAuthenticationMethod("x")).CompressionAlgorithms.ContainsKey(Zlib);

        /// <summary>
        /// Opens one authenticated connection. SSH.NET blocks the thread that connects through the whole key exchange and
        /// authentication, even in its ConnectAsync, so the handshake runs on a thread of its own: on the thread pool it
        /// would hold a pool thread, and a chain (whose next hop's bytes the pool carries) or many sessions reconnecting
        /// at once would wait for the pool to grow, half a second per thread. Cancelling stops waiting at once; the
        /// handshake cannot be interrupted and ends within the connect timeout, its connection then closed unused.
        /// </summary>
        public async Task<ISshConnection> ConnectAsync(CancellationToken cancellationToken) =>
            await Platform.TaskExtensions.RunOnOwnThreadAsync(
                () =>
                {
                    SshNetConnection? watched = null;
                    try
                    {
                        SshClient client = ConnectClient(opened => watched = new SshNetConnection(opened, Internals, PtyCommand));
                        if (!SentEnvironment.IsEmpty && EnvironmentRequests.IsBound)
                        {
                            SessionEnvironment sent = SentEnvironment;
                            EnvironmentRequests.SendOnEveryChannel(client, () => sent.Requests(Environment.GetEnvironmentVariables()));
                        }

                        return watched!;
                    }
                    catch
                    {
                        watched?.Dispose();
                        throw;
                    }
                },
                cancellationToken).ConfigureAwait(false);

        /// <summary>
        /// Opens one authenticated SSH.NET client with host key checking, blocking the calling thread (see
        /// <see cref="ConnectAsync"/>), for a caller that drives the client itself (the idle probes, which give each
        /// connection a thread of their own). <paramref name="beforeConnect"/> sees the client first, to watch every
        /// transport error. Not stoppable: a caller that stops waiting disposes the client once this returns.
        /// </summary>
        internal SshClient ConnectClient(Action<SshClient> beforeConnect)
        {
            (SshClient client, Func<HostKeyCheck?> refused, bool proxied) = NewClient();
            beforeConnect(client);
            Connect(client, refused, proxied);
            return client;
        }

        public Task WaitForPathAsync(TimeSpan delay, bool unreachableBefore, CancellationToken cancellationToken) =>
            ProxyCommand != null || via != null
                ? Task.Delay(delay, cancellationToken)
                : PathWatch.WaitAsync(HostName, Port, delay, unreachableBefore, cancellationToken);

        public void Dispose()
        {
            lock (frontGate)
            {
                front?.Dispose();
                front = null;
            }
        }

        /// <summary>Reaches the host through <paramref name="carry"/> (a chain's previous hop) instead of directly.</summary>
        internal void ReachThrough(Func<SocksRequest, Socket, CancellationToken, Task> carry)
        {
            lock (frontGate)
            {
                via = carry;
            }
        }

        private static IReadOnlyList<string> Offered(ConnectionInfo info, AlgorithmKind kind) => kind switch
        {
            AlgorithmKind.Ciphers => info.Encryptions.Keys.ToList(),
            AlgorithmKind.MACs => info.HmacAlgorithms.Keys.ToList(),
            AlgorithmKind.KexAlgorithms => info.KeyExchangeAlgorithms.Keys.ToList(),
            _ => info.HostKeyAlgorithms.Keys.ToList(),
        };

        // As ssh does: offer first the algorithms of key types known_hosts has for this host, so a server
        // with several host keys presents one that can be verified rather than one that looks new.
        private static bool Produces(string algorithm, string keyType) =>
            algorithm == keyType || (keyType == "ssh-rsa" && algorithm.StartsWith("rsa-sha2-", StringComparison.Ordinal));

        // Keeps only the named algorithms (those this SSH.NET has), in the given order.
        private static void Restrict<T>(IOrderedDictionary<string, T> algorithms, IReadOnlyList<string> allowed)
        {
            foreach (string name in algorithms.Keys.Where(name => !allowed.Contains(name)).ToList())
            {
                algorithms.Remove(name);
            }

            Prefer(algorithms, allowed);
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

        private void Configure(ConnectionInfo info)
        {
            // ssh orders host key algorithms by known_hosts only when HostKeyAlgorithms is not configured.
            if (Algorithms.TryGetValue(AlgorithmKind.HostKeyAlgorithms, out IReadOnlyList<string>? hostKeys))
            {
                Restrict(info.HostKeyAlgorithms, hostKeys);
            }
            else
            {
                IReadOnlyList<string> known = HostKeyVerifier.KnownKeyTypes(KnownHostsName, Port);
                Prefer(info.HostKeyAlgorithms, info.HostKeyAlgorithms.Keys.Where(algorithm => known.Any(type => Produces(algorithm, type))).ToList());
            }

            Apply(info.Encryptions, AlgorithmKind.Ciphers, OpenSshCipherOrder);
            Apply(info.HmacAlgorithms, AlgorithmKind.MACs, OpenSshMacOrder);
            if (Algorithms.TryGetValue(AlgorithmKind.KexAlgorithms, out IReadOnlyList<string>? kex))
            {
                Restrict(info.KeyExchangeAlgorithms, kex);
            }

            if (Compression && info.CompressionAlgorithms.ContainsKey(Zlib))
            {
                Prefer(info.CompressionAlgorithms, new[] { Zlib });
            }
            else
            {
                Restrict(info.CompressionAlgorithms, new[] { "none" });
            }
        }

        private void Apply<T>(IOrderedDictionary<string, T> algorithms, AlgorithmKind kind, IEnumerable<string> defaultOrder)
        {
            if (Algorithms.TryGetValue(kind, out IReadOnlyList<string>? configured))
            {
                Restrict(algorithms, configured);
            }
            else
            {
                Prefer(algorithms, defaultOrder);
            }
        }

        // A client for this host, reached directly or through its front, with host key checking; not yet connected.
        private (SshClient Client, Func<HostKeyCheck?> Refused, bool Proxied) NewClient()
        {
            LoopbackFront? through = FrontFor();
            AuthenticationMethod[] methods = authenticationMethods().ToArray();
            ConnectionInfo info = through == null
                ? new ConnectionInfo(HostName, Port, User, methods)
                : new ConnectionInfo(HostName, Port, User, ProxyTypes.Socks5, "127.0.0.1", through.Port, through.User, through.Password, methods);
            info.Timeout = ConnectTimeout;
            Configure(info);
            var client = new SshClient(info);
            HostKeyCheck? refused = null;
            client.HostKeyReceived += (_, e) =>
            {
                HostKeyCheck check = HostKeyVerifier.Verify(KnownHostsName, Port, e.HostKey);
                LastHostKeyCheck = check;
                e.CanTrust = check.Accepted;
                refused = check.Accepted ? null : check;
            };

            return (client, () => refused, through != null);
        }

        // Connects: a refused host key is the reason a connect failed, whatever SSH.NET says, and a ProxyCommand's own
        // words say why it carried nothing; a failed client is disposed. A direct socket gets TCPKeepAlive.
        private void Connect(SshClient client, Func<HostKeyCheck?> refused, bool proxied)
        {
            try
            {
                client.Connect();
                if (!proxied && TcpKeepAlive && SshNetInternals.SocketOf(client) is Socket socket)
                {
                    socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
                }
            }
            catch (Exception ex) when (refused() != null)
            {
                client.Dispose();
                throw new HostKeyVerificationException(refused()!, ex);
            }
            catch (Exception ex) when ((ProxyCommandError != null && IsUnreachable(ex)) || (ex is SshConnectionException && ProxyCommand != null))
            {
                client.Dispose();
                throw new SshConnectionException($"The ProxyCommand '{ProxyCommand}' did not carry the connection to {Target}: {ProxyCommandError ?? ex.Message}", DisconnectReason.ConnectionLost, ex);
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }

        // The front SSH.NET connects through: a chain's previous hop, or this host's ProxyCommand; null: directly.
        private LoopbackFront? FrontFor()
        {
            lock (frontGate)
            {
                return via == null && ProxyCommand == null ? null : front ??= new LoopbackFront(CarryAsync);
            }
        }

        // The way of the connect attempt in progress: the chain's previous hop (set anew for each attempt), or the ProxyCommand.
        private Task CarryAsync(SocksRequest request, Socket client, CancellationToken cancellationToken)
        {
            Func<SocksRequest, Socket, CancellationToken, Task>? carry;
            lock (frontGate)
            {
                carry = via;
            }

            return (carry ?? RunProxyCommandAsync)(request, client, cancellationToken);
        }

        // ssh runs the ProxyCommand with the user's shell as "exec command" and speaks SSH over its standard input and output.
        private async Task RunProxyCommandAsync(SocksRequest request, Socket client, CancellationToken cancellationToken)
        {
            ProxyCommandError = null;
            await request.ReplyAsync(true, cancellationToken).ConfigureAwait(false);
            string shell = SshPlatform.IsWindows ? "cmd.exe" : Environment.GetEnvironmentVariable("SHELL") is string s && s.Length > 0 ? s : "/bin/sh";
            string[] arguments = SshPlatform.IsWindows ? new[] { "/c", ProxyCommand! } : new[] { "-c", "exec " + ProxyCommand };
            using var stream = new NetworkStream(client, ownsSocket: true);
            using var connectionOver = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            try
            {
                int exit = await ExternalCommand.RunPipedAsync(shell, arguments, stream, stream, line => ProxyCommandError = line, connectionOver.Token).ConfigureAwait(false);
                ProxyCommandError ??= $"it exited with code {exit}";
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                ProxyCommandError = $"it could not be started: {ex.Message}";
            }
        }
    }
}
