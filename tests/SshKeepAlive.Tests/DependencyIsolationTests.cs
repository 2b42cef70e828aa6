using System;
using System.Reflection;
using System.Runtime.Loader;
using Xunit;

namespace SshKeepAlive.Tests
{
    public sealed class DependencyIsolationTests
    {
        private static readonly Version SessionSshNet = new Version(2024, 2, 0, 1);

        [Fact]
        public void Import_WhenOlderSshNetIsAlreadyLoaded_ModuleResolvesItsOwnCopyBesideIt()
        {
            // As with Posh-SSH imported first: SSH.NET 2024.2.0 sits in the default load context.
            Assembly sessionCopy = typeof(Renci.SshNet.SshClient).Assembly;
            Assert.Equal(SessionSshNet, sessionCopy.GetName().Version);

            using var session = new ModuleSession();
            var moduleCopy = session.Run("[SshKeepAlive.ModuleLoadContext]::Instance.LoadFromAssemblyName([System.Reflection.AssemblyName]'Renci.SshNet')")
                .AssertNoErrors().Single<Assembly>();

            Assert.Equal(new Version(2026, 0, 0, 1), moduleCopy.GetName().Version);
            Assert.Equal("SshKeepAlive.ModuleLoadContext", AssemblyLoadContext.GetLoadContext(moduleCopy)!.GetType().FullName);
            Assert.Same(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(sessionCopy));
            Assert.Same(sessionCopy, typeof(Renci.SshNet.SshClient).Assembly);
        }
    }
}
