using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Kernel;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Platform;
using SshKeepAlive.Core.ServerConfig;
using SshKeepAlive.Core.Shell;

namespace SshKeepAlive.Core.Timeouts
{
    /// <summary>
    /// Builds the timeout report: reads every file once when opened, then resolves any number of targets.
    /// </summary>
    public sealed class TimeoutReporter
    {
        private readonly TimeoutReportOptions options;
        private readonly List<string> filesRead = new List<string>();
        private readonly List<ConfigDiagnostic> diagnostics = new List<ConfigDiagnostic>();
        private readonly List<TimeoutSetting> localSettings = new List<TimeoutSetting>();
        private readonly UnixAccounts accounts;
        private ClientConfigResolver? client;
        private ServerResolution? serverResolution;
        private LoadedConfig? serverConfig;
        private bool reportedLocalTarget;

        private TimeoutReporter(TimeoutReportOptions options, IReadOnlyList<TimeoutScope> scopes)
        {
            this.options = options;
            Scopes = scopes;
            accounts = new UnixAccounts(
                FileSystemExtensions.JoinPath(options.Environment.RootPath, "etc/passwd"), FileSystemExtensions.JoinPath(options.Environment.RootPath, "etc/group"), options.Environment.Files);
        }

        /// <summary>The scopes reported, in order.</summary>
        public IReadOnlyList<TimeoutScope> Scopes { get; }

        /// <summary>Every file read, in reading order.</summary>
        public IReadOnlyList<string> FilesRead => filesRead;

        /// <summary>Problems in what was read that do not depend on a target, with file and line.</summary>
        public IReadOnlyList<ConfigDiagnostic> Diagnostics => diagnostics;

        /// <summary>Settings that do not depend on a target: server, shell, kernel.</summary>
        public IReadOnlyList<TimeoutSetting> LocalSettings => localSettings;

        /// <summary>The release the server scope was read as; null when unknown (the newest).</summary>
        public OpenSshVersion? ServerOpenSshVersion => options.OpenSshVersion ?? options.Environment.ServerOpenSshVersion;

        /// <summary>The remote machine read (as given to -ComputerName); null for this machine.</summary>
        public string? ComputerName => options.ComputerName;

        /// <summary>Where everything was read.</summary>
        public TimeoutEnvironment Environment => options.Environment;

        /// <summary>The client config files read (user then system, or the -Path file), each with its Includes; empty without the client scope.</summary>
        public IReadOnlyList<LoadedConfig> ClientFiles => client?.Files ?? (IReadOnlyList<LoadedConfig>)new LoadedConfig[0];

        /// <summary>True when the client config read is one explicit file (-Path), as <c>ssh -F</c> reads it.</summary>
        public bool ClientFromPath => client != null && options.ConfigPath != null;

        /// <summary>The sshd_config read, with its Includes; null without the server scope.</summary>
        public LoadedConfig? ServerConfig => serverConfig;

        /// <summary>The server's resolution for the connection; null without the server scope.</summary>
        public ServerResolution? ServerResolution => serverResolution;

        /// <summary>The login shell the passwd database gives the user whose startup files were read; null when unknown or without the shell scope.</summary>
        public string? LoginShell { get; private set; }

        /// <summary>The target the client scope resolves when no host is named: the host "*", matched only by catch-all blocks.</summary>
        public const string DefaultHostName = "*";

        /// <summary>Reads everything that does not depend on a target.</summary>
        /// <exception cref="SshKeepAliveException">
        /// <see cref="ErrorId.ConfigFileNotFound"/>: <see cref="TimeoutReportOptions.ConfigPath"/> does not exist;
        /// <see cref="ErrorId.PathScopeAmbiguous"/>: a config path with scopes it cannot belong to.
        /// </exception>
        public static TimeoutReporter Open(TimeoutReportOptions options)
        {
            var reporter = new TimeoutReporter(options, ChooseScopes(options));
            if (reporter.Scopes.Contains(TimeoutScope.Client))
            {
                reporter.LoadClient();
            }

            if (reporter.Scopes.Contains(TimeoutScope.Server))
            {
                reporter.ReadServer();
            }

            if (reporter.Scopes.Contains(TimeoutScope.Shell))
            {
                reporter.ReadShell();
            }

            if (reporter.Scopes.Contains(TimeoutScope.Kernel))
            {
                reporter.ReadKernel();
            }

            return reporter;
        }

        /// <summary>
        /// What to report for one batch of host names (a pipeline input, or the whole parameter): each host when the
        /// client scope is reported (<see cref="DefaultHostName"/>, as null, when none is named); otherwise the one local
        /// target, only for the first batch, as nothing else depends on a host.
        /// </summary>
        public IReadOnlyList<string?> TargetsFor(IReadOnlyList<string>? hostNames)
        {
            if (client != null)
            {
                return hostNames?.Cast<string?>().ToList() ?? new List<string?> { null };
            }

            if (reportedLocalTarget)
            {
                return new string?[0];
            }

            reportedLocalTarget = true;
            return new string?[] { null };
        }

        /// <summary>The report for one client target, <c>[user@]host</c>; null for <see cref="DefaultHostName"/>.</summary>
        /// <exception cref="SshKeepAliveException"><see cref="ErrorId.HostNameInvalid"/>: not something ssh would connect to.</exception>
        public TargetReport Report(string? hostName) => Report(hostName, options.PathIdleTimeout, options.PathIdleTimeoutSource);

        /// <summary>
        /// The report for one client target, with the path's idle timeout for this target (e.g. measured for this
        /// host) instead of <see cref="TimeoutReportOptions.PathIdleTimeout"/>; null when unknown.
        /// </summary>
        /// <exception cref="SshKeepAliveException"><see cref="ErrorId.HostNameInvalid"/>: not something ssh would connect to.</exception>
        public TargetReport Report(string? hostName, int? pathIdleTimeout, string? pathIdleSource)
        {
            if (client == null)
            {
                return new TargetReport(LocalTarget, new TimeoutSetting[0], Summarize(LocalTarget, localSettings, pathIdleTimeout, pathIdleSource), new ConfigDiagnostic[0], new UnappliedSetting[0], pathIdleTimeout);
            }

            string target = hostName ?? DefaultHostName;
            ClientResolution resolution = Resolve(client, target);
            var settings = ClientKeywords
                .Select(keyword => Row(TimeoutScope.Client, target, resolution[keyword], client.Environment.OpenSshVersion))
                .ToList();

            // Load problems are reported once, by Open, not again for every host.
            var targetDiagnostics = resolution.Diagnostics.Except(client.LoadDiagnostics).ToList();
            var unapplied = resolution.Unapplied.Where(u => ClientKeywords.Any(k => k.Name == u.Name)).ToList();
            return new TargetReport(target, settings, Summarize(target, settings.Concat(localSettings).ToList(), pathIdleTimeout, pathIdleSource), targetDiagnostics, unapplied, pathIdleTimeout);
        }

        private static TimeoutSummary Summarize(string target, IReadOnlyList<TimeoutSetting> settings, int? pathIdleTimeout, string? pathIdleSource) =>
            TimeoutSummary.Create(target, settings, pathIdleTimeout, pathIdleSource);

        /// <summary>The client keywords that bear on idle sessions, in report order.</summary>
        private static readonly ClientKeyword[] ClientKeywords =
        {
            ClientKeyword.ServerAliveInterval, ClientKeyword.ServerAliveCountMax, ClientKeyword.TCPKeepAlive,
            ClientKeyword.ConnectTimeout, ClientKeyword.ChannelTimeout,
        };

        /// <summary>The server keywords that bear on idle sessions, in report order.</summary>
        private static readonly string[] ServerKeywordNames =
        {
            "ClientAliveInterval", "ClientAliveCountMax", "TCPKeepAlive", "LoginGraceTime", "ChannelTimeout", "UnusedConnectionTimeout",
        };

        private ClientResolution Resolve(ClientConfigResolver resolver, string target)
        {
            try
            {
                return resolver.Resolve(target, new ClientResolveOptions { RunMatchExec = options.AllowMatchExec, CancellationToken = options.CancellationToken });
            }
            catch (FormatException ex)
            {
                throw new SshKeepAliveException(ErrorId.HostNameInvalid, ex.Message, target, ex);
            }
        }

        private string LocalTarget => Scopes.Contains(TimeoutScope.Server) ? ServerTarget : "localhost";

        private string ServerTarget => options.Connection.ToSpec() is string spec && spec.Length > 0 ? "sshd " + spec : "sshd";

        private static IReadOnlyList<TimeoutScope> ChooseScopes(TimeoutReportOptions options)
        {
            TimeoutEnvironment environment = options.Environment;
            var requested = options.Scopes?.Distinct().OrderBy(s => s).ToList() ?? new List<TimeoutScope>();
            if (options.ConfigPath != null)
            {
                if (requested.Count == 0)
                {
                    requested.Add(TimeoutScope.Client);
                }

                if (requested.Count != 1 || requested[0] == TimeoutScope.Shell || requested[0] == TimeoutScope.Kernel)
                {
                    string scopes = string.Join(", ", requested);
                    throw new SshKeepAliveException(
                        ErrorId.PathScopeAmbiguous,
                        $"A config path is read either as the client config or as the server config, not for {scopes}.",
                        scopes);
                }

                if (!environment.Files.FileExists(options.ConfigPath))
                {
                    throw new SshKeepAliveException(ErrorId.ConfigFileNotFound, $"The config file '{options.ConfigPath}' does not exist.", options.ConfigPath);
                }

                return requested;
            }

            if (requested.Count > 0)
            {
                return requested;
            }

            var applicable = new List<TimeoutScope> { TimeoutScope.Client };
            if (environment.Files.FileExists(environment.ServerConfig))
            {
                applicable.Add(TimeoutScope.Server);
            }

            if (!environment.IsWindows)
            {
                applicable.Add(TimeoutScope.Shell);
            }

            if (environment.Files.DirectoryExists(environment.ProcSysPath) || environment.Os != OsKind.Linux)
            {
                applicable.Add(TimeoutScope.Kernel);
            }

            return applicable;
        }

        private void LoadClient()
        {
            ClientEnvironment environment = options.Environment.Client;
            if (options.OpenSshVersion != null)
            {
                environment.OpenSshVersion = options.OpenSshVersion;
            }

            client = ClientConfigResolver.Open(environment, options.ConfigPath);
            AddFilesRead(client.Files);
            diagnostics.AddRange(client.LoadDiagnostics);
        }

        private void ReadServer()
        {
            TimeoutEnvironment environment = options.Environment;
            var server = ServerConfigResolver.Load(options.ConfigPath ?? environment.ServerConfig, environment.SystemConfigDirectory, accounts, ServerOpenSshVersion, environment.Files);
            ServerResolution resolution = server.Resolve(options.Connection);
            serverConfig = server.File;
            serverResolution = resolution;
            AddFilesRead(new[] { server.File });
            diagnostics.AddRange(resolution.Diagnostics);
            localSettings.AddRange(ServerKeywordNames.Select(name => Row(TimeoutScope.Server, ServerTarget, resolution[name], ServerOpenSshVersion)));
        }

        private void AddFilesRead(IEnumerable<LoadedConfig> configs) =>
            filesRead.AddRange(configs.SelectMany(c => c.AllFiles()).Where(f => f.Exists).Select(f => f.Document.Path));

        /// <summary>A resolver's setting as a report row: lists as ssh -G prints them, the text as written when it differs.</summary>
        private TimeoutSetting Row(TimeoutScope scope, string target, EffectiveSetting setting, OpenSshVersion? version)
        {
            object? value = setting.Value is IEnumerable<string> ? setting.Text : setting.Value;
            string? note = setting.Origin == SettingOrigin.CommandLine
                ? "from the destination"
                : setting.RawText != null && !string.Equals(setting.RawText, setting.Text, StringComparison.OrdinalIgnoreCase) ? "written as " + setting.RawText : null;
            return new TimeoutSetting(scope, target, setting.Name, value, setting.IsDefault, setting.Source?.Path ?? TimeoutSetting.DefaultSource, setting.Source?.Line, note, options.ComputerName, version?.ToString());
        }

        /// <summary>
        /// Reads the startup files of the connection's user (-User) when one is given, else of the current user: those
        /// of the user's login shell (passwd; zsh on macOS when passwd does not say, bash elsewhere), the login-shell
        /// files of other shells that have their own files here, and systemd-logind's StopIdleSessionSec.
        /// </summary>
        private void ReadShell()
        {
            TimeoutEnvironment environment = options.Environment;
            string? user = options.Connection.User;
            string? home = environment.HomeDirectory;
            if (user != null)
            {
                string? passwdHome = accounts.HomeOf(user);
                home = passwdHome == null ? null : environment.UnderRoot(passwdHome);
                if (home == null)
                {
                    diagnostics.Add(new ConfigDiagnostic(ConfigDiagnosticSeverity.Warning, $"user {user} is not in the passwd file: only the system-wide shell startup files are read", null));
                }
            }

            LoginShell = accounts.ShellOf(user ?? environment.Client.LocalUser);
            ShellFamily loginFamily = ShellFamilies.FromPath(LoginShell) ?? (environment.Os == OsKind.MacOS ? ShellFamily.Zsh : ShellFamily.Bash);
            ShellTimeoutReport shell = new ShellTimeoutReader(environment.RootPath, home, environment.Files).Read(loginFamily);
            filesRead.AddRange(shell.FilesRead);
            diagnostics.AddRange(shell.Problems.Select(p => new ConfigDiagnostic(ConfigDiagnosticSeverity.Warning, p.Message, new ConfigSource(p.File, p.Line))));
            localSettings.AddRange(LocalTimeoutSettings.LoginShell(shell, user).Select(OnThisMachine));
            foreach (ShellFamily other in Enum.GetValues(typeof(ShellFamily)).Cast<ShellFamily>().Where(f => f != loginFamily))
            {
                var reader = new ShellTimeoutReader(environment.RootPath, home, environment.Files);
                if (reader.HasOwnStartupFiles(other))
                {
                    ShellTimeoutReport report = reader.Read(other);
                    filesRead.AddRange(report.FilesRead.Except(filesRead).ToList());
                    localSettings.Add(OnThisMachine(LocalTimeoutSettings.OtherShell(report, user)));
                }
            }

            var logind = new LogindIdleReader(environment.RootPath, environment.Files);
            if (environment.Os == OsKind.Linux && logind.IsPresent)
            {
                LogindIdleSetting idle = logind.Read();
                filesRead.AddRange(idle.FilesRead);
                diagnostics.AddRange(idle.Problems.Select(p => new ConfigDiagnostic(ConfigDiagnosticSeverity.Warning, p.Message, new ConfigSource(p.File, p.Line))));
                localSettings.Add(OnThisMachine(LocalTimeoutSettings.Logind(idle)));
            }
        }

        /// <summary>Linux: /proc/sys. macOS: sysctl's output. Windows: the Tcpip registry key, through reg query.</summary>
        private void ReadKernel()
        {
            TimeoutEnvironment environment = options.Environment;
            IReadOnlyList<KernelSetting> kernel;
            if (environment.Os == OsKind.Linux)
            {
                kernel = new KernelTimeoutReader(environment.ProcSysPath, environment.Files).Read();
                filesRead.AddRange(kernel.Select(k => k.Source));
            }
            else
            {
                bool mac = environment.Os == OsKind.MacOS;
                string[] command = mac ? new[] { "sysctl" }.Concat(KernelTimeoutReader.MacOSSysctlNames).ToArray() : new[] { "reg", "query", KernelTimeoutReader.WindowsTcpipKey };
                CommandOutput output = environment.Machine.Run(command[0], command.Skip(1).ToArray());
                string commandLine = string.Join(" ", command);
                if (!output.Started)
                {
                    diagnostics.Add(ConfigDiagnostic.Warning($"{commandLine}: {output.Error.Trim()}; the kernel's TCP keepalive settings are not reported", null));
                    return;
                }

                // reg query fails when the key has no value at all: then every value is Windows' default.
                kernel = mac ? KernelTimeoutReader.FromSysctl(output.Output, commandLine) : KernelTimeoutReader.FromWindowsRegistry(output.Output);
            }

            diagnostics.AddRange(kernel.Where(k => k.Problem != null).Select(k => new ConfigDiagnostic(ConfigDiagnosticSeverity.Warning, k.Name + ": " + k.Problem, new ConfigSource(k.Source, 0))));
            localSettings.AddRange(LocalTimeoutSettings.Kernel(kernel).Select(OnThisMachine));
        }

        // Rows made without the machine's name get it, and its OpenSSH release (every row of a remote machine names both).
        private TimeoutSetting OnThisMachine(TimeoutSetting row) =>
            options.ComputerName == null ? row : new TimeoutSetting(row.Scope, row.Target, row.Name, row.Value, row.IsDefault, row.Source, row.Line, row.Note, options.ComputerName, row.OpenSshVersion ?? ServerOpenSshVersion?.ToString());
    }
}
