using System;
using System.Threading;
using SshKeepAlive.Core.Platform;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>
    /// An open SSH connection as the command channel of a <see cref="RemoteShell"/>: each command on an exec channel of
    /// its own, all on the one connection. Disposing it closes the connection.
    /// </summary>
    public sealed class SshCommandChannel : IRemoteCommandChannel
    {
        private readonly ISshConnection connection;

        /// <param name="hostName">The machine as the user named it (for messages).</param>
        /// <param name="connection">The connection, which the channel now owns.</param>
        public SshCommandChannel(string hostName, ISshConnection connection)
        {
            HostName = hostName;
            this.connection = connection;
        }

        public string HostName { get; }

        public string ServerIdentification => connection.ServerVersion;

        public RemoteProcessResult Run(string commandLine, byte[]? input, TimeSpan timeout, CancellationToken cancellationToken)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            try
            {
                return connection.RunAsync(commandLine, input, deadline.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{HostName}: a remote command did not finish within {timeout.TotalSeconds:0} s.");
            }
        }

        public IRemoteProcess Start(string commandLine) => connection.Start(commandLine);

        public void Dispose() => connection.Dispose();
    }
}
