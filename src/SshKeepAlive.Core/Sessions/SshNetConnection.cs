using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Renci.SshNet;
using SshKeepAlive.Core.Platform;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>One SSH.NET client as a session's connection.</summary>
    internal sealed class SshNetConnection : ISshConnection
    {
        private readonly SshClient client;
        private readonly SshNetInternals internals;
        private readonly SshNetPtyCommand ptyCommand;
        private readonly TaskCompletionSource<string> failure = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ChannelOpener channels;

        /// <summary>Watches <paramref name="client"/> from before it connects, so no transport error goes unseen.</summary>
        public SshNetConnection(SshClient client, SshNetInternals internals, SshNetPtyCommand ptyCommand)
        {
            this.client = client;
            this.internals = internals;
            this.ptyCommand = ptyCommand;
            channels = new ChannelOpener(client);
            client.ErrorOccurred += (_, e) => failure.TrySetResult(e.Exception.Message);
        }

        public string ServerVersion => client.ConnectionInfo.ServerVersion ?? string.Empty;

        public Task<string> Failure => failure.Task;

        public IKeepAliveProbe? StartKeepAlive(TimeSpan interval, Action onReply)
        {
            if (internals.Members == null)
            {
                // SSH_MSG_IGNORE every interval: keeps NAT and firewall state alive, but proves nothing about the peer.
                client.KeepAliveInterval = interval;
                return null;
            }

            return new SshNetKeepAlive(client, internals.Members, onReply);
        }

        public async Task<RemoteCommandOutput> RunCommandAsync(string command, CancellationToken cancellationToken)
        {
            Encoding encoding = client.ConnectionInfo.Encoding;
            using SshCommand sshCommand = client.CreateCommand(command);
            try
            {
                await sshCommand.ExecuteAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // What arrived before the loss is still buffered: the streams end once closed, so reading cannot block.
                sshCommand.OutputStream.Dispose();
                sshCommand.ExtendedOutputStream.Dispose();
                throw new RemoteCommandLostException(Read(sshCommand, command, encoding), ex);
            }

            return Read(sshCommand, command, encoding);
        }

        public async Task<RemoteProcessResult> RunAsync(string command, byte[]? input, CancellationToken cancellationToken)
        {
            using SshCommand sshCommand = client.CreateCommand(command);
            Task execution = sshCommand.ExecuteAsync(cancellationToken);
            // SSH.NET sends end of file only once something was written: no input at all is the caller's </dev/null.
            if (input != null && input.Length > 0)
            {
                try
                {
                    using Stream stdin = sshCommand.CreateInputStream();
                    await stdin.WriteAsync(input, 0, input.Length, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is InvalidOperationException || ex is IOException || ex is ObjectDisposedException || ex is Renci.SshNet.Common.SshException)
                {
                    // It ended without reading its input (sudo refusing, say): what it said is in its result.
                }
            }

            await execution.ConfigureAwait(false);
            return new RemoteProcessResult(sshCommand.ExitStatus, ReadAll(sshCommand.OutputStream), ReadAll(sshCommand.ExtendedOutputStream));
        }

        public IRemoteProcess Start(string command) => new SshNetProcess(client.CreateCommand(command));

        public ShellStream OpenShell(string terminal, int columns, int rows, string? command)
        {
            const int BufferSize = 64 * 1024;
            if (command != null && ptyCommand.IsBound)
            {
                return ptyCommand.Open(client, terminal, columns, rows, command, BufferSize);
            }

            ShellStream shell = client.CreateShellStream(terminal, (uint)columns, (uint)rows, 0, 0, BufferSize);
            if (command != null)
            {
                // Without the internals, the login shell is told to become the command.
                byte[] line = client.ConnectionInfo.Encoding.GetBytes("exec " + command + "\n");
                shell.Write(line, 0, line.Length);
                shell.Flush();
            }

            return shell;
        }

        public Task<System.Net.Sockets.Socket> OpenChannelAsync(string host, int port, CancellationToken cancellationToken) =>
            channels.OpenAsync(host, port, cancellationToken);

        public int StartRemoteForward(string bindHost, int port, string connectHost, int connectPort)
        {
            var forwarded = new ForwardedPortRemote(bindHost, (uint)port, connectHost, (uint)connectPort);
            forwarded.Exception += (_, _) => { };
            client.AddForwardedPort(forwarded);
            try
            {
                forwarded.Start();
            }
            catch
            {
                client.RemoveForwardedPort(forwarded);
                forwarded.Dispose();
                throw;
            }

            return (int)forwarded.BoundPort;
        }

        public void Dispose()
        {
            channels.Dispose();
            client.Dispose();
        }

        // Read as bytes, not through Result/Error, so what was received is counted in bytes, not characters.
        private static RemoteCommandOutput Read(SshCommand sshCommand, string command, Encoding encoding)
        {
            byte[] output = ReadAll(sshCommand.OutputStream);
            byte[] error = ReadAll(sshCommand.ExtendedOutputStream);
            return new RemoteCommandOutput(Decode(output, encoding), Decode(error, encoding), sshCommand.ExitStatus, encoding.GetByteCount(command), output.Length + error.Length);
        }

        private static byte[] ReadAll(Stream stream)
        {
            using var bytes = new MemoryStream();
            stream.CopyTo(bytes);
            return bytes.ToArray();
        }

        // As SshCommand.Result decodes (a StreamReader, which also drops a byte order mark).
        private static string Decode(byte[] bytes, Encoding encoding)
        {
            using var reader = new StreamReader(new MemoryStream(bytes), encoding);
            return reader.ReadToEnd();
        }
    }
}
