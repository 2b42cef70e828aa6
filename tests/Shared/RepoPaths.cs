using System;
using System.IO;

namespace SshKeepAlive.Testing
{
    /// <summary>Where the repository is, found from the test assembly's location.</summary>
    public static class RepoPaths
    {
        public static string Root { get; } = FindRoot();

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
