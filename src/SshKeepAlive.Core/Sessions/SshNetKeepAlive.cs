using System;
using System.Reflection;
using System.Text;
using System.Threading;
using Renci.SshNet;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>
    /// Sends OpenSSH's <c>keepalive@openssh.com</c> global request with want-reply set, through the SSH.NET
    /// internals <see cref="SshNetInternals"/> bound, and reports each reply.
    /// </summary>
    /// <remarks>
    /// Servers answer the request with SSH_MSG_REQUEST_FAILURE; either answer proves the peer alive. Replies to
    /// global requests arrive in order, and nothing else in this module sends global requests.
    /// </remarks>
    internal sealed class SshNetKeepAlive : IKeepAliveProbe
    {
        private static readonly byte[] RequestName = Encoding.ASCII.GetBytes("keepalive@openssh.com");

        private static readonly MethodInfo OnReplyMethod =
            typeof(SshNetKeepAlive).GetMethod(nameof(OnReply), BindingFlags.NonPublic | BindingFlags.Instance)!;

        private readonly SshNetInternals.Bound members;
        private readonly object session;
        private readonly Delegate onSuccess;
        private readonly Delegate onFailure;
        private readonly Action replyReceived;
        private int disposed;

        /// <summary>Hooks the replies of a connected client's session.</summary>
        /// <exception cref="InvalidOperationException">The client has no session (it is not connected).</exception>
        public SshNetKeepAlive(BaseClient client, SshNetInternals.Bound members, Action replyReceived)
        {
            this.members = members;
            this.replyReceived = replyReceived;
            session = members.SessionProperty.GetValue(client)
                ?? throw new InvalidOperationException("The SSH client is not connected.");
            onSuccess = Delegate.CreateDelegate(members.SuccessEvent.EventHandlerType!, this, OnReplyMethod);
            onFailure = Delegate.CreateDelegate(members.FailureEvent.EventHandlerType!, this, OnReplyMethod);
            members.SuccessEvent.AddEventHandler(session, onSuccess);
            members.FailureEvent.AddEventHandler(session, onFailure);
        }

        public bool Send()
        {
            object message = members.GlobalRequestConstructor.Invoke(new object[] { RequestName, true });
            return (bool)members.TrySendMessage.Invoke(session, new[] { message })!;
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                members.SuccessEvent.RemoveEventHandler(session, onSuccess);
                members.FailureEvent.RemoveEventHandler(session, onFailure);
            }
        }

        // Bound to EventHandler<MessageEventArgs<RequestSuccessMessage>> and its Failure twin by parameter contravariance.
        private void OnReply(object sender, EventArgs e) => replyReceived();
    }
}
