using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SshKeepAlive.Core.Sessions;

namespace SshKeepAlive.Commands
{
    /// <summary>Finds the sessions a cmdlet's -Session or -Id names, writing a NotFound error for each unknown id.</summary>
    internal static class SessionSelection
    {
        public const string BySession = "BySession";
        public const string ById = "ById";

        public static IEnumerable<PersistentSshSession> Select(Cmdlet cmdlet, string parameterSet, PersistentSshSession[]? sessions, int[]? ids)
        {
            if (parameterSet == BySession)
            {
                return sessions ?? Enumerable.Empty<PersistentSshSession>();
            }

            var known = RunspaceState.Sessions.All;
            var found = new List<PersistentSshSession>();
            foreach (int id in ids ?? new int[0])
            {
                PersistentSshSession? session = known.FirstOrDefault(s => s.Id == id);
                if (session == null)
                {
                    cmdlet.WriteError(SessionErrors.NotFound(id));
                }
                else
                {
                    found.Add(session);
                }
            }

            return found;
        }
    }
}
