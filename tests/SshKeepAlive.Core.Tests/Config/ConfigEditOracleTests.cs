using System.Collections.Generic;
using System.IO;
using System.Linq;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Core.Tests.Config
{
    /// <summary>Edited documents, written out, read by ssh -G: the edit has the effect OpenSSH gives it.</summary>
    public sealed class ConfigEditOracleTests
    {
        private static string SshG(string file, string host, string keyword) =>
            ProcessRunner.Run("ssh", "-G", "-F", file, host).Output.Split('\n').Single(l => l.StartsWith(keyword + " ")).Substring(keyword.Length + 1);

        [Fact]
        public void InsertHostBlock_AboveHostStar_TakesEffectForThatHostOnly()
        {
            using var dir = new TempDirectory();
            string path = dir.File("config");
            File.WriteAllText(path, "Host web\r\n\tPort 2222\r\n\r\nHost *\r\n\tServerAliveInterval 120\r\n");
            var document = ConfigDocument.Load(path);
            int hostStar = document.Lines.ToList().FindIndex(l => l.IsKeyword("Host") && l.Value == "*") + 1;

            ConfigDocument edited = document.InsertHostBlock(hostStar, new[] { "db" },
                new[] { new KeyValuePair<string, IReadOnlyList<string>>("ServerAliveInterval", new[] { "15" }) });
            File.WriteAllBytes(path, edited.ToBytes());

            Assert.Equal("15", SshG(path, "db", "serveraliveinterval"));
            Assert.Equal("120", SshG(path, "web", "serveraliveinterval"));
            Assert.Equal("Host web\r\n\tPort 2222\r\n\r\nHost db\r\n\tServerAliveInterval 15\r\n\r\nHost *\r\n\tServerAliveInterval 120\r\n", File.ReadAllText(path));
        }

        [Fact]
        public void ReplaceArguments_QuotedValueWithSpaces_IsReadBackBySsh()
        {
            using var dir = new TempDirectory();
            string path = dir.File("config");
            File.WriteAllText(path, "Host web\n    User = old # who logs in\n");

            File.WriteAllBytes(path, ConfigDocument.Load(path).ReplaceArguments(2, new[] { "new user" }).ToBytes());

            Assert.Equal("new user", SshG(path, "web", "user"));
            Assert.Equal("Host web\n    User = \"new user\" # who logs in\n", File.ReadAllText(path));
        }
    }
}
