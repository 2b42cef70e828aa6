using System;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Sessions;
using SshKeepAlive.Core.Ssh;

namespace SshKeepAlive.Testing
{
    /// <summary>Session settings for a testbed server, shared by the tests and the benchmarks.</summary>
    public static class TestbedSessionSettings
    {
        /// <summary>
        /// Settings that reach <paramref name="address"/> with <paramref name="key"/>, checking the host key against
        /// <paramref name="knownHosts"/> only, with nothing from this machine's ~/.ssh or agent; keepalives and reconnects
        /// keep the module's defaults for the caller to change.
        /// </summary>
        public static SshSessionSettings For(string address, int port, string user, string key, string knownHosts)
        {
            SshSessionSettings settings = SshSessionSettings.ForTarget(new SshTarget(address, user, port));
            settings.DefaultKeyFiles.Clear();
            settings.KeyFiles.Add(key);
            settings.AgentSocket = null;
            settings.UserKnownHostsFile = knownHosts;
            settings.GlobalKnownHostsFiles.Clear();
            settings.StrictHostKeyChecking = StrictHostKeyChecking.Yes;
            return settings;
        }

        public static SshSessionSettings For(Testbed bed, TestbedServer server) =>
            For(server.Address, server.Port, bed.User, bed.PrivateKey, bed.KnownHosts);
    }
}
