using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using SshKeepAlive.Core.Sessions;

namespace SshKeepAlive
{
    /// <summary>
    /// Per-runspace state (no globals): each runspace has its own sessions, closed when the module is
    /// removed from it, or when the runspace goes away.
    /// </summary>
    internal static class RunspaceState
    {
        private static readonly ConditionalWeakTable<Runspace, SessionRegistry> Registries = new ConditionalWeakTable<Runspace, SessionRegistry>();

        public static SessionRegistry Sessions => Registries.GetValue(Runspace.DefaultRunspace, _ => new SessionRegistry());

        /// <summary>Closes the current runspace's sessions.</summary>
        public static void Release()
        {
            Runspace runspace = Runspace.DefaultRunspace;
            if (runspace != null && Registries.TryGetValue(runspace, out SessionRegistry? registry))
            {
                Registries.Remove(runspace);
                registry.Dispose();
            }
        }
    }
}
