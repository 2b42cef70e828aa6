using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.ServerConfig;
using SshKeepAlive.Core.Timeouts;

namespace SshKeepAlive.Core.Diagnostics
{
    /// <summary>A client config file as ssh would open it: its owner and mode, whether ssh checks them, and its first bytes.</summary>
    public sealed class ClientFileFacts
    {
        internal ClientFileFacts(string path, FileFacts? facts, bool checkedBySsh, bool startsWithByteOrderMark)
        {
            Path = path;
            Facts = facts;
            CheckedBySsh = checkedBySsh;
            StartsWithByteOrderMark = startsWithByteOrderMark;
        }

        public string Path { get; }

        /// <summary>Owner, mode, time; null when the machine could not say.</summary>
        public FileFacts? Facts { get; }

        /// <summary>True for ~/.ssh/config and every included file, whose owner and mode ssh checks (readconf.c); false for the system file and a -F file.</summary>
        public bool CheckedBySsh { get; }

        public bool StartsWithByteOrderMark { get; }
    }

    /// <summary>The running sshd as far as it bears on its configuration: when it last loaded it, and what sshd -t says of the files.</summary>
    public sealed class SshdFacts
    {
        internal SshdFacts(string configPath, string? pidFile, int? pid, DateTimeOffset? processStart, DateTimeOffset? pidFileWritten, IReadOnlyList<FileFacts> configFiles, CommandOutput? validation, string? validationSkipped)
        {
            ConfigPath = configPath;
            PidFile = pidFile;
            Pid = pid;
            ProcessStart = processStart;
            PidFileWritten = pidFileWritten;
            ConfigFiles = configFiles;
            Validation = validation;
            ValidationSkipped = validationSkipped;
        }

        /// <summary>The sshd_config the daemon reads.</summary>
        public string ConfigPath { get; }

        /// <summary>The config's PidFile; null for "none".</summary>
        public string? PidFile { get; }

        /// <summary>The live daemon's pid from its PidFile; null when it is not running.</summary>
        public int? Pid { get; }

        public DateTimeOffset? ProcessStart { get; }

        /// <summary>When the PidFile was written: sshd writes it each time it (re)loads its config, a SIGHUP re-executing it under the same pid.</summary>
        public DateTimeOffset? PidFileWritten { get; }

        /// <summary>The latest time the daemon loaded its configuration: its start, or the PidFile's rewrite on reload.</summary>
        public DateTimeOffset? LoadedAt => ProcessStart == null ? null : PidFileWritten > ProcessStart ? PidFileWritten : ProcessStart;

        /// <summary>sshd_config and every file it includes, with their modification times.</summary>
        public IReadOnlyList<FileFacts> ConfigFiles { get; }

        /// <summary>What <c>sshd -t -f ConfigPath</c> said; null when it was not run (see <see cref="ValidationSkipped"/>).</summary>
        public CommandOutput? Validation { get; }

        public string? ValidationSkipped { get; }

        /// <summary>What was learnt of the daemon, for the verbose stream.</summary>
        public IEnumerable<string> Describe()
        {
            yield return Pid is int pid ? $"sshd pid {pid} (PidFile {PidFile}) last loaded its configuration at {LoadedAt:u}." : $"No running sshd reads {ConfigPath} (PidFile {PidFile ?? "none"}).";
            yield return Validation != null ? $"sshd -t -f {ConfigPath}: exit {Validation.ExitCode}." : $"sshd -t not run: {ValidationSkipped}.";
        }
    }

    /// <summary>
    /// Everything the checks read that does not depend on a host: the report's local rows and files, and what the
    /// machine said (file owners and times, the running sshd, sshd -t). Made once by <see cref="Read"/> from a
    /// <see cref="TimeoutReporter"/>, whose <see cref="TimeoutEnvironment"/> says where the files are and which
    /// <see cref="IMachine"/> answers: this machine, or (for a remote reader) a copy of another machine's files and
    /// a machine that answers over SSH. The checks never look anywhere else.
    /// </summary>
    public sealed class MachineSnapshot
    {
        private const string NoPidFile = "none";

        private MachineSnapshot(TimeoutReporter reporter, IReadOnlyList<ClientFileFacts> clientFiles, SshdFacts? sshd, bool allowMatchExec)
        {
            Reporter = reporter;
            ClientFiles = clientFiles;
            Sshd = sshd;
            AllowMatchExec = allowMatchExec;
        }

        /// <summary>The report the snapshot was made from: scopes, local rows, load problems, the config files read.</summary>
        public TimeoutReporter Reporter { get; }

        public IMachine Machine => Reporter.Environment.Machine;

        /// <summary>The account ssh runs as (its owner is allowed to own the config files); null on Windows.</summary>
        public uint? UserId => Machine.UserId;

        public IReadOnlyList<ClientFileFacts> ClientFiles { get; }

        /// <summary>The server's facts; null without the server scope.</summary>
        public SshdFacts? Sshd { get; }

        /// <summary>Whether client Match exec lines may be run (then ssh -G may run too).</summary>
        public bool AllowMatchExec { get; }

        /// <summary>What was learnt of the machine's daemon, for the verbose stream; nothing without the server scope.</summary>
        public IEnumerable<string> Describe() => Sshd?.Describe() ?? Enumerable.Empty<string>();

        /// <summary>Reads the client files' and the daemon's facts through the reporter's machine.</summary>
        public static MachineSnapshot Read(TimeoutReporter reporter, bool allowMatchExec)
        {
            IMachine machine = reporter.Environment.Machine;
            var clientFiles = new List<ClientFileFacts>();
            foreach (LoadedConfig top in reporter.ClientFiles)
            {
                bool userConfig = !reporter.ClientFromPath && top.Document.Path == reporter.Environment.Client.UserConfigPath;
                foreach (LoadedConfig file in top.AllFiles().Where(f => f.Exists))
                {
                    bool bom = file.Document.Lines.Count > 0 && file.Document.Lines[0].Text.StartsWith("\uFEFF", StringComparison.Ordinal);
                    clientFiles.Add(new ClientFileFacts(file.Document.Path, machine.Stat(file.Document.Path), userConfig || file.Depth > 0, bom));
                }
            }

            return new MachineSnapshot(reporter, clientFiles, ReadSshd(reporter), allowMatchExec);
        }

        private static SshdFacts? ReadSshd(TimeoutReporter reporter)
        {
            if (reporter.ServerConfig == null || reporter.ServerResolution == null || !reporter.ServerConfig.Exists)
            {
                return null;
            }

            TimeoutEnvironment environment = reporter.Environment;
            IMachine machine = environment.Machine;
            string configPath = reporter.ServerConfig.Document.Path;
            var configFiles = reporter.ServerConfig.AllFiles().Where(f => f.Exists).Select(f => machine.Stat(f.Document.Path)).Where(f => f != null).Select(f => f!).ToList();
            string? pidFile = reporter.ServerResolution["PidFile"].Value as string;
            pidFile = pidFile == null || string.Equals(pidFile, NoPidFile, StringComparison.OrdinalIgnoreCase) ? null : pidFile;
            int? pid = null;
            DateTimeOffset? started = null;
            DateTimeOffset? written = null;
            if (pidFile != null && ReadPid(environment.Files, environment.UnderRoot(pidFile)) is int candidate && machine.ProcessStartTime(candidate) is DateTimeOffset start)
            {
                pid = candidate;
                started = start;
                written = machine.Stat(environment.UnderRoot(pidFile))?.LastWrite;
            }

            (CommandOutput? validation, string? skipped) = Validate(machine, environment, configPath);
            return new SshdFacts(configPath, pidFile, pid, started, written, configFiles, validation, skipped);
        }

        /// <summary>sshd -t needs the host keys, which only root (or an administrator on Windows) may read.</summary>
        private static (CommandOutput?, string?) Validate(IMachine machine, TimeoutEnvironment environment, string configPath)
        {
            string sshd = environment.SshdPath;
            if (machine.Stat(sshd) == null)
            {
                return (null, $"{sshd} is not installed");
            }

            CommandOutput? validation = environment.IsWindows ? machine.Run(sshd, "-t", "-f", configPath) : machine.RunAsRoot(sshd, "-t", "-f", configPath);
            return validation == null ? (null, "sshd -t needs root to read the host keys") : (validation, null);
        }

        private static int? ReadPid(IReadOnlyFileSystem files, string path)
        {
            try
            {
                return int.TryParse(files.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && pid > 0 ? pid : (int?)null;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return null;
            }
        }
    }
}
