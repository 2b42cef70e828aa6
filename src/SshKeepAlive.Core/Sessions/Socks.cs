using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>A client's SOCKS request: where it wants to go, and how to answer it.</summary>
    internal sealed class SocksRequest
    {
        private readonly Stream stream;
        private readonly int version;

        public SocksRequest(Stream stream, int version, string host, int port)
        {
            this.stream = stream;
            this.version = version;
            Host = host;
            Port = port;
        }

        public string Host { get; }

        public int Port { get; }

        /// <summary>Tells the client its connection is through (or refused): SOCKS5 and SOCKS4 each their own way.</summary>
        public Task ReplyAsync(bool granted, CancellationToken cancellationToken)
        {
            byte[] reply = version == 5
                ? new byte[] { 5, (byte)(granted ? 0 : 5), 0, 1, 0, 0, 0, 0, 0, 0 }
                : new byte[] { 0, (byte)(granted ? 90 : 91), 0, 0, 0, 0, 0, 0 };
            return stream.WriteAsync(reply, 0, reply.Length, cancellationToken);
        }
    }

    /// <summary>
    /// The server half of SOCKS (RFC 1928, RFC 1929 username/password; SOCKS4 and 4a without credentials), CONNECT
    /// only: what ssh's -D offers, and the loopback front SSH.NET connects through to reach a host by a way of ours
    /// (a jump host's channel, a ProxyCommand), where a per-front secret keeps every other local process out.
    /// </summary>
    internal static class Socks
    {
        private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

        /// <summary>A random credential for a loopback front.</summary>
        public static string NewSecret()
        {
            var bytes = new byte[18];
            using (var random = RandomNumberGenerator.Create())
            {
                random.GetBytes(bytes);
            }

            return Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');
        }

        /// <summary>
        /// Reads a client's greeting and request; null (after a refusal where the protocol has one) for anything but a
        /// CONNECT with the right credentials. With <paramref name="user"/> set only SOCKS5 with those credentials passes.
        /// </summary>
        public static async Task<SocksRequest?> AcceptAsync(Stream stream, string? user, string? password, CancellationToken cancellationToken)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(HandshakeTimeout);
            try
            {
                int version = (await ReadAsync(stream, 1, timeout.Token).ConfigureAwait(false))[0];
                return version == 5 ? await AcceptSocks5Async(stream, user, password, timeout.Token).ConfigureAwait(false)
                    : version == 4 && user == null ? await AcceptSocks4Async(stream, timeout.Token).ConfigureAwait(false)
                    : null;
            }
            catch (Exception ex) when ((ex is OperationCanceledException && !cancellationToken.IsCancellationRequested) || ex is IOException || ex is EndOfStreamException)
            {
                return null;
            }
        }

        private static async Task<SocksRequest?> AcceptSocks5Async(Stream stream, string? user, string? password, CancellationToken cancellationToken)
        {
            byte[] methods = await ReadAsync(stream, (await ReadAsync(stream, 1, cancellationToken).ConfigureAwait(false))[0], cancellationToken).ConfigureAwait(false);
            byte method = user == null ? (byte)0 : (byte)2;
            if (!methods.Contains(method))
            {
                await WriteAsync(stream, new byte[] { 5, 0xFF }, cancellationToken).ConfigureAwait(false);
                return null;
            }

            await WriteAsync(stream, new byte[] { 5, method }, cancellationToken).ConfigureAwait(false);
            if (user != null)
            {
                await ReadAsync(stream, 1, cancellationToken).ConfigureAwait(false);
                string givenUser = Encoding.UTF8.GetString(await ReadAsync(stream, (await ReadAsync(stream, 1, cancellationToken).ConfigureAwait(false))[0], cancellationToken).ConfigureAwait(false));
                string givenPassword = Encoding.UTF8.GetString(await ReadAsync(stream, (await ReadAsync(stream, 1, cancellationToken).ConfigureAwait(false))[0], cancellationToken).ConfigureAwait(false));
                bool valid = FixedTimeEquals(givenUser, user) & FixedTimeEquals(givenPassword, password ?? string.Empty);
                await WriteAsync(stream, new byte[] { 1, (byte)(valid ? 0 : 1) }, cancellationToken).ConfigureAwait(false);
                if (!valid)
                {
                    return null;
                }
            }

            byte[] head = await ReadAsync(stream, 4, cancellationToken).ConfigureAwait(false);
            string host;
            switch (head[3])
            {
                case 1:
                    host = new IPAddress(await ReadAsync(stream, 4, cancellationToken).ConfigureAwait(false)).ToString();
                    break;
                case 3:
                    host = Encoding.ASCII.GetString(await ReadAsync(stream, (await ReadAsync(stream, 1, cancellationToken).ConfigureAwait(false))[0], cancellationToken).ConfigureAwait(false));
                    break;
                case 4:
                    host = new IPAddress(await ReadAsync(stream, 16, cancellationToken).ConfigureAwait(false)).ToString();
                    break;
                default:
                    return null;
            }

            byte[] port = await ReadAsync(stream, 2, cancellationToken).ConfigureAwait(false);
            var request = new SocksRequest(stream, 5, host, (port[0] << 8) | port[1]);
            if (head[1] != 1)
            {
                await WriteAsync(stream, new byte[] { 5, 7, 0, 1, 0, 0, 0, 0, 0, 0 }, cancellationToken).ConfigureAwait(false);
                return null;
            }

            return request;
        }

        private static async Task<SocksRequest?> AcceptSocks4Async(Stream stream, CancellationToken cancellationToken)
        {
            byte[] head = await ReadAsync(stream, 7, cancellationToken).ConfigureAwait(false);
            await ReadZeroTerminatedAsync(stream, cancellationToken).ConfigureAwait(false);
            int port = (head[1] << 8) | head[2];
            string host = new IPAddress(new[] { head[3], head[4], head[5], head[6] }).ToString();
            if (head[3] == 0 && head[4] == 0 && head[5] == 0 && head[6] != 0)
            {
                host = await ReadZeroTerminatedAsync(stream, cancellationToken).ConfigureAwait(false); // SOCKS4a: the name follows
            }

            var request = new SocksRequest(stream, 4, host, port);
            if (head[0] != 1)
            {
                await request.ReplyAsync(false, cancellationToken).ConfigureAwait(false);
                return null;
            }

            return request;
        }

        private static async Task<string> ReadZeroTerminatedAsync(Stream stream, CancellationToken cancellationToken)
        {
            var text = new StringBuilder();
            for (byte b; (b = (await ReadAsync(stream, 1, cancellationToken).ConfigureAwait(false))[0]) != 0 && text.Length < 256;)
            {
                text.Append((char)b);
            }

            return text.ToString();
        }

        private static async Task<byte[]> ReadAsync(Stream stream, int count, CancellationToken cancellationToken)
        {
            var buffer = new byte[count];
            for (int read = 0; read < count;)
            {
                int n = await stream.ReadAsync(buffer, read, count - read, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new EndOfStreamException();
                }

                read += n;
            }

            return buffer;
        }

        private static Task WriteAsync(Stream stream, byte[] bytes, CancellationToken cancellationToken) =>
            stream.WriteAsync(bytes, 0, bytes.Length, cancellationToken);

        private static bool FixedTimeEquals(string a, string b)
        {
            byte[] x = Encoding.UTF8.GetBytes(a);
            byte[] y = Encoding.UTF8.GetBytes(b);
            int difference = x.Length ^ y.Length;
            for (int i = 0; i < Math.Min(x.Length, y.Length); i++)
            {
                difference |= x[i] ^ y[i];
            }

            return difference == 0;
        }
    }
}
