using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace SshKeepAlive.Core.Ssh
{
    /// <summary>Reads the SSH wire encoding (RFC 4251 §5): big-endian uint32, length-prefixed strings.</summary>
    internal sealed class SshWireReader
    {
        private readonly byte[] data;
        private int position;

        public SshWireReader(byte[] data) => this.data = data;

        public byte ReadByte()
        {
            Require(1);
            return data[position++];
        }

        public uint ReadUInt32()
        {
            Require(4);
            uint value = ((uint)data[position] << 24) | ((uint)data[position + 1] << 16) | ((uint)data[position + 2] << 8) | data[position + 3];
            position += 4;
            return value;
        }

        public byte[] ReadString()
        {
            uint length = ReadUInt32();
            Require(length);
            var value = new byte[length];
            Buffer.BlockCopy(data, position, value, 0, (int)length);
            position += (int)length;
            return value;
        }

        public string ReadAscii() => Encoding.ASCII.GetString(ReadString());

        private void Require(long count)
        {
            if (count > data.Length - position)
            {
                throw new FormatException("Truncated SSH data.");
            }
        }
    }

    /// <summary>Writes the SSH wire encoding.</summary>
    internal sealed class SshWireWriter
    {
        private readonly MemoryStream buffer = new MemoryStream();

        public SshWireWriter WriteByte(byte value)
        {
            buffer.WriteByte(value);
            return this;
        }

        public SshWireWriter WriteUInt32(uint value)
        {
            buffer.WriteByte((byte)(value >> 24));
            buffer.WriteByte((byte)(value >> 16));
            buffer.WriteByte((byte)(value >> 8));
            buffer.WriteByte((byte)value);
            return this;
        }

        public SshWireWriter WriteString(byte[] value)
        {
            WriteUInt32((uint)value.Length);
            buffer.Write(value, 0, value.Length);
            return this;
        }

        public byte[] ToArray() => buffer.ToArray();
    }

    /// <summary>Facts of a public key blob (the wire form: string key type, then the type's fields).</summary>
    public static class PublicKeyBlob
    {
        /// <summary>The key type named inside the blob, e.g. ssh-ed25519 or ssh-rsa.</summary>
        public static string KeyType(byte[] blob) => new SshWireReader(blob).ReadAscii();

        /// <summary>The blob of a one-line public key or certificate file ("type base64 [comment]"); null when there is none.</summary>
        public static byte[]? ReadFile(string path)
        {
            if (!File.Exists(path))
            {
                return null;
            }

            string[] fields = File.ReadAllText(path).Split(new[] { ' ', '\t', '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries);
            try
            {
                return fields.Length >= 2 ? Convert.FromBase64String(fields[1]) : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }

        /// <summary>
        /// The public key an OpenSSH certificate certifies (PROTOCOL.certkeys): the type without "-cert-v01@openssh.com"
        /// and the key's own fields after the nonce; null for what is not an ed25519, ECDSA or RSA certificate.
        /// </summary>
        public static byte[]? CertifiedKey(byte[]? certificate)
        {
            const string Suffix = "-cert-v01@openssh.com";
            if (certificate == null)
            {
                return null;
            }

            try
            {
                var reader = new SshWireReader(certificate);
                string type = reader.ReadAscii();
                if (!type.EndsWith(Suffix, StringComparison.Ordinal))
                {
                    return null;
                }

                string keyType = type.Substring(0, type.Length - Suffix.Length);
                reader.ReadString(); // nonce
                var key = new SshWireWriter().WriteString(Encoding.ASCII.GetBytes(keyType));
                int fields = keyType == "ssh-ed25519" ? 1 : keyType.StartsWith("ecdsa-", StringComparison.Ordinal) || keyType == "ssh-rsa" ? 2 : 0;
                for (int i = 0; i < fields; i++)
                {
                    key.WriteString(reader.ReadString());
                }

                return fields == 0 ? null : key.ToArray();
            }
            catch (FormatException)
            {
                return null;
            }
        }

        /// <summary>OpenSSH's fingerprint form: <c>SHA256:</c> and unpadded base64 of the blob's SHA-256.</summary>
        public static string Fingerprint(byte[] blob)
        {
            using var sha256 = SHA256.Create();
            return "SHA256:" + Convert.ToBase64String(sha256.ComputeHash(blob)).TrimEnd('=');
        }
    }
}
