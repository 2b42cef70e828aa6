using System;
using System.Linq;
using System.Management.Automation;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Fleet;
using SshKeepAlive.Core.ServerConfig;
using SshKeepAlive.Core.Timeouts;

namespace SshKeepAlive.Commands
{
    /// <summary>
    /// Reports every setting that can end an idle SSH session, with its effective value and where it comes from: on this
    /// machine, or with -ComputerName on each host named (read over SSH, checked against the host's own sshd -T).
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "SshTimeoutConfig", DefaultParameterSetName = ByPath)]
    [OutputType(typeof(TimeoutSetting), typeof(TimeoutSummary))]
    public sealed class GetSshTimeoutConfigCommand : FleetCmdlet
    {
        /// <summary>The type name the rows and summaries of a remote host carry, for their format views (grouped by host).</summary>
        public const string RemoteTypeSuffix = "#Remote";

        private const string ByPath = "Path";
        private const string ByLiteralPath = "LiteralPath";
        private const string ByComputerName = "ComputerName";

        private TimeoutReporter? reporter;
        private FleetRun<RemoteTimeoutReport>? fleet;
        private OpenSshVersion? version;

        /// <summary>Hosts (<c>[user@]host</c>) to resolve the client config for, as <c>ssh -G</c> does. Default: "*", the settings of a host no specific block names.</summary>
        [Parameter(ParameterSetName = ByPath, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ByLiteralPath, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ByComputerName, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Host")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SshHostNameCompleter))]
        public string[]? HostName { get; set; }

        /// <summary>What to report: Client, Server, Shell, Kernel. Default: every scope that applies on this machine.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public TimeoutScope[]? Scope { get; set; }

        /// <summary>
        /// Servers to read over SSH instead of this machine ([user@]host or ssh://[user@]host[:port]), in parallel
        /// (-ThrottleLimit), nothing installed there; from the pipeline, objects with a ComputerName property (Import-Csv).
        /// The server scope reads the config the host's sshd runs with, checked against its own sshd -T -C.
        /// </summary>
        [Parameter(ParameterSetName = ByComputerName, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SshHostNameCompleter))]
        public string[]? ComputerName { get; set; }

        /// <summary>A config file to read instead of the default ones (like <c>ssh -F</c> / <c>sshd -f</c>): the client config, or the server config with -Scope Server. Wildcards must match one file. With -ComputerName, an absolute path on the hosts.</summary>
        [Parameter(ParameterSetName = ByPath)]
        [Parameter(ParameterSetName = ByComputerName)]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        /// <summary>Like -Path, taken exactly as written (no wildcards).</summary>
        [Parameter(ParameterSetName = ByLiteralPath, Mandatory = true)]
        [Alias("PSPath")]
        [ValidateNotNullOrEmpty]
        public string? LiteralPath { get; set; }

        /// <summary>The user logging in, for the server's Match User/Group (<c>sshd -C user=</c>); the shell scope reads this user's startup files.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? User { get; set; }

        /// <summary>The client's host name, for the server's Match Host (<c>sshd -C host=</c>).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ClientHostName { get; set; }

        /// <summary>The client's address, for the server's Match Address (<c>sshd -C addr=</c>).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ClientAddress { get; set; }

        /// <summary>The server address the client connects to, for Match LocalAddress (<c>sshd -C laddr=</c>).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? LocalAddress { get; set; }

        /// <summary>The server port the client connects to, for Match LocalPort (<c>sshd -C lport=</c>).</summary>
        [Parameter]
        [ValidateRange(1, 65535)]
        public int? LocalPort { get; set; }

        /// <summary>Run the commands of client <c>Match exec</c> lines to evaluate them, as ssh would. Off by default: such blocks are skipped with a warning.</summary>
        [Parameter]
        public SwitchParameter AllowMatchExec { get; set; }

        /// <summary>Output one summary per target (dead-peer detection, keepalive, what ends an idle session) instead of the settings.</summary>
        [Parameter]
        public SwitchParameter Summary { get; set; }

        /// <summary>
        /// The OpenSSH release to read the configs as (e.g. 9.2p1 or 10.0), such as that of the server a copied
        /// sshd_config comes from: its ssh and sshd refuse keywords of later releases. Default: the release of this
        /// machine's ssh and sshd.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? OpenSshVersion { get; set; }

        /// <inheritdoc />
        protected override void BeginProcessing()
        {
            if (OpenSshVersion != null && !Core.OpenSsh.OpenSshVersion.TryParse(OpenSshVersion, out version))
            {
                ThrowTerminatingError(ErrorRecords.Create(ErrorId.OpenSshVersionInvalid, $"'{OpenSshVersion}' is not an OpenSSH release such as 9.2p1 or 10.0.", OpenSshVersion));
            }

            if (ParameterSetName == ByComputerName)
            {
                if (AllowMatchExec)
                {
                    WriteWarning("-AllowMatchExec does not apply with -ComputerName: Match exec commands would run on this machine, not on the hosts; such blocks are skipped.");
                }

                FleetConnection connection = FleetConnection();
                fleet = Run(host => RemoteTimeoutRead.Run(host, (RemoteTimeoutQuery)host.Item!, connection), report => report.Error != null);
                return;
            }

            ThrowIfConnectionParametersWithoutHosts();

            string? path = LiteralPath != null ? FileSystemPath(LiteralPath, expandWildcards: false)
                : Path != null ? FileSystemPath(Path, expandWildcards: true)
                : null;
            var options = new TimeoutReportOptions(TimeoutEnvironment.Current())
            {
                OpenSshVersion = version,
                Scopes = Scope,
                ConfigPath = path,
                Connection = new ServerConnection(User, ClientHostName, ClientAddress, LocalAddress, LocalPort),
                AllowMatchExec = AllowMatchExec,
                CancellationToken = CancellationToken,
            };

            try
            {
                reporter = TimeoutReporter.Open(options);
            }
            catch (SshKeepAliveException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex, LiteralPath ?? Path));
            }

            WriteVerbose("Scopes: " + string.Join(", ", reporter!.Scopes) + ".");
            foreach (string file in reporter.FilesRead)
            {
                WriteVerbose("Read " + file);
            }

            WriteDiagnostics(reporter.Diagnostics, path);
        }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            if (fleet != null)
            {
                var query = new RemoteTimeoutQuery
                {
                    Scopes = Scope,
                    ConfigPath = Path,
                    User = User,
                    ClientHostName = ClientHostName,
                    ClientAddress = ClientAddress,
                    LocalAddress = LocalAddress,
                    LocalPort = LocalPort,
                    OpenSshVersion = version,
                    HostNames = HostName,
                };
                foreach (string computerName in ComputerName!)
                {
                    fleet.Add(computerName, query);
                }

                Pump(fleet, untilFinished: false, Write);
                return;
            }

            foreach (string? hostName in reporter!.TargetsFor(HostName))
            {
                TargetReport report;
                try
                {
                    report = reporter.Report(hostName);
                }
                catch (SshKeepAliveException ex)
                {
                    WriteError(ErrorRecords.From(ex, hostName));
                    continue;
                }
                catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
                {
                    throw new PipelineStoppedException();
                }

                WriteDiagnostics(report.Diagnostics, report.Target);
                if (Summary)
                {
                    WriteObject(report.Summary);
                }
                else
                {
                    WriteObject(report.Settings, enumerateCollection: true);
                }
            }
        }

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            if (fleet != null)
            {
                Pump(fleet, untilFinished: true, Write);
                return;
            }

            if (!Summary)
            {
                WriteObject(reporter!.LocalSettings, enumerateCollection: true);
            }
        }

        // One host's report: its problems, then its rows (or summaries), which carry the host's name and a type name of their own.
        private void Write(RemoteTimeoutReport report)
        {
            if (report.Error != null)
            {
                WriteError(ErrorRecords.Create(report.Error.Id, report.Error, report.ComputerName));
                return;
            }

            WriteVerbose($"{report.ComputerName}: OpenSSH {report.OpenSshVersion ?? "of unknown release"}; read {string.Join(", ", report.FilesRead)} in {report.Duration.TotalSeconds:0.0} s.");
            WriteDiagnostics(report.Diagnostics, report.ComputerName, report.ComputerName);
            foreach (object row in Summary ? report.Summaries.Cast<object>() : report.Settings)
            {
                var shown = PSObject.AsPSObject(row);
                shown.TypeNames.Insert(0, row.GetType().FullName + RemoteTypeSuffix);
                WriteObject(shown);
            }
        }

        /// <summary>Warnings as warnings naming file:line; what OpenSSH would refuse as non-terminating errors.</summary>
        /// <remarks>A remote host's (<paramref name="computerName"/>) are named after it, and its errors have it as their target.</remarks>
        private void WriteDiagnostics(System.Collections.Generic.IEnumerable<ConfigDiagnostic> diagnostics, object? target, string? computerName = null)
        {
            foreach (ConfigDiagnostic diagnostic in diagnostics)
            {
                string text = diagnostic.ToString();
                if (computerName != null && !text.StartsWith(computerName + ":", StringComparison.Ordinal))
                {
                    text = computerName + ": " + text;
                }

                if (diagnostic.IsError)
                {
                    WriteError(ErrorRecords.Create(ErrorId.ConfigInvalid, text, computerName ?? diagnostic.Source?.ToString() ?? target));
                }
                else
                {
                    WriteWarning(text);
                }
            }
        }
    }
}
