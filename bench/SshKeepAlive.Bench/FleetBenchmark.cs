using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using SshKeepAlive.Testing;

namespace SshKeepAlive.Bench
{
    /// <summary>
    /// One fleet-wide Set-SshKeepAlive -Scope Server over many sshd containers of the testbed, in a real pwsh with the
    /// built module: at -ThrottleLimit 16 against -ThrottleLimit 1, and against Ansible (Debian's ansible package,
    /// installed here when missing: lineinfile with validate: sshd -t -f %s and a reload handler, forks 16) on the same
    /// containers in the same run. Every run changes every host (a new interval each time). Reports the containers'
    /// count and memory and the peak memory of the pwsh process.
    /// </summary>
    internal sealed class FleetBenchmark : IBenchmark
    {
        // 50 unless SSHKA_BENCH_FLEET_SERVERS says otherwise (a quick look at the harness).
        private static readonly int Servers = int.TryParse(Environment.GetEnvironmentVariable("SSHKA_BENCH_FLEET_SERVERS"), out int servers) ? servers : 50;
        private const int Throttle = 16;

        // Ansible runs Python modules on the hosts: a variant of the server image with python3 (the module needs nothing).
        private const string ExtraPackages = "python3";

        private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(20);

        private const string PwshScript = @"param($HostsFile, $Key, $KnownHosts, $Interval, $Throttle, $Module)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$hosts = Get-Content -LiteralPath $HostsFile
$clock = [Diagnostics.Stopwatch]::StartNew()
$results = Set-SshKeepAlive -Scope Server -Interval $Interval -ComputerName $hosts -ThrottleLimit $Throttle -KeyFile $Key -KnownHostsFile $KnownHosts -StrictHostKeyChecking Yes -ConnectTimeout 60 -ErrorAction SilentlyContinue
$seconds = $clock.Elapsed.TotalSeconds
$peak = (((Get-Content /proc/self/status) -match '^VmHWM:') -split '\s+')[1]
$stat = (Get-Content -Raw /proc/self/stat).Split(')')[-1].Trim().Split(' ')
$cpu = ([long] $stat[11] + [long] $stat[12]) / 100
[pscustomobject]@{ Seconds = $seconds; PeakKiB = [long] $peak; CpuSeconds = $cpu; Changed = @($results | Where-Object Changed).Count; Verified = @($results | Where-Object Verified).Count; Errors = @($results | Where-Object Error | ForEach-Object Error) } | ConvertTo-Json -Compress
";

        private const string Playbook = @"- hosts: fleet
  gather_facts: false
  become: true
  tasks:
    - name: ClientAliveInterval
      ansible.builtin.lineinfile:
        path: '{{ sshd_config }}'
        regexp: '^ClientAliveInterval\s'
        line: 'ClientAliveInterval {{ interval }}'
        insertbefore: '^Match '
        validate: '/usr/sbin/sshd -t -f %s'
      notify: reload sshd
  handlers:
    - name: reload sshd
      ansible.builtin.shell: 'kill -HUP ""$(cat {{ sshd_pidfile }})""'
";

        public string Name => "fleet";

        public string Description => $"one fleet-wide Set-SshKeepAlive on {Servers} sshd containers: -ThrottleLimit {Throttle} vs 1, vs Ansible (lineinfile + validate + reload handler); pwsh peak memory (testbed, root)";

        public IEnumerable<Measurement> Run()
        {
            if (Testbed.SkipReason != null)
            {
                throw new InvalidOperationException(Testbed.SkipReason);
            }

            EnsureAnsible();
            string module = BuiltModule();
            Environment.SetEnvironmentVariable("TESTBED_EXTRA_PACKAGES", ExtraPackages);
            Testbed.Invoke(Deadline, "image", Testbed.DefaultSuite); // built once, before the memory is measured
            string loadBefore = File.ReadAllText("/proc/loadavg").Split(' ')[0]; // other work sharing the cores skews every row
            long availableBefore = MemAvailableKiB();
            var started = Stopwatch.StartNew();
            using Testbed bed = Testbed.Start(servers: Servers);
            TimeSpan startup = started.Elapsed;
            long containersKiB = availableBefore - MemAvailableKiB();
            foreach (TestbedServer server in bed.Servers)
            {
                Testbed.Check(bed.Exec(server, "sh", "-c", $"echo '{bed.User} ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/sshka && chmod 0440 /etc/sudoers.d/sshka"), "exec");
            }

            var servers = new ServersCpu(bed.Servers.Select(s => s.Container));

            string folder = Path.Combine(Path.GetTempPath(), "sshka-bench-fleet-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(folder);
            try
            {
                File.WriteAllLines(Path.Combine(folder, "hosts.txt"), bed.Servers.Select(s => bed.User + "@" + s.Address));
                File.WriteAllText(Path.Combine(folder, "set.ps1"), PwshScript);
                PwshRun parallel = RunPwsh(bed, servers, folder, module, 101, Throttle);
                PwshRun sequential = RunPwsh(bed, servers, folder, module, 102, 1);
                double ansibleServersBefore = servers.Seconds();
                double ansible = RunAnsible(bed, folder, 103);
                double ansibleServers = servers.Seconds() - ansibleServersBefore;

                // The work of the parallel run (its pwsh and every sshd, sudo and shell on the servers) shares this
                // machine's cores: it cannot take less than that CPU time over the cores, whatever the throttle.
                double floor = (parallel.CpuSeconds + parallel.ServersCpuSeconds) / Environment.ProcessorCount;

                string fleet = $"{Servers} bookworm containers (+{ExtraPackages} for Ansible), {containersKiB / 1024} MiB of memory, started in {startup.TotalSeconds:F0} s; {Environment.ProcessorCount} cores, load average {loadBefore} before";
                yield return new Measurement(
                    $"fleet-wide Set, -ThrottleLimit {Throttle} vs 1 ({Servers} hosts)", parallel.CommandSeconds, sequential.CommandSeconds, "s", 8,
                    $"the command alone in one pwsh each; every host changed and confirmed by a new login's sshd -T; CPU of pwsh {parallel.CpuSeconds:F1} s vs {sequential.CpuSeconds:F1} s and of the servers {parallel.ServersCpuSeconds:F1} s vs {sequential.ServersCpuSeconds:F1} s, so the parallel run needs at least {floor:F1} s on {Environment.ProcessorCount} cores (at most {sequential.CommandSeconds / floor:F1}x the sequential run here); cores busy {parallel.MachineBusy:P0} vs {sequential.MachineBusy:P0} (other work on the machine included); {fleet}");
                yield return new Measurement(
                    $"fleet-wide Set vs Ansible ({Servers} hosts)", parallel.ProcessSeconds, ansible, "s", 1,
                    $"whole processes: pwsh (start, import, Set at -ThrottleLimit {Throttle}: {parallel.CommandSeconds:F1} s) vs ansible-playbook (forks {Throttle}, pipelining; lineinfile validate sshd -t -f %s, HUP handler; no check after); servers' CPU {parallel.ServersCpuSeconds:F1} s vs {ansibleServers:F1} s; {fleet}");
                yield return new Measurement(
                    $"peak memory of the pwsh process, -ThrottleLimit {Throttle} vs 1", parallel.PeakMiB, sequential.PeakMiB, "MiB", 0.5,
                    $"VmHWM of the pwsh running the Set ({sequential.PeakMiB:F0} MiB at -ThrottleLimit 1); target: at most twice the sequential run's");
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        private static PwshRun RunPwsh(Testbed bed, ServersCpu servers, string folder, string module, int interval, int throttle)
        {
            (long Busy, long All) cpuBefore = MachineCpu();
            double serversBefore = servers.Seconds();
            var clock = Stopwatch.StartNew();
            ProcessOutcome run = ProcessRunner.RunIn(
                Deadline,
                RepoPaths.Root,
                null,
                "dotnet",
                "pwsh", "-NoProfile", "-NonInteractive", "-File", Path.Combine(folder, "set.ps1"),
                "-HostsFile", Path.Combine(folder, "hosts.txt"), "-Key", bed.PrivateKey, "-KnownHosts", bed.KnownHosts,
                "-Interval", interval.ToString(CultureInfo.InvariantCulture), "-Throttle", throttle.ToString(CultureInfo.InvariantCulture), "-Module", module);
            double process = clock.Elapsed.TotalSeconds;
            (long Busy, long All) cpuAfter = MachineCpu();
            double serversCpu = servers.Seconds() - serversBefore;
            if (run.TimedOut || run.ExitCode != 0)
            {
                throw new InvalidOperationException($"pwsh failed (exit {run.ExitCode}): {run.Error}");
            }

            using JsonDocument json = JsonDocument.Parse(run.Output.Trim().Split('\n').Last());
            JsonElement root = json.RootElement;
            int verified = root.GetProperty("Verified").GetInt32();
            if (verified != bed.Servers.Count || root.GetProperty("Changed").GetInt32() != bed.Servers.Count)
            {
                throw new InvalidOperationException($"-ThrottleLimit {throttle}: {verified} of {bed.Servers.Count} hosts changed and confirmed: {root.GetProperty("Errors")}");
            }

            double busy = (double)(cpuAfter.Busy - cpuBefore.Busy) / (cpuAfter.All - cpuBefore.All);
            return new PwshRun(root.GetProperty("Seconds").GetDouble(), process, root.GetProperty("PeakKiB").GetInt64() / 1024.0, root.GetProperty("CpuSeconds").GetDouble(), serversCpu, busy);
        }

        // Jiffies the machine's cores were busy, and all of them, from /proc/stat's first line.
        private static (long Busy, long All) MachineCpu()
        {
            long[] fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
            long all = fields.Take(8).Sum();
            return (all - fields[3] - fields[4], all);
        }

        private static double RunAnsible(Testbed bed, string folder, int interval)
        {
            File.WriteAllText(Path.Combine(folder, "playbook.yml"), Playbook);
            File.WriteAllLines(Path.Combine(folder, "inventory.ini"), new[] { "[fleet]" }
                .Concat(bed.Servers.Select(s => $"s{s.Index} ansible_host={s.Address} sshd_config={s.SshdConfig} sshd_pidfile={s.PidFile}"))
                .Concat(new[]
                {
                    "[fleet:vars]",
                    $"ansible_user={bed.User}",
                    $"ansible_ssh_private_key_file={bed.PrivateKey}",
                    "ansible_python_interpreter=/usr/bin/python3",
                    $"interval={interval}",
                }));
            File.WriteAllText(Path.Combine(folder, "ansible.cfg"), string.Join("\n", new[]
            {
                "[defaults]",
                $"forks = {Throttle}",
                "host_key_checking = True",
                "inventory = inventory.ini",
                $"local_tmp = {folder}/ansible-tmp",
                "[ssh_connection]",
                "pipelining = True",
                $"ssh_args = -o ControlMaster=auto -o ControlPersist=60s -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile={bed.KnownHosts}",
                $"control_path_dir = {folder}/cp",
            }) + "\n");
            var clock = Stopwatch.StartNew();
            ProcessOutcome run = ProcessRunner.RunIn(Deadline, folder, new Dictionary<string, string> { ["ANSIBLE_CONFIG"] = Path.Combine(folder, "ansible.cfg") }, "ansible-playbook", "playbook.yml");
            double seconds = clock.Elapsed.TotalSeconds;
            if (run.TimedOut || run.ExitCode != 0)
            {
                throw new InvalidOperationException($"ansible-playbook failed (exit {run.ExitCode}): {run.Output}{run.Error}");
            }

            foreach (TestbedServer server in bed.Servers)
            {
                if (!File.ReadAllLines(server.SshdConfig).Contains($"ClientAliveInterval {interval}"))
                {
                    throw new InvalidOperationException($"Ansible did not change {server.SshdConfig}");
                }
            }

            return seconds;
        }

        // The benchmark's own setup: Debian's ansible package, as the issue names it (never on the test path).
        private static void EnsureAnsible()
        {
            if (ProcessRunner.Run(TimeSpan.FromSeconds(30), "sh", "-c", "command -v ansible-playbook").ExitCode == 0)
            {
                return;
            }

            ProcessOutcome install = ProcessRunner.Run(Deadline, "apt-get", "install", "-y", "--no-install-recommends", "ansible");
            if (install.ExitCode != 0)
            {
                throw new InvalidOperationException("apt-get install ansible failed: " + install.Error);
            }
        }

        // The module as build.ps1 lays it out; built (Release) when it is not there yet.
        private static string BuiltModule()
        {
            string version = File.ReadAllLines(Path.Combine(RepoPaths.Root, "SshKeepAlive.psd1"))
                .Select(l => l.Trim()).First(l => l.StartsWith("ModuleVersion", StringComparison.Ordinal)).Split('\'')[1];
            string manifest = Path.Combine(RepoPaths.Root, "out", "SshKeepAlive", version, "SshKeepAlive.psd1");
            if (!File.Exists(manifest))
            {
                ProcessOutcome build = ProcessRunner.Run(Deadline, "dotnet", "build", Path.Combine(RepoPaths.Root, "src", "SshKeepAlive", "SshKeepAlive.csproj"), "-c", "Release");
                if (build.ExitCode != 0)
                {
                    throw new InvalidOperationException("building the module failed: " + build.Output);
                }
            }

            return manifest;
        }

        private static long MemAvailableKiB() =>
            long.Parse(File.ReadAllLines("/proc/meminfo").First(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

        /// <summary>The CPU time of the servers' containers, from their cgroups (cgroup v1 cpuacct, or v2 cpu.stat).</summary>
        private sealed class ServersCpu
        {
            private const string CgroupRoot = "/sys/fs/cgroup";
            private readonly IReadOnlyList<string> counters;

            public ServersCpu(IEnumerable<string> containers)
            {
                var ids = new HashSet<string>(IdsOf(containers), StringComparer.Ordinal);
                var folders = Directory.EnumerateDirectories(CgroupRoot, "libpod-*", SearchOption.AllDirectories)
                    .Where(d => ids.Contains(Path.GetFileName(d).Substring("libpod-".Length).Replace(".scope", string.Empty)))
                    .ToList();

                // Each container has a folder in every hierarchy; only the cpuacct one (v1), or the unified one (v2), counts CPU time.
                counters = folders.Select(d => Path.Combine(d, "cpuacct.usage")).Where(File.Exists).ToList();
                if (counters.Count == 0)
                {
                    counters = folders.Select(d => Path.Combine(d, "cpu.stat")).Where(f => File.Exists(f) && File.ReadLines(f).Any(l => l.StartsWith("usage_usec ", StringComparison.Ordinal))).ToList();
                }

                if (counters.Count != ids.Count)
                {
                    throw new InvalidOperationException($"found the CPU counters of {counters.Count} of the {ids.Count} server containers under {CgroupRoot}");
                }
            }

            /// <summary>Seconds of CPU all of them have used so far.</summary>
            public double Seconds() => counters.Sum(Read);

            // cpuacct.usage counts nanoseconds; cpu.stat's usage_usec microseconds.
            private static double Read(string counter) =>
                counter.EndsWith("cpuacct.usage", StringComparison.Ordinal)
                    ? long.Parse(File.ReadAllText(counter).Trim(), CultureInfo.InvariantCulture) / 1e9
                    : long.Parse(File.ReadLines(counter).First(l => l.StartsWith("usage_usec ", StringComparison.Ordinal)).Substring(11), CultureInfo.InvariantCulture) / 1e6;

            private static IEnumerable<string> IdsOf(IEnumerable<string> containers)
            {
                ProcessOutcome inspect = ProcessRunner.RunIn(
                    TimeSpan.FromSeconds(60), null, new Dictionary<string, string> { ["CONTAINERS_CONF"] = Path.Combine(RepoPaths.Root, "tests", "testbed", "containers.conf") },
                    "podman", new[] { "inspect", "--format", "{{.Id}}" }.Concat(containers).ToArray());
                if (inspect.ExitCode != 0)
                {
                    throw new InvalidOperationException("podman inspect of the server containers failed: " + inspect.Error);
                }

                return inspect.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(id => id.Trim());
            }
        }

        private sealed class PwshRun
        {
            public PwshRun(double commandSeconds, double processSeconds, double peakMiB, double cpuSeconds, double serversCpuSeconds, double machineBusy)
            {
                CommandSeconds = commandSeconds;
                ProcessSeconds = processSeconds;
                PeakMiB = peakMiB;
                CpuSeconds = cpuSeconds;
                ServersCpuSeconds = serversCpuSeconds;
                MachineBusy = machineBusy;
            }

            /// <summary>CPU time of the pwsh process, start to end.</summary>
            public double CpuSeconds { get; }

            /// <summary>CPU time the servers' containers used meanwhile (sshd, its logins, sudo, shells, sshd -t and -T).</summary>
            public double ServersCpuSeconds { get; }

            /// <summary>How busy the machine's cores were while it ran (0 to 1), whoever kept them busy.</summary>
            public double MachineBusy { get; }

            public double CommandSeconds { get; }

            public double ProcessSeconds { get; }

            public double PeakMiB { get; }
        }
    }
}
