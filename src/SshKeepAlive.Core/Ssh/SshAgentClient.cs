using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipes;
using System.Net;
using System.Net.Sockets;

namespace SshKeepAlive.Core.Ssh
{
    /// <summary>A key the agent holds: its public blob and comment.</summary>
    public sealed class AgentIdentity
    {
        public AgentIdentity(byte[] publicKey, string comment)
        {
            PublicKey = publicKey;
            Comment = comment;
        }

        public byte[] PublicKey { get; }

        public string Comment { get; }

        public string KeyType => PublicKeyBlob.KeyType(PublicKey);

        public override string ToString() => $"{KeyType} {PublicKeyBlob.Fingerprint(PublicKey)} {Comment}";
    }

    /// <summary>The agent refused, or the agent could not be reached.</summary>
    public sealed class SshAgentException : Exception
    {
        public SshAgentException(string message, Exception? inner = null)
            : base(message, inner)
        {
        }
    }

    /// <summary>
    /// The client half of the ssh-agent protocol (draft-miller-ssh-agent): list identities and sign with
    /// them. Each call opens its own connection, so the client survives agent restarts and is safe to
    /// use from SSH.NET's threads.
    /// </summary>
    public sealed class SshAgentClient
    {
        public const string SocketVariable = "SSH_AUTH_SOCK";

        /// <summary>The named pipe of Windows' OpenSSH agent service, which ssh uses when SSH_AUTH_SOCK is not set.</summary>
        public const string WindowsPipe = @"\\.\pipe\openssh-ssh-agent";

        private const byte Failure = 5;
        private const byte RequestIdentities = 11;
        private const byte IdentitiesAnswer = 12;
        private const byte SignRequest = 13;
        private const byte SignResponse = 14;
        private const int MaxMessageLength = 256 * 1024;
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

        public SshAgentClient(string socketPath) => SocketPath = socketPath;

        /// <summary>Flags of a sign request that ask an RSA key for a SHA-2 signature instead of SHA-1.</summary>
        [Flags]
        public enum SignFlags : uint
        {
            None = 0,
            RsaSha2_256 = 2,
            RsaSha2_512 = 4,
        }

        /// <summary>A unix socket path, or on Windows a named pipe (<c>\\.\pipe\openssh-ssh-agent</c>).</summary>
        public string SocketPath { get; }

        public IReadOnlyList<AgentIdentity> ListIdentities()
        {
            var reader = Call(new SshWireWriter().WriteByte(RequestIdentities), IdentitiesAnswer, "list its keys");
            uint count = reader.ReadUInt32();
            var identities = new List<AgentIdentity>();
            for (uint i = 0; i < count; i++)
            {
                identities.Add(new AgentIdentity(reader.ReadString(), System.Text.Encoding.UTF8.GetString(reader.ReadString())));
            }

            return identities;
        }

        /// <summary>Signs <paramref name="data"/> with the agent's key; returns the SSH signature blob (string algorithm, string signature).</summary>
        public byte[] Sign(byte[] publicKey, byte[] data, SignFlags flags)
        {
            var request = new SshWireWriter().WriteByte(SignRequest).WriteString(publicKey).WriteString(data).WriteUInt32((uint)flags);
            return Call(request, SignResponse, "sign with " + PublicKeyBlob.Fingerprint(publicKey)).ReadString();
        }

        private SshWireReader Call(SshWireWriter request, byte expected, string what)
        {
            try
            {
                using Stream stream = Open();
                byte[] body = request.ToArray();
                byte[] framed = new SshWireWriter().WriteString(body).ToArray();
                stream.Write(framed, 0, framed.Length);
                stream.Flush();

                uint length = new SshWireReader(ReadExactly(stream, 4)).ReadUInt32();
                if (length == 0 || length > MaxMessageLength)
                {
                    throw new SshAgentException($"The ssh-agent at {SocketPath} sent a malformed reply ({length} bytes).");
                }

                var reply = new SshWireReader(ReadExactly(stream, (int)length));
                byte type = reply.ReadByte();
                if (type == expected)
                {
                    return reply;
                }

                throw new SshAgentException(type == Failure
                    ? $"The ssh-agent at {SocketPath} refused to {what}."
                    : $"The ssh-agent at {SocketPath} answered with message {type} when asked to {what}.");
            }
            catch (Exception ex) when (ex is IOException || ex is SocketException || ex is FormatException || ex is TimeoutException)
            {
                throw new SshAgentException($"Cannot {what} through the ssh-agent at {SocketPath} ({SocketVariable}): {ex.Message}", ex);
            }
        }

        private Stream Open()
        {
            const string PipePrefix = @"\\.\pipe\";
            if (SocketPath.StartsWith(PipePrefix, StringComparison.OrdinalIgnoreCase))
            {
                var pipe = new NamedPipeClientStream(".", SocketPath.Substring(PipePrefix.Length), PipeDirection.InOut);
                pipe.Connect((int)Timeout.TotalMilliseconds);
                return pipe;
            }

            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            {
                SendTimeout = (int)Timeout.TotalMilliseconds,
                ReceiveTimeout = (int)Timeout.TotalMilliseconds,
            };
            try
            {
                socket.Connect(UnixEndPoint(SocketPath));
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        // netstandard2.0 lacks UnixDomainSocketEndPoint; every runtime that has unix agent sockets to
        // reach (.NET Core 2.1 and later, so PowerShell 7) provides it, so it is found at run time.
        private static EndPoint UnixEndPoint(string path)
        {
            Type? type = Type.GetType("System.Net.Sockets.UnixDomainSocketEndPoint, System.Net.Sockets")
                ?? typeof(Socket).Assembly.GetType("System.Net.Sockets.UnixDomainSocketEndPoint");
            if (type == null)
            {
                throw new SshAgentException($"This .NET runtime cannot connect to unix sockets, so the ssh-agent at {path} is out of reach.");
            }

            return (EndPoint)Activator.CreateInstance(type, path)!;
        }

        private static byte[] ReadExactly(Stream stream, int count)
        {
            var buffer = new byte[count];
            int read = 0;
            while (read < count)
            {
                int n = stream.Read(buffer, read, count - read);
                if (n == 0)
                {
                    throw new IOException("The agent closed the connection mid-reply.");
                }

                read += n;
            }

            return buffer;
        }
    }
}
