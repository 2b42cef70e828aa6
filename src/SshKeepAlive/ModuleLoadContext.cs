using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace SshKeepAlive
{
    /// <summary>
    /// The module's private load context (PowerShell 7 only). The default context asks it for
    /// SshKeepAlive.Core; everything Core references is then resolved here first, from deps/.
    /// </summary>
    public sealed class ModuleLoadContext : AssemblyLoadContext
    {
        private static readonly object Gate = new object();
        private static ModuleLoadContext? instance;

        private readonly string dependencyDirectory;
        private readonly string frameworkDirectory;

        private ModuleLoadContext(string dependencyDirectory)
        {
            this.dependencyDirectory = dependencyDirectory;
            frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location) ?? string.Empty;
        }

        /// <summary>The one context of this process; assemblies cannot be unloaded, so it outlives module removal.</summary>
        public static ModuleLoadContext Instance
        {
            get
            {
                lock (Gate)
                {
                    return instance ??= new ModuleLoadContext(DependencyLoader.DependencyDirectory);
                }
            }
        }

        internal static Assembly? ResolveCoreAssembly(AssemblyLoadContext requestingContext, AssemblyName name) =>
            name.Name == DependencyLoader.CoreAssemblyName ? Instance.LoadFromAssemblyName(name) : null;

        /// <inheritdoc />
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            string candidate = Path.Combine(dependencyDirectory, assemblyName.Name + ".dll");
            if (!File.Exists(candidate) || FrameworkProvides(assemblyName))
            {
                return null;
            }

            return LoadFromAssemblyPath(candidate);
        }

        // Framework assemblies (System.Memory, System.Formats.Asn1, ...) must stay shared with the runtime
        // so types such as Span<T> keep one identity; only an older framework copy makes us use ours.
        private bool FrameworkProvides(AssemblyName assemblyName)
        {
            string frameworkCopy = Path.Combine(frameworkDirectory, assemblyName.Name + ".dll");
            return File.Exists(frameworkCopy)
                && AssemblyName.GetAssemblyName(frameworkCopy).Version >= (assemblyName.Version ?? new System.Version());
        }
    }
}
