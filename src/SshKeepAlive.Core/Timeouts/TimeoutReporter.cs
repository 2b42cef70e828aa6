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
        private bool reportedLocalTarget;

        private TimeoutReporter(TimeoutReportOptions options, IReadOnlyList<TimeoutScope> scopes)
        {
            this.options = options;
            Scopes = scopes;
            accounts = new UnixAccounts(Path.Combine(options.Environment.RootPath, "etc", "passwd"), Path.Combine(options.Environment.RootPath, "etc", "group"));
        }

        /// <summary>The scopes reported, in order.</summary>
        public IReadOnlyList<TimeoutScope> Scopes { get; }

        /// <summary>Every file read, in reading order.</summary>
        public IReadOnlyList<string> FilesRead => filesRead;

        /// <summary>Problems in what was read that do not depend on a target, with file and line.</summary>
        public IReadOnlyList<ConfigDiagnostic> Diagnostics => diagnostics;

        /// <summary>Settings that do not depend on a target: server, shell, kernel.</summary>
        public IReadOnlyList<TimeoutSetting> LocalSettings => localSettings;

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
        public TargetReport Report(string? hostName)
        {
            if (client == null)
            {
                return new TargetReport(LocalTarget, new TimeoutSetting[0], TimeoutSummary.Create(LocalTarget, localSettings), new ConfigDiagnostic[0]);
            }

            string target = hostName ?? DefaultHostName;
            ClientResolution resolution = Resolve(client, target);
            var settings = ClientKeywords
                .Select(keyword => Row(TimeoutScope.Client, target, resolution[keyword]))
                .ToList();

            // Load problems are reported once, by Open, not again for every host.
            var targetDiagnostics = resolution.Diagnostics.Except(client.LoadDiagnostics).ToList();
            return new TargetReport(target, settings, TimeoutSummary.Create(target, settings.Concat(localSettings).ToList()), targetDiagnostics);
        }

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

                if (!File.Exists(options.ConfigPath))
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
            if (File.Exists(environment.ServerConfig))
            {
                applicable.Add(TimeoutScope.Server);
            }

            if (!environment.IsWindows)
            {
                applicable.Add(TimeoutScope.Shell);
            }

            if (Directory.Exists(environment.ProcSysPath))
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
            var server = ServerConfigResolver.Load(options.ConfigPath ?? environment.ServerConfig, environment.SystemConfigDirectory, accounts, options.OpenSshVersion ?? environment.ServerOpenSshVersion);
            ServerResolution resolution = server.Resolve(options.Connection);
            AddFilesRead(new[] { server.File });
            diagnostics.AddRange(resolution.Diagnostics);
            localSettings.AddRange(ServerKeywordNames.Select(name => Row(TimeoutScope.Server, ServerTarget, resolution[name])));
        }

        private void AddFilesRead(IEnumerable<LoadedConfig> configs) =>
            filesRead.AddRange(configs.SelectMany(c => c.AllFiles()).Where(f => f.Exists).Select(f => f.Document.Path));

        /// <summary>A resolver's setting as a report row: lists as ssh -G prints them, the text as written when it differs.</summary>
        private static TimeoutSetting Row(TimeoutScope scope, string target, EffectiveSetting setting)
        {
            object? value = setting.Value is IEnumerable<string> ? setting.Text : setting.Value;
            string? note = setting.Origin == SettingOrigin.CommandLine
                ? "from the destination"
                : setting.RawText != null && !string.Equals(setting.RawText, setting.Text, StringComparison.OrdinalIgnoreCase) ? "written as " + setting.RawText : null;
            return new TimeoutSetting(scope, target, setting.Name, value, setting.IsDefault, setting.Source?.Path ?? TimeoutSetting.DefaultSource, setting.Source?.Line, note);
        }

        /// <summary>Reads the startup files of the connection's user (-User) when one is given, else of the current user.</summary>
        private void ReadShell()
        {
            string? user = options.Connection.User;
            string? home = options.Environment.HomeDirectory;
            if (user != null)
            {
                string? passwdHome = accounts.HomeOf(user);
                home = passwdHome == null ? null : Path.Combine(options.Environment.RootPath, passwdHome.TrimStart('/'));
                if (home == null)
                {
                    diagnostics.Add(new ConfigDiagnostic(ConfigDiagnosticSeverity.Warning, $"user {user} is not in the passwd file: only the system-wide shell startup files are read", null));
                }
            }

            ShellTimeoutReport shell = new ShellTimeoutReader(options.Environment.RootPath, home).Read();
            filesRead.AddRange(shell.FilesRead);
            diagnostics.AddRange(shell.Problems.Select(p => new ConfigDiagnostic(ConfigDiagnosticSeverity.Warning, p.Message, new ConfigSource(p.File, p.Line))));
            localSettings.AddRange(LocalTimeoutSettings.Shell(shell, user));
        }

        private void ReadKernel()
        {
            var kernel = new KernelTimeoutReader(options.Environment.ProcSysPath).Read();
            filesRead.AddRange(kernel.Select(k => k.Source));
            diagnostics.AddRange(kernel.Where(k => k.Problem != null).Select(k => new ConfigDiagnostic(ConfigDiagnosticSeverity.Warning, k.Name + ": " + k.Problem, new ConfigSource(k.Source, 0))));
            localSettings.AddRange(LocalTimeoutSettings.Kernel(kernel));
        }
    }
}
