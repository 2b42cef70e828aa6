using System;
using System.Collections.Concurrent;
using System.Collections.Generic;

namespace SshKeepAlive.Testing
{
    /// <summary>
    /// OpenSSH's own programs of one Debian release (testbed tools up): ssh, sshd and ssh-keygen run inside a
    /// container of that release on this machine's files (its temp folder is shared at the same path), the
    /// oracles for that OpenSSH version. One container per release and test process, removed at exit (or as a
    /// stale run once this process is gone).
    /// </summary>
    public sealed class TestbedTools
    {
        private static readonly TimeSpan StartDeadline = TimeSpan.FromMinutes(10);
        private static readonly ConcurrentDictionary<string, Lazy<TestbedTools>> Started = new ConcurrentDictionary<string, Lazy<TestbedTools>>();

        private TestbedTools(IReadOnlyDictionary<string, string> facts)
        {
            Id = facts["TOOLS_ID"];
            Suite = facts["SUITE"];
            OpenSshVersion = facts["OPENSSH_VERSION"];
            Ssh = facts["SSH"];
            Sshd = facts["SSHD"];
            SshKeygen = facts["SSH_KEYGEN"];
            Root = facts["ROOT"];
            ContainerPid = int.Parse(facts["CONTAINER_PID"]);
        }

        public string Id { get; }

        /// <summary>The Debian release: bullseye, bookworm, trixie.</summary>
        public string Suite { get; }

        /// <summary>As ssh -V prints it: "10.0p2".</summary>
        public string OpenSshVersion { get; }

        /// <summary>Programs to run like /usr/bin/ssh, /usr/sbin/sshd, /usr/bin/ssh-keygen, but the container's.</summary>
        public string Ssh { get; }

        public string Sshd { get; }

        public string SshKeygen { get; }

        /// <summary>The container's root folder as this machine sees it (its /etc/passwd is Root + "/etc/passwd").</summary>
        public string Root { get; }

        /// <summary>The container's main process, whose mount namespace (nsenter --target) is the container's files.</summary>
        public int ContainerPid { get; }

        /// <summary>The releases' tools as xunit theory data: one row per suite in <see cref="Testbed.Suites"/>.</summary>
        public static IEnumerable<object[]> SuiteRows() => System.Linq.Enumerable.Select(Testbed.Suites, s => new object[] { s });

        /// <summary>The tools of <paramref name="suite"/>, started on first use (building the image if it was never built here).</summary>
        public static TestbedTools For(string suite) =>
            Started.GetOrAdd(suite, s => new Lazy<TestbedTools>(() => Start(s))).Value;

        private static TestbedTools Start(string suite)
        {
            var tools = new TestbedTools(Testbed.ParseFacts(Testbed.Invoke(StartDeadline, "tools", "up", "--suite", suite, "--owner", Environment.ProcessId.ToString())));
            AppDomain.CurrentDomain.ProcessExit += (_, _) => ProcessRunner.Run(TimeSpan.FromSeconds(60), Testbed.Script, "tools", "down", tools.Id);
            return tools;
        }
    }
}
