using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using SshKeepAlive.Core.Sessions;
using SshKeepAlive.Testing;

namespace SshKeepAlive.Core.Tests.Sessions
{
    /// <summary>Sessions to a testbed server, and what the tests observe of them.</summary>
    internal static class TestbedSessions
    {
        /// <summary>
        /// Settings that reach the bed's first server (or <paramref name="server"/>) with its key, checking its host key
        /// against the bed's known_hosts, with nothing from the machine's own ~/.ssh or agent, and fast keepalives and
        /// reconnects.
        /// </summary>
        public static SshSessionSettings Settings(SshKeepAlive.Testing.Testbed bed, TestbedServer? server = null)
        {
            SshSessionSettings settings = TestbedSessionSettings.For(bed, server ?? bed.Server);
            settings.ConnectTimeout = TimeSpan.FromSeconds(5);
            settings.KeepAliveInterval = TimeSpan.FromSeconds(1);
            settings.KeepAliveCountMax = 2;
            settings.ReconnectPolicy = new ReconnectPolicy(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2), null, TimeSpan.FromMinutes(2));
            return settings;
        }

        public static string Run(PersistentSshSession session, string command)
        {
            using var deadline = new CancellationTokenSource(Wait.Bounded);
            CommandResult result = session.RunCommandAsync(command, Wait.Bounded, deadline.Token).GetAwaiter().GetResult();
            return result.Output;
        }

        public static PersistentSshSession Connect(SshSessionSettings settings, ConcurrentQueue<SessionEvent>? events = null)
        {
            PersistentSshSession session = settings.CreateSession();
            if (events != null)
            {
                session.StateChanged += (_, e) => events.Enqueue(e);
            }

            using var deadline = new CancellationTokenSource(Wait.Bounded);
            try
            {
                session.Connect(deadline.Token);
            }
            catch
            {
                session.Dispose();
                throw;
            }

            return session;
        }

        public static SessionEvent? First(ConcurrentQueue<SessionEvent> events, SessionEventKind kind, int skip = 0) =>
            events.Where(e => e.Kind == kind).Skip(skip).FirstOrDefault();

        /// <summary>This process's open sockets.</summary>
        public static int OpenSockets() =>
            new DirectoryInfo("/proc/self/fd").GetFileSystemInfos().Count(fd => (fd.LinkTarget ?? string.Empty).StartsWith("socket:", StringComparison.Ordinal));

        /// <summary>
        /// The number of open sockets once it has stayed the same for a second (at most 10 s): a connection just
        /// disposed may close its socket a moment later.
        /// </summary>
        public static int SettledSockets()
        {
            int count = OpenSockets();
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                Thread.Sleep(TimeSpan.FromSeconds(1));
                int now = OpenSockets();
                if (now == count)
                {
                    break;
                }

                count = now;
            }

            return count;
        }

        public static int Threads() => Process.GetCurrentProcess().Threads.Count;
    }
}
