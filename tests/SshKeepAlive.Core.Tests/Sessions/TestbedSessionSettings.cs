using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Sessions;
using SshKeepAlive.Core.Ssh;

namespace SshKeepAlive.Testing
{
    /// <summary>(Also compiled into the benchmarks.) Session settings that reach a testbed server with the run's key and known_hosts, and nothing of this machine's ~/.ssh or agent.</summary>
    public static class TestbedSessionSettings
    {
        public static SshSessionSettings For(Testbed bed, TestbedServer server)
        {
            var settings = SshSessionSettings.ForTarget(new SshTarget(server.Address, bed.User, server.Port));
            settings.DefaultKeyFiles.Clear();
            settings.KeyFiles.Add(bed.PrivateKey);
            settings.AgentSocket = null;
            settings.UserKnownHostsFile = bed.KnownHosts;
            settings.GlobalKnownHostsFiles.Clear();
            settings.StrictHostKeyChecking = StrictHostKeyChecking.Yes;
            return settings;
        }
    }
}
