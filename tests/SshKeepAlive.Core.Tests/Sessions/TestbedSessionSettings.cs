using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Sessions;
using SshKeepAlive.Core.Ssh;

namespace SshKeepAlive.Testing
{
    /// <summary>(Also compiled into the benchmarks.) Session settings that reach a testbed server with the run's key and known_hosts, and nothing of this machine's ~/.ssh or agent.</summary>
    public static class TestbedSessionSettings
    {
        public static SshSessionSettings For(Testbed bed, TestbedServer server) =>
            For(server.Address, server.Port, bed.User, bed.PrivateKey, bed.KnownHosts);

        /// <summary>The same from the facts alone, for a process that has no <see cref="Testbed"/> object (the idle-cost benchmark's child).</summary>
        public static SshSessionSettings For(string address, int port, string user, string key, string knownHosts)
        {
            var settings = SshSessionSettings.ForTarget(new SshTarget(address, user, port));
            settings.DefaultKeyFiles.Clear();
            settings.KeyFiles.Add(key);
            settings.AgentSocket = null;
            settings.UserKnownHostsFile = knownHosts;
            settings.GlobalKnownHostsFiles.Clear();
            settings.StrictHostKeyChecking = StrictHostKeyChecking.Yes;
            return settings;
        }
    }
}
