using System;
using System.IO;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Ssh
{
    /// <summary>A key pair made by ssh-keygen, with ssh-keygen's own fingerprint of it.</summary>
    public sealed class GeneratedKey
    {
        private GeneratedKey(string privateKeyFile, string type, byte[] blob, string fingerprint)
        {
            PrivateKeyFile = privateKeyFile;
            Type = type;
            Blob = blob;
            Fingerprint = fingerprint;
        }

        public string PrivateKeyFile { get; }

        /// <summary>The key type as known_hosts names it (ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa).</summary>
        public string Type { get; }

        public byte[] Blob { get; }

        /// <summary>The SHA256:… fingerprint ssh-keygen -l prints.</summary>
        public string Fingerprint { get; }

        public string PublicText => Type + " " + Convert.ToBase64String(Blob);

        /// <param name="algorithm">ssh-keygen -t: ed25519, ecdsa or rsa.</param>
        public static GeneratedKey Create(string directory, string algorithm, string passphrase = "")
        {
            string path = Path.Combine(directory, "id_" + algorithm + "_" + Guid.NewGuid().ToString("N").Substring(0, 6));
            var (exit, _) = ProcessRunner.Run("ssh-keygen", "-q", "-t", algorithm, "-N", passphrase, "-C", "test", "-f", path);
            Assert.Equal(0, exit);
            string[] publicFields = File.ReadAllText(path + ".pub").Split(' ');
            var (fingerprintExit, fingerprintLine) = ProcessRunner.Run("ssh-keygen", "-l", "-E", "sha256", "-f", path + ".pub");
            Assert.Equal(0, fingerprintExit);
            return new GeneratedKey(path, publicFields[0], Convert.FromBase64String(publicFields[1]), fingerprintLine.Split(' ')[1]);
        }
    }
}
