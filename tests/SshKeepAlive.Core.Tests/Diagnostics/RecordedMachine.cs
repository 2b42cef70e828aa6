using System;
using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.Platform;

namespace SshKeepAlive.Core.Tests.Diagnostics
{
    /// <summary>
    /// A machine whose answers are recorded: files the test gives facts for (others as this machine stats them,
    /// owned by <see cref="UserId"/>, mode 0600), process start times, and command output keyed by the command line.
    /// </summary>
    internal sealed class RecordedMachine : IMachine
    {
        public uint? UserId { get; set; } = 1000;

        public Dictionary<string, FileFacts?> Files { get; } = new Dictionary<string, FileFacts?>();

        public Dictionary<int, DateTimeOffset> Processes { get; } = new Dictionary<int, DateTimeOffset>();

        public Dictionary<string, CommandOutput> Commands { get; } = new Dictionary<string, CommandOutput>();

        /// <summary>Every command line asked for, in order.</summary>
        public List<string> Asked { get; } = new List<string>();

        public FileFacts? Stat(string path)
        {
            if (Files.TryGetValue(path, out FileFacts? facts))
            {
                return facts;
            }

            FileFacts? real = LocalMachine.Instance.Stat(path);
            return real == null ? null : new FileFacts(path, UserId, 0x180, real.LastWrite);
        }

        public DateTimeOffset? ProcessStartTime(int pid) => Processes.TryGetValue(pid, out DateTimeOffset start) ? start : (DateTimeOffset?)null;

        public CommandOutput Run(string program, params string[] arguments)
        {
            string line = string.Join(" ", new[] { program }.Concat(arguments));
            Asked.Add(line);
            return Commands.TryGetValue(line, out CommandOutput? output) ? output : CommandOutput.NotStarted(program + ": not recorded");
        }

        public CommandOutput? RunAsRoot(string program, params string[] arguments) => UserId == 0 ? Run(program, arguments) : null;
    }

}
