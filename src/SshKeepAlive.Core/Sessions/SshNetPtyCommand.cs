using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>
    /// A command on a pseudo-terminal as a <see cref="ShellStream"/> (what <c>ssh -t host command</c> asks for): the
    /// SSH.NET internals it needs, bound by name once per process, with the verdict kept. Binding never throws;
    /// without it a connection types the command into a login shell instead.
    /// </summary>
    /// <remarks>
    /// Why reflection: SSH.NET's ShellStream always sends a "shell" request, and its SshCommand has no terminal.
    /// ShellStream's private constructor creates the channel and wires its events without opening it; the
    /// channel's own requests (pty-req, then exec instead of shell) finish the job, and the stream then works as
    /// for a shell (reads, writes, window changes). A Core test binds them against the SSH.NET this module ships.
    /// </remarks>
    internal sealed class SshNetPtyCommand : SshNetBinding
    {
        private const BindingFlags Any = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance;
        private static readonly Lazy<SshNetPtyCommand> Loaded = new Lazy<SshNetPtyCommand>(() => Bind(typeof(BaseClient).Assembly));

        private readonly PropertyInfo? session;
        private readonly ConstructorInfo? stream;
        private readonly FieldInfo? channel;
        private readonly MethodInfo? open;
        private readonly MethodInfo? pseudoTerminal;
        private readonly MethodInfo? exec;

        private SshNetPtyCommand(Assembly sshNet)
        {
            Type? client = sshNet.GetType("Renci.SshNet.BaseClient");
            Type? shellStream = sshNet.GetType("Renci.SshNet.ShellStream");
            Type? channelSession = sshNet.GetType("Renci.SshNet.Channels.IChannelSession");
            Type? sessionType = sshNet.GetType("Renci.SshNet.ISession");
            session = client?.GetProperty("Session", Any);
            stream = sessionType == null ? null : shellStream?.GetConstructor(Any, null, new[] { sessionType, typeof(int), typeof(bool) }, null);
            channel = shellStream?.GetField("_channel", Any);
            open = channelSession?.GetMethod("Open", Type.EmptyTypes);
            pseudoTerminal = channelSession?.GetMethod(
                "SendPseudoTerminalRequest", new[] { typeof(string), typeof(uint), typeof(uint), typeof(uint), typeof(uint), typeof(IDictionary<TerminalModes, uint>) });
            exec = channelSession?.GetMethod("SendExecRequest", new[] { typeof(string) });
            Judge(
                ("Renci.SshNet.BaseClient.Session", session),
                ("Renci.SshNet.ShellStream(ISession, int, bool)", stream),
                ("Renci.SshNet.ShellStream._channel", channel),
                ("Renci.SshNet.Channels.IChannelSession.Open()", open),
                ("Renci.SshNet.Channels.IChannelSession.SendPseudoTerminalRequest", pseudoTerminal),
                ("Renci.SshNet.Channels.IChannelSession.SendExecRequest(string)", exec));
        }

        /// <summary>The verdict for the SSH.NET this process loaded.</summary>
        public static SshNetPtyCommand Current => Loaded.Value;

        /// <summary>Binds the members in <paramref name="sshNet"/>; a missing one makes the verdict, not an exception.</summary>
        public static SshNetPtyCommand Bind(Assembly sshNet) => new SshNetPtyCommand(sshNet);

        /// <summary>Runs <paramref name="command"/> on a new pseudo-terminal of a connected client.</summary>
        /// <exception cref="InvalidOperationException">Not bound (see <see cref="Missing"/>), or the client is not connected.</exception>
        /// <exception cref="SshException">The server refused the channel, the terminal or the command.</exception>
        public ShellStream Open(BaseClient client, string terminal, int columns, int rows, string command, int bufferSize)
        {
            RequireBound();

            object connection = session!.GetValue(client) ?? throw new InvalidOperationException("The SSH client is not connected.");
            var shell = (ShellStream)Invoke(() => stream!.Invoke(new[] { connection, bufferSize, (object)false }));
            try
            {
                object channelSession = channel!.GetValue(shell)!;
                Invoke(() => open!.Invoke(channelSession, null));
                var modes = new Dictionary<TerminalModes, uint>();
                if (!(bool)Invoke(() => pseudoTerminal!.Invoke(channelSession, new object[] { terminal, (uint)columns, (uint)rows, 0u, 0u, modes })))
                {
                    throw new SshException("The server refused a pseudo-terminal; its log says why.");
                }

                if (!(bool)Invoke(() => exec!.Invoke(channelSession, new object[] { command })))
                {
                    throw new SshException($"The server refused to run '{command}'; its log says why.");
                }

                return shell;
            }
            catch
            {
                shell.Dispose();
                throw;
            }
        }

        // What the member threw, not reflection's wrapper around it.
        private static object Invoke(Func<object?> call)
        {
            try
            {
                return call()!;
            }
            catch (TargetInvocationException ex) when (ex.InnerException != null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                throw;
            }
        }
    }
}
