using System;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SshKeepAlive
{
    /// <summary>
    /// Loads SshKeepAlive.Core and its dependency closure (SSH.NET, BouncyCastle, ...) from the module's
    /// deps folder. On PowerShell 7 they live in their own AssemblyLoadContext, so another SSH.NET
    /// already in the session (Posh-SSH, say) neither breaks us nor is broken by us. Windows PowerShell
    /// has no load contexts: there the folder is simply probed.
    /// </summary>
    internal static class DependencyLoader
    {
        internal const string CoreAssemblyName = "SshKeepAlive.Core";

        private static readonly object Gate = new object();
        private static bool registered;

        internal static string DependencyDirectory { get; } =
            Path.Combine(Path.GetDirectoryName(typeof(DependencyLoader).Assembly.Location) ?? ".", "deps");

        private static bool IsNetFramework =>
            RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);

        internal static void Register()
        {
            lock (Gate)
            {
                if (registered)
                {
                    return;
                }

                if (IsNetFramework)
                {
                    AppDomain.CurrentDomain.AssemblyResolve += ResolveFromDependencyDirectory;
                }
                else
                {
                    RegisterLoadContext();
                }

                registered = true;
            }
        }

        // Separate, non-inlined methods: Windows PowerShell must never JIT code that names AssemblyLoadContext.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void RegisterLoadContext() =>
            System.Runtime.Loader.AssemblyLoadContext.Default.Resolving += ModuleLoadContext.ResolveCoreAssembly;

        private static Assembly? ResolveFromDependencyDirectory(object? sender, ResolveEventArgs args)
        {
            string candidate = Path.Combine(DependencyDirectory, new AssemblyName(args.Name).Name + ".dll");
            return File.Exists(candidate) ? Assembly.LoadFrom(candidate) : null;
        }
    }
}
