using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Tests
{
    public sealed class ModuleManifestTests
    {
        [Fact]
        public void Import_FromBuiltLayout_LoadsModuleAtManifestVersion()
        {
            using var session = new ModuleSession();

            var module = session.Run("Get-Module SshKeepAlive").AssertNoErrors().Single<PSModuleInfo>();

            Assert.Equal(RepoPaths.ModuleVersion, module.Version.ToString(3));
            Assert.Equal(RepoPaths.ModuleDirectory, Path.GetDirectoryName(module.Path));
        }

        [Fact]
        public void TestModuleManifest_OnBuiltCopy_Passes()
        {
            using var session = new ModuleSession(importModule: false);

            var module = session.Run("Test-ModuleManifest -Path $args[0]", RepoPaths.BuiltManifest).AssertNoErrors().Single<PSModuleInfo>();

            Assert.Contains("Core", module.CompatiblePSEditions);
            Assert.Contains("Desktop", module.CompatiblePSEditions);
            Assert.Equal(new Version(5, 1), module.PowerShellVersion);
        }

        [Fact]
        public void CmdletsToExport_MatchesEveryCmdletInTheAssembly()
        {
            using var session = new ModuleSession(importModule: false);
            var declared = session.Run("(Test-ModuleManifest -Path $args[0]).ExportedCmdlets.Keys", RepoPaths.BuiltManifest)
                .AssertNoErrors().Output.Select(o => o.BaseObject.ToString()!).OrderBy(n => n).ToList();

            var implemented = CmdletAssembly().GetTypes()
                .Select(t => t.GetCustomAttribute<CmdletAttribute>())
                .Where(a => a != null)
                .Select(a => a!.VerbName + "-" + a.NounName)
                .OrderBy(n => n)
                .ToList();

            Assert.Equal(implemented, declared);
        }

        [Fact]
        public void OtherExportLists_AreEmptyNotWildcards()
        {
            string manifest = File.ReadAllText(RepoPaths.BuiltManifest);

            foreach (string list in new[] { "FunctionsToExport", "VariablesToExport", "AliasesToExport" })
            {
                Assert.Matches(list + @"\s*=\s*@\(\)", manifest);
            }
        }

        [Fact]
        public void BuiltLayout_NeverShipsTheEngine_AndKeepsDependenciesApart()
        {
            var files = Directory.GetFiles(RepoPaths.ModuleDirectory, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(RepoPaths.ModuleDirectory, f).Replace('\\', '/'))
                .ToList();

            Assert.DoesNotContain(files, f => f.EndsWith("System.Management.Automation.dll", StringComparison.OrdinalIgnoreCase));
            Assert.Contains("SshKeepAlive.dll", files);
            Assert.Contains("SshKeepAlive.Format.ps1xml", files);
            Assert.Contains("en-US/SshKeepAlive.dll-Help.xml", files);
            Assert.Contains("deps/SshKeepAlive.Core.dll", files);
            Assert.Contains("deps/Renci.SshNet.dll", files);
            Assert.DoesNotContain("SshKeepAlive.Core.dll", files);
        }

        [Fact]
        public void Assemblies_CarryTheManifestVersion()
        {
            var expected = new Version(RepoPaths.ModuleVersion + ".0");

            Assert.Equal(expected, AssemblyName.GetAssemblyName(Path.Combine(RepoPaths.ModuleDirectory, "SshKeepAlive.dll")).Version);
            Assert.Equal(expected, AssemblyName.GetAssemblyName(Path.Combine(RepoPaths.ModuleDirectory, "deps", "SshKeepAlive.Core.dll")).Version);
        }

        internal static Assembly CmdletAssembly()
        {
            using var session = new ModuleSession();
            return session.Run("(Get-Module SshKeepAlive).ImplementingAssembly").AssertNoErrors().Single<Assembly>();
        }
    }
}
