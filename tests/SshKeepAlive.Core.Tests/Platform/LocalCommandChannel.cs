using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using SshKeepAlive.Core.Platform;

namespace SshKeepAlive.Core.Tests.Platform
{
    /// <summary>
    /// This machine as a <see cref="IRemoteCommandChannel"/>: each command line goes to /bin/sh -c, as sshd hands an
    /// exec request to the login shell, so the remote scripts run in a real POSIX shell without an SSH transport.
    /// </summary>
    internal sealed class LocalCommandChannel : IRemoteCommandChannel
    {
        public string HostName => "localhost";

        public string ServerIdentification => "SSH-2.0-OpenSSH_9.2p1 local";

        public int Runs { get; private set; }

        public RemoteProcessResult Run(string commandLine, byte[]? input, TimeSpan timeout, CancellationToken cancellationToken)
        {
            Runs++;
            using Process process = Start(commandLine, out _);
            Task<byte[]> output = ReadAllAsync(process.StandardOutput.BaseStream);
            Task<byte[]> error = ReadAllAsync(process.StandardError.BaseStream);
            if (input != null)
            {
                process.StandardInput.BaseStream.Write(input, 0, input.Length);
            }

            process.StandardInput.Close();
            if (!process.WaitForExit((int)timeout.TotalMilliseconds))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("the command ran too long");
            }

            return new RemoteProcessResult(process.ExitCode, output.Result, error.Result);
        }

        public IRemoteProcess Start(string commandLine) => new LocalProcess(Start(commandLine, out _));

        public void Dispose()
        {
        }

        private static Process Start(string commandLine, out int pid)
        {
            var start = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(commandLine);
            Process process = Process.Start(start)!;
            pid = process.Id;
            return process;
        }

        private static async Task<byte[]> ReadAllAsync(Stream stream)
        {
            using var bytes = new MemoryStream();
            await stream.CopyToAsync(bytes);
            return bytes.ToArray();
        }

        private sealed class LocalProcess : IRemoteProcess
        {
            private readonly Process process;
            private readonly BlockingCollection<string> lines = new BlockingCollection<string>();
            private readonly Task<byte[]> error;

            public LocalProcess(Process process)
            {
                this.process = process;
                error = ReadAllAsync(process.StandardError.BaseStream);
                Task.Run(() =>
                {
                    for (string? line = process.StandardOutput.ReadLine(); line != null; line = process.StandardOutput.ReadLine())
                    {
                        lines.Add(line);
                    }

                    lines.CompleteAdding();
                });
            }

            public string ErrorText => process.HasExited ? System.Text.Encoding.UTF8.GetString(error.Result).Trim() : string.Empty;

            public string? ReadLine(TimeSpan timeout, CancellationToken cancellationToken)
            {
                try
                {
                    return lines.TryTake(out string? line, (int)timeout.TotalMilliseconds, cancellationToken) ? line : null;
                }
                catch (InvalidOperationException)
                {
                    return null;
                }
            }

            public void Write(byte[] bytes)
            {
                process.StandardInput.BaseStream.Write(bytes, 0, bytes.Length);
                process.StandardInput.BaseStream.Flush();
            }

            public void Dispose()
            {
                process.StandardInput.Close();
                process.WaitForExit(10_000);
                process.Dispose();
            }
        }
    }
}
