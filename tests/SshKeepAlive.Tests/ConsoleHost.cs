using System.IO;
using SshKeepAlive.Testing;

namespace SshKeepAlive.Tests
{
    /// <summary>skahost, the console host that embeds the engine with the built module imported (built with this project).</summary>
    internal static class ConsoleHost
    {
#if DEBUG
        private const string Configuration = "Debug";
#else
        private const string Configuration = "Release";
#endif

        public static string Assembly { get; } = Path.Combine(RepoPaths.Root, "tests", "SshKeepAlive.Host", "bin", Configuration, "net10.0", "skahost.dll");
    }
}
