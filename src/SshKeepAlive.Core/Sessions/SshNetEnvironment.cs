using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Renci.SshNet;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>
    /// Sends "env" requests (SendEnv, SetEnv) on every session channel a connected client opens, before the channel's
    /// first request of its own (pty-req, shell or exec): the SSH.NET internals that needs, bound by name once per
    /// process, with the verdict kept. Binding never throws; without it SendEnv and SetEnv are named in the connect's
    /// warning of settings sessions do not honour.
    /// </summary>
    /// <remarks>
    /// Why reflection: SSH.NET has no public way to send "env", and its SshCommand and ShellStream open the channel and
    /// send exec or pty-req+shell in one call. Its internal Session raises ChannelOpenConfirmationReceived on its
    /// receiving thread, calling its handlers in the order they were added; a handler added right after connecting runs
    /// before that of any channel, which is the one releasing the thread that waits in Open to send exec or pty-req.
    /// The handler finds the channel among the event's handlers (a ChannelSession with that local number: not a
    /// direct-tcpip one), and sends each request with want-reply false, as ssh does. A Core test binds them against the
    /// SSH.NET this module ships.
    /// </remarks>
    internal sealed class SshNetEnvironment : SshNetBinding
    {
        private const BindingFlags Any = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance;
        private static readonly Lazy<SshNetEnvironment> Loaded = new Lazy<SshNetEnvironment>(() => Bind(typeof(BaseClient).Assembly));
        private static readonly MethodInfo OnConfirmationMethod = typeof(Hook).GetMethod(nameof(Hook.OnConfirmation), Any)!;

        private readonly PropertyInfo? session;
        private readonly EventInfo? confirmed;
        private readonly FieldInfo? confirmedHandlers;
        private readonly PropertyInfo? eventMessage;
        private readonly PropertyInfo? localNumber;
        private readonly PropertyInfo? remoteNumber;
        private readonly Type? channelSession;
        private readonly PropertyInfo? channelNumber;
        private readonly ConstructorInfo? envRequest;
        private readonly PropertyInfo? wantReply;
        private readonly ConstructorInfo? channelRequest;
        private readonly MethodInfo? trySend;

        private SshNetEnvironment(Assembly sshNet)
        {
            Type? sessionType = sshNet.GetType("Renci.SshNet.Session");
            Type? confirmation = sshNet.GetType("Renci.SshNet.Messages.Connection.ChannelOpenConfirmationMessage");
            Type? requestInfo = sshNet.GetType("Renci.SshNet.Messages.Connection.RequestInfo");
            Type? message = sshNet.GetType("Renci.SshNet.Messages.Message");
            session = sshNet.GetType("Renci.SshNet.BaseClient")?.GetProperty("Session", Any);
            confirmed = sessionType?.GetEvent("ChannelOpenConfirmationReceived", Any);
            confirmedHandlers = sessionType?.GetField("ChannelOpenConfirmationReceived", Any);
            eventMessage = confirmation == null ? null : sshNet.GetType("Renci.SshNet.MessageEventArgs`1")?.MakeGenericType(confirmation).GetProperty("Message", Any);
            localNumber = confirmation?.GetProperty("LocalChannelNumber", Any);
            remoteNumber = confirmation?.GetProperty("RemoteChannelNumber", Any);
            channelSession = sshNet.GetType("Renci.SshNet.Channels.ChannelSession");
            channelNumber = sshNet.GetType("Renci.SshNet.Channels.Channel")?.GetProperty("LocalChannelNumber", Any);
            envRequest = sshNet.GetType("Renci.SshNet.Messages.Connection.EnvironmentVariableRequestInfo")?.GetConstructor(Any, null, new[] { typeof(string), typeof(string) }, null);
            wantReply = requestInfo?.GetProperty("WantReply", Any);
            channelRequest = requestInfo == null ? null
                : sshNet.GetType("Renci.SshNet.Messages.Connection.ChannelRequestMessage")?.GetConstructor(Any, null, new[] { typeof(uint), requestInfo }, null);
            trySend = message == null ? null : sessionType?.GetMethod("TrySendMessage", Any, null, new[] { message }, null);
            Judge(
                ("Renci.SshNet.BaseClient.Session", session),
                ("Renci.SshNet.Session.ChannelOpenConfirmationReceived", confirmed),
                ("Renci.SshNet.Session.ChannelOpenConfirmationReceived (its handlers)", confirmedHandlers),
                ("Renci.SshNet.MessageEventArgs<ChannelOpenConfirmationMessage>.Message", eventMessage),
                ("Renci.SshNet.Messages.Connection.ChannelOpenConfirmationMessage.LocalChannelNumber", localNumber),
                ("Renci.SshNet.Messages.Connection.ChannelOpenConfirmationMessage.RemoteChannelNumber", remoteNumber),
                ("Renci.SshNet.Channels.ChannelSession", channelSession),
                ("Renci.SshNet.Channels.Channel.LocalChannelNumber", channelNumber),
                ("Renci.SshNet.Messages.Connection.EnvironmentVariableRequestInfo(string, string)", envRequest),
                ("Renci.SshNet.Messages.Connection.RequestInfo.WantReply (settable)", wantReply?.SetMethod),
                ("Renci.SshNet.Messages.Connection.ChannelRequestMessage(uint, RequestInfo)", channelRequest),
                ("Renci.SshNet.Session.TrySendMessage(Message)", trySend));
        }

        /// <summary>The verdict for the SSH.NET this process loaded.</summary>
        public static SshNetEnvironment Current => Loaded.Value;

        /// <summary>Binds the members in <paramref name="sshNet"/>; a missing one makes the verdict, not an exception.</summary>
        public static SshNetEnvironment Bind(Assembly sshNet) => new SshNetEnvironment(sshNet);

        /// <summary>
        /// From now on, every session channel <paramref name="client"/> opens is sent <paramref name="requests"/>' variables
        /// (asked for at each opening, so a variable set since counts) before anything else. Call it once connected and
        /// before any channel opens; the hook goes with the client's session.
        /// </summary>
        /// <exception cref="InvalidOperationException">Not bound (see <see cref="Missing"/>), or the client is not connected.</exception>
        public void SendOnEveryChannel(BaseClient client, Func<IReadOnlyList<KeyValuePair<string, string>>> requests)
        {
            RequireBound();

            object connection = session!.GetValue(client) ?? throw new InvalidOperationException("The SSH client is not connected.");
            var hook = new Hook(this, connection, requests);
            confirmed!.AddEventHandler(connection, Delegate.CreateDelegate(confirmed.EventHandlerType!, hook, OnConfirmationMethod));
        }

        private sealed class Hook
        {
            private readonly SshNetEnvironment members;
            private readonly object session;
            private readonly Func<IReadOnlyList<KeyValuePair<string, string>>> requests;

            public Hook(SshNetEnvironment members, object session, Func<IReadOnlyList<KeyValuePair<string, string>>> requests)
            {
                this.members = members;
                this.session = session;
                this.requests = requests;
            }

            // Bound to EventHandler<MessageEventArgs<ChannelOpenConfirmationMessage>> by parameter contravariance. It runs on
            // SSH.NET's receiving thread, before the channel's own handler: an exception here would leave the channel's
            // Open waiting, so none escapes (a request that cannot be sent is a variable the server does not get, as
            // when its AcceptEnv refuses it).
            internal void OnConfirmation(object sender, EventArgs e)
            {
                try
                {
                    object message = members.eventMessage!.GetValue(e)!;
                    uint local = (uint)members.localNumber!.GetValue(message)!;
                    if (!IsSessionChannel(local))
                    {
                        return;
                    }

                    uint remote = (uint)members.remoteNumber!.GetValue(message)!;
                    foreach (KeyValuePair<string, string> variable in requests())
                    {
                        object info = members.envRequest!.Invoke(new object[] { variable.Key, variable.Value });
                        members.wantReply!.SetValue(info, false);
                        object request = members.channelRequest!.Invoke(new[] { remote, info });
                        if (!(bool)members.trySend!.Invoke(session, new[] { request })!)
                        {
                            return;
                        }
                    }
                }
                catch (Exception)
                {
                    // The channel opens without them.
                }
            }

            // The channels waiting for their confirmation are among the event's handlers: is this one a session channel?
            private bool IsSessionChannel(uint local) =>
                members.confirmedHandlers!.GetValue(session) is Delegate handlers
                && handlers.GetInvocationList().Any(h => members.channelSession!.IsInstanceOfType(h.Target) && (uint)members.channelNumber!.GetValue(h.Target)! == local);
        }
    }
}
