using System;
using System.Threading;

namespace SshKeepAlive.Core.Platform
{
    /// <summary>What one remote command gave back, byte for byte.</summary>
    public sealed class RemoteProcessResult
    {
        public RemoteProcessResult(int? exitStatus, byte[] output, byte[] error)
        {
            ExitStatus = exitStatus;
            Output = output;
            Error = error;
        }

        /// <summary>Null when the command ended without one (killed by a signal, channel closed).</summary>
        public int? ExitStatus { get; }

        public byte[] Output { get; }

        public byte[] Error { get; }

        /// <summary>Standard error as text.</summary>
        public string ErrorText => System.Text.Encoding.UTF8.GetString(Error).Trim();
    }

    /// <summary>A command that keeps running on the remote machine until it is disposed (its standard input then closes).</summary>
    public interface IRemoteProcess : IDisposable
    {
        /// <summary>The next line it prints; null when it ended first or <paramref name="timeout"/> passed.</summary>
        string? ReadLine(TimeSpan timeout, CancellationToken cancellationToken);

        /// <summary>Sends bytes to its standard input.</summary>
        void Write(byte[] bytes);

        /// <summary>What it printed on standard error so far.</summary>
        string ErrorText { get; }
    }

    /// <summary>
    /// Runs command lines on another machine (an SSH session's exec channels): each is given to the login user's
    /// shell as ssh's remote command is, with the bytes for its standard input, and comes back with its exit status
    /// and both outputs as bytes. <see cref="RemoteShell"/> builds the command lines. Disposing it closes the connection.
    /// </summary>
    public interface IRemoteCommandChannel : IDisposable
    {
        /// <summary>The machine, as the user named it (for messages).</summary>
        string HostName { get; }

        /// <summary>What the server said it is when the connection opened (its SSH identification string, e.g. "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3").</summary>
        string ServerIdentification { get; }

        /// <summary>Runs <paramref name="commandLine"/> to its end; stops it at <paramref name="timeout"/> (<see cref="TimeoutException"/>) or when cancelled.</summary>
        RemoteProcessResult Run(string commandLine, byte[]? input, TimeSpan timeout, CancellationToken cancellationToken);

        /// <summary>Starts <paramref name="commandLine"/> with its standard input open until the process is disposed.</summary>
        IRemoteProcess Start(string commandLine);
    }
}
