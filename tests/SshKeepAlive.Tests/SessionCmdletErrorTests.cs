using System.Linq;
using System.Management.Automation;
using Xunit;

namespace SshKeepAlive.Tests
{
    /// <summary>The session cmdlets' errors when the sessions they name do not exist.</summary>
    public sealed class SessionCmdletErrorTests
    {
        [Theory]
        [InlineData("Get-PersistentSshSession -Id 4242")]
        [InlineData("Get-PersistentSshSession -Name nosuchsession")]
        [InlineData("Invoke-PersistentSshCommand -Id 4242 -Command true")]
        [InlineData("Remove-PersistentSshSession -Id 4242")]
        public void Cmdlet_WhenTheSessionDoesNotExist_WritesNotFound(string script)
        {
            using var session = new ModuleSession();

            var result = session.Run(script);

            Assert.False(result.Terminated);
            Assert.Empty(result.Output);
            var error = Assert.Single(result.Errors);
            Assert.StartsWith("SessionNotFound,", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
            Assert.NotNull(error.TargetObject);
        }

        [Fact]
        public void GetPersistentSshSession_WithWildcardMatchingNothing_WritesNothing()
        {
            using var session = new ModuleSession();

            var result = session.Run("Get-PersistentSshSession -Name 'web*'");

            Assert.Empty(result.Output);
            Assert.Empty(result.Errors);
        }

        [Fact]
        public void GetPersistentSshSession_ByIdFromPipeline_BindsByPropertyName()
        {
            using var session = new ModuleSession();

            var result = session.Run("[pscustomobject]@{ Id = 7 }, [pscustomobject]@{ Id = 8 } | Get-PersistentSshSession");

            Assert.Equal(new[] { 7, 8 }, result.Errors.Select(e => (int)e.TargetObject));
        }
    }
}
