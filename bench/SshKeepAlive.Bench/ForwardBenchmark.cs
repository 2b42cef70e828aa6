using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Sessions;
using SshKeepAlive.Testing;
using static SshKeepAlive.Bench.BenchSessions;

namespace SshKeepAlive.Bench
{
    /// <summary>
    /// autossh's main use, side by side: a local forward carrying a request loop (a new connection every 100 ms that
    /// reads the server's SSH banner through the forward) while the path flaps 20 times, ours on server 1 and
    /// <c>autossh -M 0 -L</c> on server 2 behind the same firewall, so each cut hits both at once. Counted: requests
    /// that failed, per flap.
    /// </summary>
    internal sealed class ForwardBenchmark : IBenchmark
    {
        private const int Flaps = 20;
        private const int KeepAliveInterval = 1;
        private const int KeepAliveCountMax = 3;
        private static readonly TimeSpan CutLength = TimeSpan.FromSeconds(5);
        private static readonly TimeSpan UpLength = TimeSpan.FromSeconds(6);
        private static readonly TimeSpan RequestPause = TimeSpan.FromMilliseconds(100);
        private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

        public string Name => "forwards";

        public string Description => "a local forward carrying a request loop through 20 flaps: failed requests per flap vs autossh -M 0 -L (testbed, root)";

        public IEnumerable<Measurement> Run()
        {
            if (Testbed.SkipReason != null)
            {
                throw new InvalidOperationException(Testbed.SkipReason);
            }

            using var bed = Testbed.Start(servers: 2);
            int ourPort = FreePort();
            int theirPort = FreePort();
            SshSessionSettings settings = Settings(bed, bed.Servers[0], KeepAliveInterval, KeepAliveCountMax);
            settings.Forwards.Add(ForwardSpec.ParseCommandLine(ForwardKind.Local, $"{ourPort}:{bed.Servers[0].Address}:22", out _)!);
            using PersistentSshSession session = Connect(settings);
            string[] options = { $"ServerAliveInterval={KeepAliveInterval}", $"ServerAliveCountMax={KeepAliveCountMax}", "ConnectTimeout=2", "ExitOnForwardFailure=yes" };
            using Process autossh = StartOpenSsh("autossh", bed, bed.Servers[1], options, new[] { "-M", "0", "-N", "-L", $"{theirPort}:{bed.Servers[1].Address}:22" });
            if (!SpinWait.SpinUntil(() => Request(theirPort), Deadline))
            {
                throw new InvalidOperationException("autossh's forward never carried a request");
            }

            using var stop = new CancellationTokenSource();
            var ours = new ConcurrentBag<bool>();
            var theirs = new ConcurrentBag<bool>();
            Task ourLoop = Task.Run(() => RequestLoop(ourPort, ours, stop.Token));
            Task theirLoop = Task.Run(() => RequestLoop(theirPort, theirs, stop.Token));
            try
            {
                for (int flap = 0; flap < Flaps; flap++)
                {
                    Thread.Sleep(UpLength);
                    bed.Cut();
                    Thread.Sleep(CutLength);
                    bed.Restore();
                }

                Thread.Sleep(UpLength);
            }
            finally
            {
                stop.Cancel();
                Task.WaitAll(ourLoop, theirLoop);
                Stop(autossh);
            }

            double ourFailures = Failures(ours) / (double)Flaps;
            double theirFailures = Failures(theirs) / (double)Flaps;
            yield return new Measurement("failed requests per flap", ourFailures, theirFailures, "requests", 1,
                $"{Flaps} flaps of {CutLength.TotalSeconds:0} s down, {UpLength.TotalSeconds:0} s up; a request every {RequestPause.TotalMilliseconds:0} ms; " +
                $"ours {ours.Count} requests, autossh {theirs.Count}; AUTOSSH_GATETIME=0 autossh -M 0 -L with ServerAliveInterval {KeepAliveInterval}, CountMax {KeepAliveCountMax}, ExitOnForwardFailure yes");
        }

        private static int Failures(IEnumerable<bool> outcomes)
        {
            int failed = 0;
            foreach (bool ok in outcomes)
            {
                failed += ok ? 0 : 1;
            }

            return failed;
        }

        private static async Task RequestLoop(int port, ConcurrentBag<bool> outcomes, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                outcomes.Add(await Task.Run(() => Request(port)).ConfigureAwait(false));
                try
                {
                    await Task.Delay(RequestPause, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        // One request: connect to the forward and read the server's banner through it.
        private static bool Request(int port)
        {
            try
            {
                using var client = new TcpClient();
                if (!client.ConnectAsync("127.0.0.1", port).Wait(RequestTimeout))
                {
                    return false;
                }

                client.ReceiveTimeout = (int)RequestTimeout.TotalMilliseconds;
                string? banner = new StreamReader(client.GetStream()).ReadLine();
                return banner != null && banner.StartsWith("SSH-2.0-", StringComparison.Ordinal);
            }
            catch (Exception ex) when (ex is SocketException || ex is IOException || ex is AggregateException)
            {
                return false;
            }
        }
    }
}
