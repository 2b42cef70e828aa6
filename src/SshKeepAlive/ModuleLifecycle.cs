using System.Management.Automation;

namespace SshKeepAlive
{
    /// <summary>
    /// Runs when PowerShell imports or removes the module: wires up dependency loading before any
    /// cmdlet touches SshKeepAlive.Core, and closes the runspace's sessions on removal.
    /// </summary>
    public sealed class ModuleLifecycle : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        /// <inheritdoc />
        public void OnImport() => DependencyLoader.Register();

        /// <inheritdoc />
        /// <remarks>
        /// The dependency resolver stays registered: other runspaces of the process may still have the
        /// module imported, and it only ever answers for SshKeepAlive.Core.
        /// </remarks>
        public void OnRemove(PSModuleInfo psModuleInfo) => RunspaceState.Release();
    }
}
