using System;
using System.Threading;
using System.Threading.Tasks;
using Renci.SshNet;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.Ssh;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>
    /// Opens the connections of a <see cref="PersistentSshSession"/>: the first one and every reconnect. The
    /// session decides when; the connector knows how (one SSH.NET client today; a chain of jump hosts, or a
    /// ProxyCommand, are further connectors).
    /// </summary>
    public interface ISshConnector
    {
        SshTarget Target { get; }

        /// <summary>The verdict on the host key of the latest connection (or refused attempt), if there was one.</summary>
        HostKeyCheck? LastHostKeyCheck { get; }

        /// <summary>Opens one authenticated connection; gives up at its own connect timeout or when cancelled.</summary>
        Task<ISshConnection> ConnectAsync(CancellationToken cancellationToken);

        /// <summary>
        /// Waits out a reconnect delay, ending it early when a target that was unreachable
        /// (<paramref name="unreachableBefore"/>, or seen so during the wait) answers again.
        /// </summary>
        Task WaitForPathAsync(TimeSpan delay, bool unreachableBefore, CancellationToken cancellationToken);
    }

    /// <summary>One open, authenticated connection. Disposing it closes it (and may block on a dead path).</summary>
    public interface ISshConnection : IDisposable
    {
        /// <summary>The server's identification string.</summary>
        string ServerVersion { get; }

        /// <summary>Completes, with what went wrong, when the transport fails (at once if it already has).</summary>
        Task<string> Failure { get; }

        /// <summary>
        /// Starts keepalives every <paramref name="interval"/>. Returns a probe for keepalives the server must
        /// answer (each answer calls <paramref name="onReply"/>), or null when this connection can only send
        /// ones no server answers: it then sends those by itself, and a dead path shows only as a
        /// <see cref="Failure"/> once TCP gives up.
        /// </summary>
        IKeepAliveProbe? StartKeepAlive(TimeSpan interval, Action onReply);

        /// <summary>Runs a command to its end (or until cancelled) and returns what it printed.</summary>
        Task<RemoteCommandOutput> RunCommandAsync(string command, CancellationToken cancellationToken);

        /// <summary>Runs a command with <paramref name="input"/> on its standard input (then end of file), to its end; both outputs as bytes.</summary>
        Task<RemoteProcessResult> RunAsync(string command, byte[]? input, CancellationToken cancellationToken);

        /// <summary>Starts a command whose standard input stays open until the returned process is disposed.</summary>
        IRemoteProcess Start(string command);

        /// <summary>
        /// Opens a pseudo-terminal running <paramref name="command"/> (as <c>ssh -t host command</c>), or the login
        /// shell when it is null.
        /// </summary>
        ShellStream OpenShell(string terminal, int columns, int rows, string? command);

        /// <summary>
        /// Opens a channel to <paramref name="host"/>:<paramref name="port"/> as the server reaches it (direct-tcpip), as a
        /// connected local socket; it reads end-of-stream at once when the server refuses.
        /// </summary>
        Task<System.Net.Sockets.Socket> OpenChannelAsync(string host, int port, CancellationToken cancellationToken);

        /// <summary>
        /// Asks the server to listen on <paramref name="bindHost"/>:<paramref name="port"/> (tcpip-forward) and carry each
        /// connection to <paramref name="connectHost"/>:<paramref name="connectPort"/> from this side. Returns the port the
        /// server listens on (the one it chose when <paramref name="port"/> is 0); throws when the server refuses.
        /// </summary>
        int StartRemoteForward(string bindHost, int port, string connectHost, int connectPort);
    }

    /// <summary>Sends keepalives the server must answer.</summary>
    public interface IKeepAliveProbe : IDisposable
    {
        /// <summary>Queues one keepalive; false when the transport is already closed.</summary>
        bool Send();
    }

    /// <summary>A command's connection failed while it ran; <see cref="Partial"/> holds what it printed until then.</summary>
    public sealed class RemoteCommandLostException : Exception
    {
        public RemoteCommandLostException(RemoteCommandOutput partial, Exception inner)
            : base(inner.Message, inner)
        {
            Partial = partial;
        }

        public RemoteCommandOutput Partial { get; }
    }

    /// <summary>What a remote command printed, and the bytes it cost on the wire (payload only).</summary>
    public sealed class RemoteCommandOutput
    {
        public RemoteCommandOutput(string output, string error, int? exitStatus, long bytesSent, long bytesReceived)
        {
            Output = output;
            Error = error;
            ExitStatus = exitStatus;
            BytesSent = bytesSent;
            BytesReceived = bytesReceived;
        }

        public string Output { get; }

        public string Error { get; }

        /// <summary>Null when the remote side ended without an exit status (killed by a signal).</summary>
        public int? ExitStatus { get; }

        /// <summary>The command line as sent, in bytes.</summary>
        public long BytesSent { get; }

        /// <summary>Standard output and standard error as received, in bytes.</summary>
        public long BytesReceived { get; }
    }
}
