using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Renci.SshNet;
using Renci.SshNet.Common;
using Renci.SshNet.Security;

namespace SshKeepAlive.Core.Ssh
{
    /// <summary>
    /// A private key file offered as ssh offers it: its public key (or certificate) is known without the passphrase,
    /// from the file's own unencrypted header (OpenSSH format) or its <c>.pub</c>; an encrypted key is decrypted only
    /// when the server accepts the public key and a signature is due, asking for the passphrase then, once.
    /// </summary>
    public sealed class FileKeySource : IPrivateKeySource
    {
        private const string OpenSshHeader = "-----BEGIN OPENSSH PRIVATE KEY-----";
        private static readonly byte[] OpenSshMagic = Encoding.ASCII.GetBytes("openssh-key-v1\0");

        private readonly Func<string?> passphrase;
        private readonly object gate = new object();
        private PrivateKeyFile? loaded;

        private FileKeySource(string path, string? certificatePath, byte[] publicKey, byte[]? certificate, PrivateKeyFile? loaded, Func<string?> passphrase)
        {
            Path = path;
            CertificatePath = certificatePath;
            PublicKey = publicKey;
            this.loaded = loaded;
            this.passphrase = passphrase;
            string type = PublicKeyBlob.KeyType(certificate ?? publicKey);
            HostKeyAlgorithms = SignatureNames(type).Select(name => (HostAlgorithm)new DeferredAlgorithm(this, name, certificate ?? publicKey)).ToList();
        }

        public string Path { get; }

        /// <summary>The OpenSSH certificate offered with the key, if any.</summary>
        public string? CertificatePath { get; }

        /// <summary>The public key blob (not the certificate's).</summary>
        public byte[] PublicKey { get; }

        public bool IsDecrypted
        {
            get
            {
                lock (gate)
                {
                    return loaded != null;
                }
            }
        }

        public IReadOnlyCollection<HostAlgorithm> HostKeyAlgorithms { get; }

        /// <summary>
        /// Reads the key's public half, and loads the key itself now when that needs no passphrase or
        /// <paramref name="knownPassphrase"/> is given; <paramref name="askPassphrase"/> is asked later, at the first
        /// signature, for an encrypted key.
        /// </summary>
        /// <exception cref="PrivateKeyFileException">The file is missing or unusable, or an encrypted key has no public half to offer.</exception>
        public static FileKeySource Open(string path, string? certificatePath, string? knownPassphrase, Func<string?> askPassphrase)
        {
            if (!File.Exists(path))
            {
                throw new PrivateKeyFileException(path, $"The private key file {path} does not exist.");
            }

            byte[]? certificate = certificatePath == null ? null : PublicKeyBlob.ReadFile(certificatePath)
                ?? throw new PrivateKeyFileException(certificatePath, $"The certificate file {certificatePath} is not an OpenSSH certificate.");
            byte[]? publicKey = ReadOpenSshPublicKey(path) ?? PublicKeyBlob.ReadFile(path + ".pub");
            PrivateKeyFile? key = null;
            if (knownPassphrase != null || !IsEncrypted(path) || publicKey == null)
            {
                key = Load(path, certificatePath, knownPassphrase);
                publicKey = key.HostKeyAlgorithms.OfType<KeyHostAlgorithm>().First(a => !(a is CertificateHostAlgorithm)).Data;
            }

            string? given = knownPassphrase;
            return new FileKeySource(path, certificatePath, publicKey!, certificate, key, () => given ?? askPassphrase());
        }

        /// <summary>Loads a key file whose passphrase is known (or that has none).</summary>
        /// <exception cref="PrivateKeyFileException">Missing, unreadable, encrypted without a passphrase, or a wrong passphrase.</exception>
        public static PrivateKeyFile Load(string path, string? certificatePath, string? passphrase)
        {
            try
            {
                return certificatePath == null ? new PrivateKeyFile(path, passphrase) : new PrivateKeyFile(path, passphrase, certificatePath);
            }
            catch (SshPassPhraseNullOrEmptyException ex)
            {
                throw new PrivateKeyFileException(path, $"The private key file {path} is encrypted and no passphrase was given.", ex);
            }
            catch (Exception ex) when (ex is SshException || ex is System.Security.Cryptography.CryptographicException || ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException || ex is InvalidOperationException || ex is FormatException)
            {
                throw new PrivateKeyFileException(path, $"Cannot use the private key file {path}: {ex.Message}" +
                    (passphrase == null ? string.Empty : " (is the passphrase right?)"), ex);
            }
        }

        /// <summary>True when the file is an encrypted key (OpenSSH format with a cipher, or PEM with ENCRYPTED).</summary>
        public static bool IsEncrypted(string path)
        {
            string text = ReadText(path);
            if (text.Contains("ENCRYPTED"))
            {
                return true;
            }

            byte[]? body = OpenSshBody(text);
            return body != null && Cipher(body) != "none";
        }

        // The names a key of this type signs with, as ssh offers them: RSA with SHA-2 only (servers refuse SHA-1).
        private static IEnumerable<string> SignatureNames(string type)
        {
            if (type == "ssh-rsa")
            {
                return new[] { "rsa-sha2-512", "rsa-sha2-256" };
            }

            if (type == "ssh-rsa-cert-v01@openssh.com")
            {
                return new[] { "rsa-sha2-512-cert-v01@openssh.com", "rsa-sha2-256-cert-v01@openssh.com" };
            }

            return new[] { type };
        }

        private static string ReadText(string path)
        {
            try
            {
                return File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new PrivateKeyFileException(path, $"Cannot read the private key file {path}: {ex.Message}", ex);
            }
        }

        // An OpenSSH-format private key carries its public key unencrypted: magic, cipher, kdf, kdf options, count, key.
        private static byte[]? ReadOpenSshPublicKey(string path)
        {
            byte[]? body = OpenSshBody(ReadText(path));
            if (body == null)
            {
                return null;
            }

            try
            {
                var reader = new SshWireReader(body.Skip(OpenSshMagic.Length).ToArray());
                reader.ReadString();
                reader.ReadString();
                reader.ReadString();
                return reader.ReadUInt32() >= 1 ? reader.ReadString() : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }

        private static byte[]? OpenSshBody(string text)
        {
            int start = text.IndexOf(OpenSshHeader, StringComparison.Ordinal);
            int end = text.IndexOf("-----END", StringComparison.Ordinal);
            if (start < 0 || end < start)
            {
                return null;
            }

            try
            {
                byte[] body = Convert.FromBase64String(text.Substring(start + OpenSshHeader.Length, end - start - OpenSshHeader.Length));
                return body.Take(OpenSshMagic.Length).SequenceEqual(OpenSshMagic) ? body : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }

        private static string Cipher(byte[] body)
        {
            try
            {
                return new SshWireReader(body.Skip(OpenSshMagic.Length).ToArray()).ReadAscii();
            }
            catch (FormatException)
            {
                return "none";
            }
        }

        private PrivateKeyFile Decrypted()
        {
            lock (gate)
            {
                return loaded ??= Load(Path, CertificatePath, passphrase() ?? throw new PrivateKeyFileException(Path, $"No passphrase was given for the private key file {Path}."));
            }
        }

        /// <summary>An algorithm of the key whose signature loads (and, for an encrypted key, decrypts) it first.</summary>
        private sealed class DeferredAlgorithm : HostAlgorithm
        {
            private readonly FileKeySource source;
            private readonly byte[] data;

            public DeferredAlgorithm(FileKeySource source, string name, byte[] data)
                : base(name)
            {
                this.source = source;
                this.data = data;
            }

            public override byte[] Data => data;

            public override byte[] Sign(byte[] signedData) =>
                source.Decrypted().HostKeyAlgorithms.First(a => a.Name == Name).Sign(signedData);

            public override bool VerifySignature(byte[] signedData, byte[] signature) =>
                throw new NotSupportedException("Client keys only sign; verifying is the server's business.");
        }
    }
}
