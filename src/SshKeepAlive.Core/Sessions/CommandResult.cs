using System;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>What one remote command produced.</summary>
    public sealed class CommandResult
    {
        public CommandResult(string target, string command, string output, string error, int? exitStatus, TimeSpan duration)
        {
            Target = target;
            Command = command;
            Output = output;
            Error = error;
            ExitStatus = exitStatus;
            Duration = duration;
        }

        public string Target { get; }

        public string Command { get; }

        public string Output { get; }

        public string Error { get; }

        /// <summary>Null when the remote side ended without an exit status (killed by a signal).</summary>
        public int? ExitStatus { get; }

        public bool Succeeded => ExitStatus == 0;

        public TimeSpan Duration { get; }
    }
}
