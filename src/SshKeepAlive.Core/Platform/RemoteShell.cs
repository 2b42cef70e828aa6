using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using SshKeepAlive.Core.Errors;

namespace SshKeepAlive.Core.Platform
{
    /// <summary>What a remote script printed and how it ended.</summary>
    public sealed class RemoteShellResult
    {
        internal RemoteShellResult(int? exitStatus, byte[] output, string error)
        {
            ExitStatus = exitStatus;
            Output = output;
            ErrorText = error;
        }

        /// <summary>Null when the script ended without one (killed by a signal).</summary>
        public int? ExitStatus { get; }

        public byte[] Output { get; }

        public string OutputText => Encoding.UTF8.GetString(Output);

        /// <summary>Standard error, trimmed.</summary>
        public string ErrorText { get; }

        public bool Succeeded => ExitStatus == 0;
    }

    /// <summary>
    /// A POSIX shell on another machine: every script runs as <c>/bin/sh -c script sh arg...</c>, whatever the login
    /// shell, its arguments quoted so that no path or value is ever read as shell syntax. A script that needs root runs
    /// through <c>sudo -n</c> when the login user is not root, or <c>sudo -S</c> with a password given for it (fed on
    /// standard input, never on a command line); a sudo that refuses is a clear error
    /// (<see cref="ErrorId.SudoPasswordMissing"/>, <see cref="ErrorId.SudoFailed"/>), not a failed script.
    /// </summary>
    public sealed class RemoteShell
    {
        /// <summary>How long a script may run unless its caller says otherwise.</summary>
        public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

        // The first line every script writes to standard error: without it, the shell (or sudo) never started it.
        private const string StartedLine = "sshkeepalive: started";

        private readonly IRemoteCommandChannel channel;
        private readonly string? sudoPassword;

        /// <param name="channel">Where the scripts run.</param>
        /// <param name="loginIsRoot">The login user is root: scripts that need root run as they are.</param>
        /// <param name="sudoPassword">The login user's password for sudo; null: sudo -n, which must not ask for one.</param>
        public RemoteShell(IRemoteCommandChannel channel, bool loginIsRoot, string? sudoPassword = null)
        {
            this.channel = channel;
            LoginIsRoot = loginIsRoot;
            this.sudoPassword = sudoPassword;
        }

        /// <summary>The machine, as the user named it.</summary>
        public string HostName => channel.HostName;

        public bool LoginIsRoot { get; }

        /// <summary>True when scripts that need root go through sudo.</summary>
        public bool UsesSudo => !LoginIsRoot;

        /// <summary>UTF-8 text from the hexadecimal digits a script printed (od -An -tx1 with the spaces taken out).</summary>
        internal static string DecodeHex(string hex)
        {
            var bytes = new byte[hex.Length / 2];
            for (int i = 0; i < bytes.Length; i++)
            {
                bytes[i] = byte.Parse(hex.Substring(i * 2, 2), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
            }

            return Encoding.UTF8.GetString(bytes);
        }

        /// <summary>The text, single-quoted for a POSIX shell: nothing in it is expanded.</summary>
        public static string Quote(string text) => "'" + text.Replace("'", "'\\''") + "'";

        /// <summary>
        /// Runs <paramref name="script"/> with <paramref name="arguments"/> as $1, $2, ... and <paramref name="input"/> on its
        /// standard input; as root when <paramref name="asRoot"/>. Whatever its exit status, the result says it.
        /// </summary>
        /// <exception cref="SshKeepAliveException"><see cref="ErrorId.SudoPasswordMissing"/>, <see cref="ErrorId.SudoFailed"/>: sudo refused; <see cref="ErrorId.CommandFailed"/>: no POSIX shell ran it, or it ran past its time.</exception>
        public RemoteShellResult Run(string script, IReadOnlyList<string>? arguments = null, byte[]? input = null, bool asRoot = false, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        {
            (string commandLine, byte[]? stdin) = Prepare(script, arguments ?? Array.Empty<string>(), input, asRoot, keepsInput: false);
            RemoteProcessResult result;
            try
            {
                result = channel.Run(commandLine, stdin, timeout ?? DefaultTimeout, cancellationToken);
            }
            catch (TimeoutException ex)
            {
                throw new SshKeepAliveException(ErrorId.CommandFailed, $"{HostName}: a remote command did not finish within {(timeout ?? DefaultTimeout).TotalSeconds:0} s and was stopped ({FirstLine(script)}).", HostName, ex);
            }

            string error = result.ErrorText;
            int started = error.IndexOf(StartedLine, StringComparison.Ordinal);
            if (started < 0)
            {
                throw NotStarted(error, asRoot && UsesSudo);
            }

            // Before that line, only sudo or the login shell spoke (sudo: unable to resolve host ...): not the script's words.
            string own = error.Substring(started + StartedLine.Length).Trim();
            return new RemoteShellResult(result.ExitStatus, result.Output, own);
        }

        /// <summary>Runs the script and returns its standard output, or throws <see cref="ErrorId.CommandFailed"/> with what it said when it fails.</summary>
        public string RunText(string script, IReadOnlyList<string>? arguments = null, byte[]? input = null, bool asRoot = false, CancellationToken cancellationToken = default)
        {
            RemoteShellResult result = Run(script, arguments, input, asRoot, null, cancellationToken);
            if (!result.Succeeded)
            {
                throw new SshKeepAliveException(ErrorId.CommandFailed, $"{HostName}: a remote command failed (exit {result.ExitStatus?.ToString() ?? "none"}): {(result.ErrorText.Length > 0 ? result.ErrorText : FirstLine(script))}", HostName);
            }

            return result.OutputText;
        }

        /// <summary>Starts a script that runs until the returned process is disposed (its standard input then closes).</summary>
        public IRemoteProcess Start(string script, IReadOnlyList<string> arguments, bool asRoot)
        {
            (string commandLine, byte[]? stdin) = Prepare(script, arguments, null, asRoot, keepsInput: true);
            IRemoteProcess process = channel.Start(commandLine);
            if (stdin != null && stdin.Length > 0)
            {
                process.Write(stdin);
            }

            return process;
        }

        /// <summary>The error of a script that a POSIX shell never ran: sudo's refusal, or a login that has no /bin/sh.</summary>
        private SshKeepAliveException NotStarted(string error, bool throughSudo)
        {
            if (throughSudo)
            {
                if (error.Contains("password is required") || error.Contains("a terminal is required"))
                {
                    return new SshKeepAliveException(ErrorId.SudoPasswordMissing, $"{HostName}: sudo wants a password to run as root ({error}).", HostName);
                }

                return new SshKeepAliveException(ErrorId.SudoFailed, $"{HostName}: sudo refused to run as root: {(error.Length > 0 ? error : "no reason given")}.", HostName);
            }

            return new SshKeepAliveException(ErrorId.CommandFailed, $"{HostName}: /bin/sh did not run a remote command: {(error.Length > 0 ? error : "the login shell gave no reason")}.", HostName);
        }

        // keepsInput: a started process whose standard input stays open (it ends when that closes).
        private (string CommandLine, byte[]? Input) Prepare(string script, IReadOnlyList<string> arguments, byte[]? input, bool asRoot, bool keepsInput)
        {
            string body = "printf '%s\\n' " + Quote(StartedLine) + " >&2\n" + script;

            // A script given no input reads none: its standard input is /dev/null, never an open channel it could wait on.
            string quotedArguments = string.Concat(arguments.Select(a => " " + Quote(a))) + (!keepsInput && (input == null || input.Length == 0) ? " </dev/null" : string.Empty);
            // In the C locale whatever the login brought (a LANG the session forwarded): sudo's refusals are recognised by
            // their English text, and env is there in every login shell, csh and fish included.
            const string InC = "exec env LC_ALL=C ";
            if (!asRoot || LoginIsRoot)
            {
                return (InC + "/bin/sh -c " + Quote(body) + " sh" + quotedArguments, input);
            }

            if (sudoPassword == null)
            {
                return (InC + "sudo -n -- /bin/sh -c " + Quote(body) + " sh" + quotedArguments, input);
            }

            // sudo -S reads the password from standard input, unless it needs none (NOPASSWD, a cached login): the
            // script first reads up to the marker line, so its own input starts after it either way.
            quotedArguments = string.Concat(arguments.Select(a => " " + Quote(a)));
            string marker = "sshkeepalive-input-" + Guid.NewGuid().ToString("N");
            string skip = "while IFS= read -r sshka_line; do [ \"$sshka_line\" = " + Quote(marker) + " ] && break; done\n";
            byte[] prefix = Encoding.UTF8.GetBytes(sudoPassword + "\n" + marker + "\n");
            byte[] all = input == null ? prefix : prefix.Concat(input).ToArray();
            return (InC + "sudo -S -p '' -- /bin/sh -c " + Quote(skip + body) + " sh" + quotedArguments, all);
        }

        private static string FirstLine(string script)
        {
            string line = script.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith("#", StringComparison.Ordinal)) ?? script;
            return line.Length > 80 ? line.Substring(0, 80) + "..." : line;
        }
    }
}
