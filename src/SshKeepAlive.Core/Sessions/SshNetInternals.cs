using System;
using System.Linq;
using System.Reflection;
using Renci.SshNet;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>
    /// The SSH.NET internals that keepalives with a reply need, bound by name once per process (on first use),
    /// with the verdict kept: either every member is there, or <see cref="Problem"/> says which is missing in
    /// which SSH.NET. Binding never throws; without it, sessions fall back to SSH.NET's own keepalives.
    /// </summary>
    /// <remarks>
    /// Why reflection: SSH.NET's own keepalive sends SSH_MSG_IGNORE, which no server answers, so a
    /// black-holed path looks alive until TCP gives up; and SSH.NET has no public way to send a request
    /// that expects a reply, nor to set TCP_USER_TIMEOUT on its socket. Its internal Session does both
    /// halves we need (TrySendMessage, RequestSuccessReceived/RequestFailureReceived). A Core test binds
    /// them against the SSH.NET this module ships, so an upgrade that renames them fails the build's tests.
    /// </remarks>
    public sealed class SshNetInternals
    {
        private static readonly Lazy<SshNetInternals> Loaded = new Lazy<SshNetInternals>(() => Bind(typeof(BaseClient).Assembly));

        private SshNetInternals(Version? version, Bound? members, KeepAliveUnsupportedException? problem)
        {
            SshNetVersion = version;
            Members = members;
            Problem = problem;
        }

        /// <summary>The verdict for the SSH.NET this process loaded.</summary>
        public static SshNetInternals Current => Loaded.Value;

        /// <summary>The SSH.NET version this module was built against and ships.</summary>
        public static Version? ShippedVersion { get; } =
            typeof(SshNetInternals).Assembly.GetReferencedAssemblies().FirstOrDefault(a => a.Name == "Renci.SshNet")?.Version;

        /// <summary>The version of the SSH.NET assembly that was bound (or failed to bind).</summary>
        public Version? SshNetVersion { get; }

        public bool IsBound => Members != null;

        /// <summary>Why keepalives cannot be answer-checked; null when <see cref="IsBound"/>.</summary>
        public KeepAliveUnsupportedException? Problem { get; }

        internal Bound? Members { get; }

        /// <summary>
        /// The socket of a connected client's session (Renci.SshNet.Session._socket), for TCPKeepAlive, which SSH.NET
        /// does not set; null when this SSH.NET has no such field (the socket then keeps the system's default).
        /// </summary>
        internal static System.Net.Sockets.Socket? SocketOf(BaseClient client)
        {
            object? session = Current.Members?.SessionProperty.GetValue(client);
            return session == null ? null : SocketField.Value?.GetValue(session) as System.Net.Sockets.Socket;
        }

        private static readonly Lazy<FieldInfo?> SocketField = new Lazy<FieldInfo?>(() =>
            typeof(BaseClient).Assembly.GetType("Renci.SshNet.Session")?.GetField("_socket", BindingFlags.NonPublic | BindingFlags.Instance));

        /// <summary>Binds the members in <paramref name="sshNet"/>; a missing one makes the verdict, not an exception.</summary>
        internal static SshNetInternals Bind(Assembly sshNet)
        {
            Version? version = sshNet.GetName().Version;
            const BindingFlags Any = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance;
            Type? client = sshNet.GetType("Renci.SshNet.BaseClient");
            Type? session = sshNet.GetType("Renci.SshNet.Session");
            Type? message = sshNet.GetType("Renci.SshNet.Messages.Message");
            Type? request = sshNet.GetType("Renci.SshNet.Messages.Connection.GlobalRequestMessage");
            var members = new (string Name, MemberInfo? Member)[]
            {
                ("Renci.SshNet.BaseClient.Session", client?.GetProperty("Session", Any)),
                ("Renci.SshNet.Session.TrySendMessage(Message)", message == null ? null : session?.GetMethod("TrySendMessage", Any, null, new[] { message }, null)),
                ("Renci.SshNet.Messages.Connection.GlobalRequestMessage(byte[], bool)", request?.GetConstructor(Any, null, new[] { typeof(byte[]), typeof(bool) }, null)),
                ("Renci.SshNet.Session.RequestSuccessReceived", session?.GetEvent("RequestSuccessReceived", Any)),
                ("Renci.SshNet.Session.RequestFailureReceived", session?.GetEvent("RequestFailureReceived", Any)),
            };
            string? missing = members.FirstOrDefault(m => m.Member == null).Name;
            if (missing != null)
            {
                return new SshNetInternals(version, null, new KeepAliveUnsupportedException(version, missing));
            }

            var bound = new Bound(
                (PropertyInfo)members[0].Member!,
                (MethodInfo)members[1].Member!,
                (ConstructorInfo)members[2].Member!,
                (EventInfo)members[3].Member!,
                (EventInfo)members[4].Member!);
            return new SshNetInternals(version, bound, null);
        }

        /// <summary>The bound members.</summary>
        internal sealed class Bound
        {
            public Bound(PropertyInfo sessionProperty, MethodInfo trySendMessage, ConstructorInfo globalRequestConstructor, EventInfo successEvent, EventInfo failureEvent)
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
        }
    }

    /// <summary>This SSH.NET lacks an internal member needed for keepalives the server must answer.</summary>
    public sealed class KeepAliveUnsupportedException : NotSupportedException
    {
        public KeepAliveUnsupportedException(Version? sshNetVersion, string missingMember)
            : base(
                $"SSH.NET {sshNetVersion} has no {missingMember}, which SshKeepAlive uses to send keepalives the server must answer " +
                "(keepalive@openssh.com). Sessions send SSH.NET's own keepalives instead, which no server answers: a dead path is noticed " +
                $"only when TCP gives up. SshKeepAlive ships SSH.NET {SshNetInternals.ShippedVersion}.")
        {
            SshNetVersion = sshNetVersion;
            MissingMember = missingMember;
        }

        public Version? SshNetVersion { get; }

        public string MissingMember { get; }
    }
}
