using System;
using System.Reflection;
using System.Text;
using Renci.SshNet;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>
    /// Sends OpenSSH's <c>keepalive@openssh.com</c> global request with want-reply set, and reports each reply.
    /// </summary>
    /// <remarks>
    /// Why reflection: SSH.NET's own keepalive sends SSH_MSG_IGNORE, which no server answers, so a
    /// black-holed path looks alive until TCP gives up; and SSH.NET has no public way to send a request
    /// that expects a reply, nor to set TCP_USER_TIMEOUT on its socket. Its internal Session does both
    /// halves we need (SendMessage, RequestSuccessReceived/RequestFailureReceived), so we bind to those
    /// members once, by name, and fail loudly with <see cref="NotSupportedException"/> if an SSH.NET
    /// upgrade renames them (a Core test binds them against the bundled SSH.NET). Servers answer the
    /// request with SSH_MSG_REQUEST_FAILURE; either answer proves the peer alive. Replies to global
    /// requests arrive in order, and nothing else in this module sends global requests.
    /// </remarks>
    internal sealed class SshNetKeepAlive : IDisposable
    {
        private const string RequestName = "keepalive@openssh.com";

        private static readonly Lazy<Bindings> SharedBindings = new Lazy<Bindings>(Bindings.Resolve);

        private readonly Bindings bindings;
        private readonly object session;
        private readonly Delegate onSuccess;
        private readonly Delegate onFailure;
        private readonly Action replyReceived;
        private int disposed;

        public SshNetKeepAlive(BaseClient client, Action replyReceived)
        {
            bindings = SharedBindings.Value;
            this.replyReceived = replyReceived;
            session = bindings.SessionProperty.GetValue(client)
                ?? throw new InvalidOperationException("The SSH client is not connected.");
            onSuccess = Delegate.CreateDelegate(bindings.SuccessEvent.EventHandlerType!, this, OnReplyMethod);
            onFailure = Delegate.CreateDelegate(bindings.FailureEvent.EventHandlerType!, this, OnReplyMethod);
            bindings.SuccessEvent.AddEventHandler(session, onSuccess);
            bindings.FailureEvent.AddEventHandler(session, onFailure);
        }

        /// <summary>The SSH.NET version whose internals are bound, for diagnostics.</summary>
        public static Version? SshNetVersion => typeof(BaseClient).Assembly.GetName().Version;

        private static MethodInfo OnReplyMethod { get; } =
            typeof(SshNetKeepAlive).GetMethod(nameof(OnReply), BindingFlags.NonPublic | BindingFlags.Instance)!;

        /// <summary>Throws <see cref="NotSupportedException"/> now if this SSH.NET lacks the internals we use.</summary>
        public static void EnsureSupported() => _ = SharedBindings.Value;

        /// <summary>Queues one keepalive request; false when the transport is already closed.</summary>
        public bool Send()
        {
            object message = bindings.GlobalRequestConstructor.Invoke(new object[] { Encoding.ASCII.GetBytes(RequestName), true });
            return (bool)bindings.TrySendMessage.Invoke(session, new[] { message })!;
        }

        public void Dispose()
        {
            if (System.Threading.Interlocked.Exchange(ref disposed, 1) == 0)
            {
                bindings.SuccessEvent.RemoveEventHandler(session, onSuccess);
                bindings.FailureEvent.RemoveEventHandler(session, onFailure);
            }
        }

        // Bound to EventHandler<MessageEventArgs<RequestSuccessMessage>> and its Failure twin by parameter contravariance.
        private void OnReply(object sender, EventArgs e) => replyReceived();

        private sealed class Bindings
        {
            private Bindings(PropertyInfo sessionProperty, MethodInfo trySendMessage, ConstructorInfo globalRequestConstructor, EventInfo successEvent, EventInfo failureEvent)
            {
                SessionProperty = sessionProperty;
                TrySendMessage = trySendMessage;
                GlobalRequestConstructor = globalRequestConstructor;
                SuccessEvent = successEvent;
                FailureEvent = failureEvent;
            }

            public PropertyInfo SessionProperty { get; }

            public MethodInfo TrySendMessage { get; }

            public ConstructorInfo GlobalRequestConstructor { get; }

            public EventInfo SuccessEvent { get; }

            public EventInfo FailureEvent { get; }

            public static Bindings Resolve()
            {
                const BindingFlags Any = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance;
                Assembly sshNet = typeof(BaseClient).Assembly;
                Type sessionType = Require(sshNet.GetType("Renci.SshNet.Session"), "type Renci.SshNet.Session");
                Type messageType = Require(sshNet.GetType("Renci.SshNet.Messages.Message"), "type Renci.SshNet.Messages.Message");
                Type requestType = Require(sshNet.GetType("Renci.SshNet.Messages.Connection.GlobalRequestMessage"), "type GlobalRequestMessage");

                return new Bindings(
                    Require(typeof(BaseClient).GetProperty("Session", Any), "BaseClient.Session"),
                    Require(sessionType.GetMethod("TrySendMessage", Any, null, new[] { messageType }, null), "Session.TrySendMessage(Message)"),
                    Require(requestType.GetConstructor(Any, null, new[] { typeof(byte[]), typeof(bool) }, null), "GlobalRequestMessage(byte[], bool)"),
                    Require(sessionType.GetEvent("RequestSuccessReceived", Any), "Session.RequestSuccessReceived"),
                    Require(sessionType.GetEvent("RequestFailureReceived", Any), "Session.RequestFailureReceived"));
            }

            private static T Require<T>(T? member, string description)
                where T : class =>
                member ?? throw new NotSupportedException(
                    $"SSH.NET {SshNetVersion} no longer has {description}, which SshKeepAlive uses to send keepalives that the server answers. " +
                    "Use the SSH.NET version this module ships with (2026.0.0), or update SshNetKeepAlive for the new version.");
        }
    }
}
