using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Renci.SshNet;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Sessions;
using SshKeepAlive.Core.Ssh;
using SshKeepAlive.Testing;
using static SshKeepAlive.Bench.BenchSessions;

namespace SshKeepAlive.Bench
{
    /// <summary>
    /// Our persistent session against OpenSSH on the testbed, the two side by side on two servers behind the
    /// same firewall, so one cut hits both at the same instant: how fast a dead path is noticed (vs ssh with
    /// the same ServerAlive settings), how fast the session is usable again after the path returns (vs
    /// autossh -M 0), and how many bytes keepalives cost (vs ssh).
    /// </summary>
    internal sealed class SessionBenchmark : IBenchmark
    {
        // Detection time depends on where in the keepalive interval the cut falls, so it gets more trials.
        private const int DetectionTrials = 15;

        // Both clients' keepalive timers started when they connected; cutting a random fraction of an interval
        // later makes where in the interval the cut falls the same draw for both, not an artefact of start order.
        private static readonly Random CutPhase = new Random(20261125);
        private const int KeepAliveInterval = 1;
        private const int KeepAliveCountMax = 3;
        private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(30);

        // Recovery: cuts of these lengths, that many times each; the target is at most a second after the path returns.
        private static readonly (TimeSpan Cut, int Trials)[] Cuts =
        {
            (TimeSpan.FromSeconds(10), 5), (TimeSpan.FromSeconds(60), 3), (TimeSpan.FromSeconds(300), 1),
        };

        private const double UsableWithin = 1;

        // Our sessions' default ConnectTimeout, given to ssh as well: an attempt begun during the cut may hang that long.
        private static readonly TimeSpan DetectionConnectTimeout = TimeSpan.FromSeconds(2);

        private static readonly TimeSpan RecoveryConnectTimeout = TimeSpan.FromSeconds(30);

        // autossh backs off after failed restarts; how long to wait for it after a long cut.
        private static readonly TimeSpan RecoveryDeadline = TimeSpan.FromMinutes(10);

        public string Name => "sessions";

        public string Description => "dead-path detection vs ssh, restore-to-usable vs autossh -M 0, keepalive bytes vs ssh (testbed, root)";

        private static string[] KeepAliveOptions(TimeSpan connectTimeout) => new[]
        {
            $"ServerAliveInterval={KeepAliveInterval}", $"ServerAliveCountMax={KeepAliveCountMax}", $"ConnectTimeout={connectTimeout.TotalSeconds:0}",
        };

        public IEnumerable<Measurement> Run()
        {
            if (Testbed.SkipReason != null)
            {
                throw new InvalidOperationException(Testbed.SkipReason);
            }

            using var bed = Testbed.Start(servers: 2);
            var detection = new List<(double Ours, double OpenSsh)>();
            for (int trial = 0; trial < DetectionTrials; trial++)
            {
                detection.Add(MeasureDetection(bed));
            }

            string settings = $"ServerAliveInterval {KeepAliveInterval}, CountMax {KeepAliveCountMax}";
            yield return new Measurement("time to notice a dead path", Median(detection.Select(d => d.Ours)), Median(detection.Select(d => d.OpenSsh)), "s", 1,
                $"median of {DetectionTrials}; OpenSSH ssh, {settings}; same cut");
            foreach ((TimeSpan cut, int trials) in Cuts)
            {
                var recovery = new List<(double Ours, double Autossh)>();
                for (int trial = 0; trial < trials; trial++)
                {
                    recovery.Add(MeasureRecovery(bed, cut));
                }

                yield return new Measurement($"path restored to session usable, {cut.TotalSeconds:0} s cut", Median(recovery.Select(r => r.Ours)), Median(recovery.Select(r => r.Autossh)), "s", 1,
                    $"median of {trials}; until a command's output arrives; AUTOSSH_GATETIME=0 autossh -M 0 with {settings}, ConnectTimeout {RecoveryConnectTimeout.TotalSeconds:0}; ours the same, ReconnectPolicy.Default; " +
                    $"ours {string.Join("/", recovery.Select(r => r.Ours.ToString("0.00", CultureInfo.InvariantCulture)))}, autossh {string.Join("/", recovery.Select(r => r.Autossh.ToString("0.00", CultureInfo.InvariantCulture)))}",
                    UsableWithin);
            }

            (double ourBytes, double sshBytes) = MeasureKeepAliveBytes(bed);
            yield return new Measurement("keepalive traffic", ourBytes, sshBytes, "bytes/min", 1,
                $"both directions at the server, idle {IdleWindow.TotalSeconds:0} s; {settings}");
        }

        private static (double Ours, double OpenSsh) MeasureDetection(Testbed bed)
        {
            var sinceCut = new Stopwatch();
            var ours = new Mark(sinceCut);
            var openSsh = new Mark(sinceCut);
            using PersistentSshSession session = Connect(bed, bed.Servers[0], ReconnectPolicy.Never, DetectionConnectTimeout);
            session.StateChanged += (_, e) =>
            {
                if (e.Kind == SessionEventKind.Disconnected)
                {
                    ours.Set();
                }
            };
            using Process ssh = StartOpenSsh("ssh", bed, bed.Servers[1], DetectionConnectTimeout, "echo connected; sleep 600");
            WaitForLine(ssh, "connected");
            ssh.EnableRaisingEvents = true;
            ssh.Exited += (_, _) => openSsh.Set();
            Thread.Sleep(CutPhase.Next(KeepAliveInterval * 1000));

            bed.Cut();
            sinceCut.Start();
            try
            {
                return (ours.Wait("our session noticing the dead path"), openSsh.Wait("ssh noticing the dead path"));
            }
            finally
            {
                bed.Restore();
                Stop(ssh);
            }
        }

        // Usable means a command's output arrives: ours runs one as soon as it has reconnected, autossh's restarted ssh
        // prints one line.
        private static (double Ours, double Autossh) MeasureRecovery(Testbed bed, TimeSpan cut)
        {
            var sinceRestore = new Stopwatch();
            var ours = new Mark(sinceRestore);
            var autosshBack = new Mark(sinceRestore);
            using PersistentSshSession session = Connect(bed, bed.Servers[0], ReconnectPolicy.Default, RecoveryConnectTimeout);
            session.StateChanged += (_, e) =>
            {
                if (e.Kind == SessionEventKind.Reconnected)
                {
                    _ = Task.Run(async () =>
                    {
                        await session.RunCommandAsync("echo connected", RecoveryDeadline, CancellationToken.None).ConfigureAwait(false);
                        ours.Set();
                    });
                }
            };
            using Process autossh = StartOpenSsh("autossh", bed, bed.Servers[1], RecoveryConnectTimeout, "echo connected; sleep 600", "-M", "0");
            WaitForLine(autossh, "connected");
            _ = Task.Run(() =>
            {
                WaitForLine(autossh, "connected", RecoveryDeadline + cut);
                autosshBack.Set();
            });

            bed.Cut();
            Thread.Sleep(cut);
            bed.Restore();
            sinceRestore.Start();
            try
            {
                return (ours.Wait("our session reconnecting", RecoveryDeadline), autosshBack.Wait("autossh reconnecting", RecoveryDeadline));
            }
            finally
            {
                Stop(autossh);
            }
        }

        private static (double Ours, double OpenSsh) MeasureKeepAliveBytes(Testbed bed)
        {
            using PersistentSshSession session = Connect(bed, bed.Servers[0], ReconnectPolicy.Never, DetectionConnectTimeout);
            using Process ssh = StartOpenSsh("ssh", bed, bed.Servers[1], DetectionConnectTimeout, "echo connected; sleep 600");
            WaitForLine(ssh, "connected");
            Thread.Sleep(TimeSpan.FromSeconds(2));
            long ours = InterfaceBytes(bed.Servers[0]);
            long openSsh = InterfaceBytes(bed.Servers[1]);
            Thread.Sleep(IdleWindow);
            double perMinute = 60 / IdleWindow.TotalSeconds;
            try
            {
                return ((InterfaceBytes(bed.Servers[0]) - ours) * perMinute, (InterfaceBytes(bed.Servers[1]) - openSsh) * perMinute);
            }
            finally
            {
                Stop(ssh);
            }
        }

        private static PersistentSshSession Connect(Testbed bed, TestbedServer server, ReconnectPolicy policy, TimeSpan connectTimeout)
        {
            var target = new SshTarget(server.Address, bed.User, server.Port);
            var connector = new SshConnector(target, server.Address, server.Port, bed.User, connectTimeout,
                () => new AuthenticationMethod[] { new PrivateKeyAuthenticationMethod(bed.User, new PrivateKeyFile(bed.PrivateKey)) },
                new HostKeyVerifier(bed.KnownHosts, Array.Empty<string>(), StrictHostKeyChecking.Yes));
            var session = new PersistentSshSession(connector, TimeSpan.FromSeconds(KeepAliveInterval), KeepAliveCountMax, policy);
            session.Connect(CancellationToken.None);
            return session;
        }

        private static Process StartOpenSsh(string program, Testbed bed, TestbedServer server, TimeSpan connectTimeout, string command, params string[] programOptions) =>
            BenchSessions.StartOpenSsh(program, bed, server, KeepAliveOptions(connectTimeout), programOptions, command);

        // Bytes in and out of a server namespace's only interface.
        private static long InterfaceBytes(TestbedServer server)
        {
            string line = ProcessRunner.Run("ip", "netns", "exec", server.Namespace, "cat", "/proc/net/dev").Output
                .Split('\n').Single(l => l.TrimStart().StartsWith("eth0:"));
            string[] fields = line.Substring(line.IndexOf(':') + 1).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return long.Parse(fields[0]) + long.Parse(fields[8]);
        }
    }
}
