using System.Management.Automation;

namespace SshKeepAlive
{
    /// <summary>
    /// Runs when PowerShell imports or removes the module: wires up dependency loading before any
    /// cmdlet touches SshKeepAlive.Core, and releases per-runspace state on removal.
    /// </summary>
    public sealed class ModuleLifecycle : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        /// <inheritdoc />
        public void OnImport() => DependencyLoader.Register();

        /// <inheritdoc />
        public void OnRemove(PSModuleInfo psModuleInfo) => DependencyLoader.Unregister();
    }
}
