namespace SshKeepAlive.Core.Platform
{
    /// <summary>
    /// What a program said, as <see cref="IMachine.Run"/> answers: its exit code and both output streams, or
    /// <see cref="Started"/> false when it could not run at all (missing, timed out), with the reason in <see cref="Error"/>.
    /// </summary>
    public sealed class CommandOutput
    {
        public CommandOutput(int exitCode, string output, string error, bool started = true)
        {
            ExitCode = exitCode;
            Output = output;
            Error = error;
            Started = started;
        }

        /// <summary>The exit code; -1 when the program did not start or was stopped at its time limit.</summary>
        public int ExitCode { get; }

        public string Output { get; }

        public string Error { get; }

        /// <summary>False when the program is missing or could not be started (then <see cref="Error"/> says why).</summary>
        public bool Started { get; }

        public bool Succeeded => Started && ExitCode == 0;

        /// <summary>The outcome of a program that could not be started.</summary>
        public static CommandOutput NotStarted(string reason) => new CommandOutput(-1, string.Empty, reason, started: false);

        /// <summary>What <see cref="ExternalCommand"/> says of a program that ran.</summary>
        public static CommandOutput From(ExternalCommandResult result) => new CommandOutput(result.ExitCode, result.Output, result.Error);
    }
}
