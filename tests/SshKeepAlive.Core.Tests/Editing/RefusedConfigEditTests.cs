using System.IO;
using System.Text;
using SshKeepAlive.Core.Editing;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Testing;
using Xunit;
using static SshKeepAlive.Core.Tests.Editing.EditFixture;

namespace SshKeepAlive.Core.Tests.Editing
{
    /// <summary>A file ssh itself refuses is refused with ssh's reason and file:line, and nothing is written.</summary>
    public sealed class RefusedConfigEditTests
    {
        [Theory]
        [InlineData("\ufeffHost web01\n  ServerAliveInterval 5\n", 1, "Bad configuration option: \\357\\273\\277host")]
        [InlineData("Host web01\n  Bogus yes\n", 2, "Bad configuration option: bogus")]
        [InlineData("Include SUB\n", 1, "Bad configuration option: bogus")]
        public void Set_OnAFileSshRefuses_IsRefusedWithSshsReasonAndNothingIsWritten(string original, int line, string reason)
        {
            using var fx = new EditFixture();
            string included = fx.Write("sub.conf", "Bogus yes\n");
            string path = fx.Write("config", original.Replace("SUB", included));
            byte[] before = File.ReadAllBytes(path);
            var (code, _, sshError) = ProcessRunner.RunWithError("ssh", "-G", "-F", path, "web01");
            Assert.NotEqual(0, code);
            Assert.Contains(reason, sshError);

            var error = Assert.Throws<ConfigEditException>(() => fx.Apply(fx.ClientRequest(path, "web01", Interval(60))));

            Assert.Equal(ErrorId.ConfigKeywordUnknown, error.Id);
            Assert.Contains(reason, error.Message);
            Assert.Contains($"{(original.StartsWith("Include") ? included : path)}:{line}", error.Message);
            Assert.Equal(before, File.ReadAllBytes(path));
        }

        [Fact]
        public void Set_OnAFileWhoseUnknownKeywordIsIgnored_GoesAhead()
        {
            using var fx = new EditFixture();
            string path = fx.Write("config", "IgnoreUnknown Bogus\nBogus yes\n");

            fx.Apply(fx.ClientRequest(path, "web01", Interval(60)));

            Assert.Equal("60", SshG(path, "web01", "ServerAliveInterval"));
        }
    }
}
