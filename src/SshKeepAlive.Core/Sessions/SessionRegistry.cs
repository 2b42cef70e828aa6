using System;
using System.Collections.Generic;
using System.Linq;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>The sessions of one PowerShell runspace; closing the registry closes them all.</summary>
    public sealed class SessionRegistry : IDisposable
    {
        private readonly object gate = new object();
        private readonly List<PersistentSshSession> sessions = new List<PersistentSshSession>();

        public IReadOnlyList<PersistentSshSession> All
        {
            get
            {
                lock (gate)
                {
                    return sessions.ToList();
                }
            }
        }

        public void Add(PersistentSshSession session)
        {
            lock (gate)
            {
                sessions.Add(session);
            }
        }

        /// <summary>Closes and forgets a session; false when it was not registered here.</summary>
        public bool Remove(PersistentSshSession session)
        {
            lock (gate)
            {
                if (!sessions.Remove(session))
                {
                    return false;
                }
            }

            session.Dispose();
            return true;
        }

        public void Dispose()
        {
            List<PersistentSshSession> closing;
            lock (gate)
            {
                closing = sessions.ToList();
                sessions.Clear();
            }

            foreach (PersistentSshSession session in closing)
            {
                session.Dispose();
            }
        }
    }
}
