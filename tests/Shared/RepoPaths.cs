using System;
using System.IO;
using System.Text.RegularExpressions;

namespace SshKeepAlive.Testing
{
    /// <summary>Where the repository and the built module are, found from the test assembly's location.</summary>
    public static class RepoPaths
    {
        public static string Root { get; } = FindRoot();

        public static string SourceManifest => Path.Combine(Root, "SshKeepAlive.psd1");

        public static string ModuleVersion { get; } =
            Regex.Match(File.ReadAllText(Path.Combine(FindRoot(), "SshKeepAlive.psd1")), @"ModuleVersion\s*=\s*'([0-9.]+)'").Groups[1].Value;

        public static string ModuleDirectory => Path.Combine(Root, "out", "SshKeepAlive", ModuleVersion);

        public static string BuiltManifest => Path.Combine(ModuleDirectory, "SshKeepAlive.psd1");

        private static string FindRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "SshKeepAlive.psd1")) && Directory.Exists(Path.Combine(dir.FullName, "src")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Cannot find the repository root above " + AppContext.BaseDirectory);
        }
    }
}
