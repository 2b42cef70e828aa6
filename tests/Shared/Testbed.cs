using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace SshKeepAlive.Testing
{
    /// <summary>One sshd of a testbed run: a container of a Debian release, in its own network namespace behind the firewall.</summary>
    public sealed class TestbedServer
    {
        internal TestbedServer(int index, IReadOnlyDictionary<string, string> facts)
        {
            string Fact(string name) => facts[$"SERVER_{index}_{name}"];
            Index = index;
            Address = Fact("ADDRESS");
            Port = int.Parse(Fact("PORT"));
            Namespace = Fact("NETNS");
            SshdConfig = Fact("SSHD_CONFIG");
            SshdLog = Fact("SSHD_LOG");
            PidFile = Fact("PID_FILE");
            HostKeyFile = Fact("HOST_KEY");
            Container = Fact("CONTAINER");
            Suite = Fact("SUITE");
            OpenSshVersion = Fact("OPENSSH_VERSION");
            Sshd = Fact("SSHD");
        }

        public int Index { get; }

        public string Address { get; }

        public int Port { get; }

        /// <summary>The server's network namespace (for <c>ip netns exec</c>).</summary>
        public string Namespace { get; }

        /// <summary>The config sshd runs with; tests may edit it and then call <see cref="Testbed.Reload"/>.</summary>
        public string SshdConfig { get; }

        /// <summary>sshd's log at LogLevel VERBOSE.</summary>
        public string SshdLog { get; }

        public string PidFile { get; }

        /// <summary>The public half of the server's ed25519 host key.</summary>
        public string HostKeyFile { get; }

        /// <summary>The podman container the server runs in (named like its network namespace).</summary>
        public string Container { get; }

        /// <summary>The Debian release of the container's image: bookworm, trixie, bullseye.</summary>
        public string Suite { get; }

        /// <summary>The OpenSSH version in the container, as ssh -V prints it: "9.2p1".</summary>
        public string OpenSshVersion { get; }

        /// <summary>A program that runs the container's own sshd on this machine's paths (for sshd -t, -T).</summary>
        public string Sshd { get; }

        public string ReadLog() => File.ReadAllText(SshdLog);
    }

    /// <summary>
    /// A run of tests/testbed/testbed: real sshd servers in network namespaces, reached from this process
    /// through a firewall namespace whose conntrack forgets idle flows after <see cref="IdleTimeoutSeconds"/>
    /// and then drops their packets, as NATs and load balancers do. Disposing tears everything down.
    /// </summary>
    public sealed class Testbed : IDisposable
    {
        /// <summary>Set to 1 (CI does) to make testbed tests fail instead of skipping where the testbed cannot run.</summary>
        public const string RequireVariable = "SSHKA_REQUIRE_TESTBED";

        private static readonly TimeSpan CommandDeadline = TimeSpan.FromSeconds(60);

        // Starting servers may first build their image (about 30 s a release, after other runs' builds).
        private static readonly TimeSpan StartDeadline = TimeSpan.FromMinutes(10);
        private List<TestbedServer> servers;
        private bool disposed;

        private Testbed(IReadOnlyDictionary<string, string> facts)
        {
            RunId = facts["RUN_ID"];
            StateDirectory = facts["STATE_DIR"];
            FirewallNamespace = facts["FIREWALL_NETNS"];
            ClientAddress = facts["CLIENT_ADDRESS"];
            User = facts["USER"];
            Password = facts["PASSWORD"];
            PrivateKey = facts["PRIVATE_KEY"];
            RsaPrivateKey = facts["RSA_PRIVATE_KEY"];
            KnownHosts = facts["KNOWN_HOSTS"];
            IdleTimeoutSeconds = int.Parse(facts["IDLE_TIMEOUT"]);
            servers = ServersOf(facts);
        }

        /// <summary>Why testbed tests cannot run here, or null when they can (or must: <see cref="RequireVariable"/>).</summary>
        public static string? SkipReason { get; } = FindSkipReason();

        public static string Script => Path.Combine(RepoPaths.Root, "tests", "testbed", "testbed");

        /// <summary>The Debian releases with server images, one OpenSSH version each: bullseye 8.4p1, bookworm 9.2p1, trixie 10.0p2.</summary>
        public static IReadOnlyList<string> Suites { get; } = new[] { "bullseye", "bookworm", "trixie" };

        public string RunId { get; }

        public string StateDirectory { get; }

        public string FirewallNamespace { get; }

        /// <summary>This (root) namespace's address on the path to the servers.</summary>
        public string ClientAddress { get; }

        /// <summary>The test account on every server; it accepts <see cref="PrivateKey"/>, <see cref="RsaPrivateKey"/> and <see cref="Password"/>.</summary>
        public string User { get; }

        public string Password { get; }

        /// <summary>An unencrypted OpenSSH ed25519 private key the servers accept.</summary>
        public string PrivateKey { get; }

        public string RsaPrivateKey { get; }

        /// <summary>A known_hosts file with every server's host key.</summary>
        public string KnownHosts { get; }

        public int IdleTimeoutSeconds { get; private set; }

        public IReadOnlyList<TestbedServer> Servers => servers;

        public TestbedServer Server => servers[0];

        /// <summary>The Debian release whose OpenSSH the servers run unless a test names another.</summary>
        public const string DefaultSuite = "bookworm";

        /// <summary>Starts a run; throws with the script's own words when it cannot.</summary>
        public static Testbed Start(int idleTimeoutSeconds = 300, int servers = 1, string suite = DefaultSuite) =>
            new Testbed(ParseFacts(Invoke(
                StartDeadline, "up", "--idle-timeout", idleTimeoutSeconds.ToString(), "--servers", servers.ToString(), "--suite", suite, "--owner", Environment.ProcessId.ToString())));

        /// <summary>Drops every packet both ways, as a dead link does; established flows stop being refreshed.</summary>
        public void Cut() => Invoke("cut", RunId);

        /// <summary>Drops every packet to and from one server only (a dead link behind the firewall).</summary>
        public void Cut(TestbedServer server) => Invoke("cut", RunId, server.Index.ToString());

        public void Restore() => Invoke("restore", RunId);

        /// <summary>Lets <paramref name="bastion"/> reach <paramref name="target"/>'s sshd, as a jump host reaches the hosts behind it.</summary>
        public void Link(TestbedServer bastion, TestbedServer target) => Invoke("link", RunId, bastion.Index.ToString(), target.Index.ToString());

        /// <summary>Nothing passes between this process and <paramref name="server"/> any more: only a linked bastion reaches it.</summary>
        public void Isolate(TestbedServer server) => Invoke("isolate", RunId, server.Index.ToString());

        public void SetIdleTimeout(int seconds)
        {
            Invoke("idle-timeout", RunId, seconds.ToString());
            IdleTimeoutSeconds = seconds;
        }

        /// <summary>Adds delay and loss each way; false (with the reason) when the kernel has no netem.</summary>
        public bool TrySetNetem(int delayMilliseconds, double lossPercent, out string unsupportedReason)
        {
            ProcessOutcome outcome = ProcessRunner.Run(CommandDeadline, Script, "netem", RunId, delayMilliseconds.ToString(), lossPercent.ToString(System.Globalization.CultureInfo.InvariantCulture));
            unsupportedReason = outcome.Error.Trim();
            if (outcome.ExitCode == 3)
            {
                return false;
            }

            Check(outcome, "netem");
            return true;
        }

        /// <summary>Checks sshd <paramref name="server"/>'s config with sshd -t, then SIGHUPs it and waits until it listens again.</summary>
        public void Reload(int server = 1) => Invoke("reload", RunId, server.ToString());

        /// <summary>Starts more servers, each a container with its own sshd; returns the new ones.</summary>
        public IReadOnlyList<TestbedServer> AddServers(int count, string suite = DefaultSuite)
        {
            int before = servers.Count;
            servers = ServersOf(ParseFacts(Invoke(StartDeadline, "add-servers", RunId, count.ToString(), "--suite", suite)));
            return servers.Skip(before).ToList();
        }

        /// <summary>Runs a command as root inside a server's container (its files, users and network).</summary>
        public ProcessOutcome Exec(TestbedServer server, params string[] command) =>
            ProcessRunner.Run(CommandDeadline, Script, new[] { "exec", RunId, server.Index.ToString(), "--" }.Concat(command).ToArray());

        /// <summary>The processes in a server's namespace (the listening sshd and one per session).</summary>
        public IReadOnlyList<(int Pid, string CommandLine)> Processes(int server = 1) =>
            Invoke("procs", RunId, server.ToString())
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(' ', 2))
                .Select(parts => (int.Parse(parts[0]), parts.Length > 1 ? parts[1] : string.Empty))
                .ToList();

        /// <summary>
        /// Arguments for OpenSSH's <c>ssh</c> to reach a server with the test key, checking its host key, with no
        /// user or system config; <paramref name="options"/> (<c>-o</c> values) come first, so they win.
        /// </summary>
        public string[] SshArguments(TestbedServer server, IEnumerable<string> options, params string[] command)
        {
            var arguments = new List<string>();
            foreach (string option in options)
            {
                arguments.Add("-o");
                arguments.Add(option);
            }

            arguments.AddRange(new[]
            {
                "-F", "/dev/null", "-i", PrivateKey, "-p", server.Port.ToString(),
                "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
                "-o", "UserKnownHostsFile=" + KnownHosts, "-o", "ConnectTimeout=10",
                User + "@" + server.Address,
            });
            arguments.AddRange(command);
            return arguments.ToArray();
        }

        public void Dispose()
        {
            if (!disposed)
            {
                disposed = true;
                Invoke("down", RunId);
            }
        }

        private static string Invoke(params string[] arguments) => Invoke(CommandDeadline, arguments);

        internal static string Invoke(TimeSpan deadline, params string[] arguments)
        {
            ProcessOutcome outcome = ProcessRunner.Run(deadline, Script, arguments);
            Check(outcome, arguments[0]);
            return outcome.Output;
        }

        internal static void Check(ProcessOutcome outcome, string command)
        {
            if (outcome.TimedOut || outcome.ExitCode != 0)
            {
                throw new InvalidOperationException($"testbed {command} failed (exit {outcome.ExitCode}{(outcome.TimedOut ? ", timed out" : string.Empty)}): {outcome.Error.Trim()}");
            }
        }

        internal static Dictionary<string, string> ParseFacts(string output) =>
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split('=', 2))
                .Where(parts => parts.Length == 2)
                .ToDictionary(parts => parts[0], parts => parts[1]);

        private static List<TestbedServer> ServersOf(IReadOnlyDictionary<string, string> facts) =>
            Enumerable.Range(1, int.Parse(facts["SERVER_COUNT"])).Select(k => new TestbedServer(k, facts)).ToList();

        private static string? FindSkipReason()
        {
            if (Environment.GetEnvironmentVariable(RequireVariable) == "1")
            {
                return null;
            }

            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                return "The sshd testbed needs Linux network namespaces.";
            }

            if (geteuid() != 0)
            {
                return "The sshd testbed needs root (network namespaces, nftables, sshd): run the tests as root, e.g. sudo tests/run.";
            }

            return new[] { "/usr/sbin/nft", "/usr/bin/podman", "/usr/bin/mmdebstrap", "/usr/bin/ssh-keygen" }.All(File.Exists)
                ? null
                : "nftables, podman, mmdebstrap or openssh-client is missing: run tests/testbed/install-packages as root.";
        }

        [DllImport("libc")]
        private static extern uint geteuid();
    }
}
