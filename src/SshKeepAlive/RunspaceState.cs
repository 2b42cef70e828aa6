using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.Sessions;

namespace SshKeepAlive
{
    /// <summary>
    /// Per-runspace state (no globals): each runspace has its own sessions and completion cache. The sessions are
    /// closed when the module is removed from the runspace (<see cref="ModuleLifecycle.OnRemove"/>) or when the
    /// runspace closes or breaks, whichever comes first.
    /// </summary>
    internal static class RunspaceState
    {
        private static readonly ConditionalWeakTable<Runspace, State> States = new ConditionalWeakTable<Runspace, State>();

        /// <summary>The current runspace's sessions.</summary>
        public static SessionRegistry Sessions => Current.Sessions;

        /// <summary>The current runspace's Host names for completion, read again only when the config files change.</summary>
        public static ClientHostNameCache HostNames => Current.HostNames;

        private static State Current => States.GetValue(Runspace.DefaultRunspace, Watch);

        /// <summary>Closes the current runspace's sessions.</summary>
        public static void Release() => Release(Runspace.DefaultRunspace);

        private static State Watch(Runspace runspace)
        {
            runspace.StateChanged += OnStateChanged;
            return new State();
        }

        private static void OnStateChanged(object? sender, RunspaceStateEventArgs e)
        {
            var state = e.RunspaceStateInfo.State;
            if (sender is Runspace runspace &&
                (state == System.Management.Automation.Runspaces.RunspaceState.Closing ||
                 state == System.Management.Automation.Runspaces.RunspaceState.Closed ||
                 state == System.Management.Automation.Runspaces.RunspaceState.Broken))
            {
                Release(runspace);
            }
        }

        private static void Release(Runspace? runspace)
        {
            if (runspace == null)
            {
                return;
            }

            // Only the caller whose Remove succeeds closes the sessions, should module removal and closing race.
            if (!States.TryGetValue(runspace, out State? state) || !States.Remove(runspace))
            {
                return;
            }

            runspace.StateChanged -= OnStateChanged;
            state.Sessions.Dispose();
        }

        private sealed class State
        {
            public SessionRegistry Sessions { get; } = new SessionRegistry();

            public ClientHostNameCache HostNames { get; } = new ClientHostNameCache();
        }
    }
}
