using System;
using System.Collections.Generic;
using System.Management.Automation;
using SshKeepAlive.Commands;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Fleet;
using SshKeepAlive.Core.ServerConfig;
using SshKeepAlive.Core.Timeouts;

namespace SshKeepAlive
{
    /// <summary>
    /// What Get-SshTimeoutConfig and Test-SshKeepAlive select by: the hosts, the scopes, the config file, and the
    /// connection sshd's Match blocks are evaluated for; turned into one <see cref="TimeoutReportOptions"/> for this
    /// machine, or with -ComputerName into one <see cref="RemoteTimeoutQuery"/> for every server named.
    /// </summary>
    public abstract class TimeoutReportCmdlet : FleetCmdlet
    {
        /// <summary>Parameter set of -Path (wildcards allowed).</summary>
        protected const string ByPath = "Path";

        /// <summary>Parameter set of -LiteralPath.</summary>
        protected const string ByLiteralPath = "LiteralPath";

        /// <summary>Parameter set of -ComputerName (remote servers).</summary>
        protected const string ByComputerName = "ComputerName";

        private Core.OpenSsh.OpenSshVersion? version;
        private bool opened;

        /// <summary>Hosts (<c>[user@]host</c>) to resolve the client config for, as <c>ssh -G</c> does. Default: "*", the settings of a host no specific block names.</summary>
        [Parameter(ParameterSetName = ByPath, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ByLiteralPath, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ByComputerName, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Host")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SshHostNameCompleter))]
        public string[]? HostName { get; set; }

        /// <summary>
        /// Servers to read over SSH instead of this machine ([user@]host or ssh://[user@]host[:port]), in parallel
        /// (-ThrottleLimit), nothing installed there; from the pipeline, objects with a ComputerName property (Import-Csv).
        /// The server scope reads the config the host's sshd runs with. Not by value: a string piped in is a -HostName, as
        /// it always was (Measure-SshIdleTimeout | Test-SshKeepAlive).
        /// </summary>
        [Parameter(ParameterSetName = ByComputerName, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SshHostNameCompleter))]
        public string[]? ComputerName { get; set; }

        /// <summary>What to report: Client, Server, Shell, Kernel. Default: every scope that applies on this machine.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public TimeoutScope[]? Scope { get; set; }

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

        /// <summary>The user logging in, for the server's Match User/Group (<c>sshd -C user=</c>); the shell scope reads this user's startup files. With -ComputerName, also whose ~/.ssh/config on the hosts (default: the login user).</summary>
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

        /// <summary>
        /// The OpenSSH release to read the configs as (e.g. 9.2p1 or 10.0), such as that of the server a copied
        /// sshd_config comes from: its ssh and sshd refuse keywords of later releases. Default: the release of this
        /// machine's ssh and sshd (with -ComputerName, each host's).
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? OpenSshVersion { get; set; }

        /// <summary>Run the commands of client <c>Match exec</c> lines to evaluate them, as ssh would. Off by default: such blocks are skipped with a warning. Not with -ComputerName.</summary>
        [Parameter]
        public SwitchParameter AllowMatchExec { get; set; }

        /// <summary>True when the command reads remote servers (-ComputerName).</summary>
        protected bool IsRemote => ParameterSetName == ByComputerName;

        /// <summary>True when configuration errors are reported as findings rather than as errors (Test-SshKeepAlive).</summary>
        protected virtual bool ErrorsAreFindings => false;

        /// <summary>The config file -Path or -LiteralPath names, as a file-system path; null without one.</summary>
        protected string? ReportPath { get; private set; }

        /// <inheritdoc />
        protected override void BeginProcessing()
        {
            // Hosts may still come from the pipeline (objects with a ComputerName): the parameter set is known with the first input.
            if (!MyInvocation.ExpectingInput)
            {
                EnsureOpened();
            }
        }

        /// <summary>Reads this machine (<see cref="OpenLocal"/>) or starts the run on the hosts (<see cref="OpenRemote"/>), once, when the parameter set is known.</summary>
        protected void EnsureOpened()
        {
            if (opened)
            {
                return;
            }

            opened = true;
            if (OpenSshVersion != null && !Core.OpenSsh.OpenSshVersion.TryParse(OpenSshVersion, out version))
            {
                ThrowTerminatingError(ErrorRecords.Create(ErrorId.OpenSshVersionInvalid, $"'{OpenSshVersion}' is not an OpenSSH release such as 9.2p1 or 10.0.", OpenSshVersion));
            }

            if (IsRemote)
            {
                if (AllowMatchExec)
                {
                    WriteWarning("-AllowMatchExec does not apply with -ComputerName: Match exec commands would run on this machine, not on the hosts; such blocks are skipped.");
                }

                OpenRemote(FleetConnection());
                return;
            }

            ThrowIfConnectionParametersWithoutHosts();
            OpenLocal(ReportOptions());
        }

        /// <summary>Reads this machine as the options say.</summary>
        protected abstract void OpenLocal(TimeoutReportOptions options);

        /// <summary>Starts the run on the hosts, reached through <paramref name="connection"/>.</summary>
        protected abstract void OpenRemote(FleetConnection connection);

        /// <summary>The options the selection parameters make, for this machine; -Path and -LiteralPath resolved.</summary>
        private TimeoutReportOptions ReportOptions()
        {
            ReportPath = LiteralPath != null ? FileSystemPath(LiteralPath, expandWildcards: false)
                : Path != null ? FileSystemPath(Path, expandWildcards: true)
                : null;
            return new TimeoutReportOptions(TimeoutEnvironment.Current())
            {
                OpenSshVersion = version,
                Scopes = Scope,
                ConfigPath = ReportPath,
                Connection = new ServerConnection(User, ClientHostName, ClientAddress, LocalAddress, LocalPort),
                AllowMatchExec = AllowMatchExec,
                CancellationToken = CancellationToken,
            };
        }

        /// <summary>What the selection parameters ask of every host named by -ComputerName (this pipeline input's).</summary>
        protected RemoteTimeoutQuery RemoteQuery() => new RemoteTimeoutQuery
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

        /// <summary>Queues every host of -ComputerName with <paramref name="item"/> and writes what earlier hosts have finished.</summary>
        protected void AddHosts<TResult>(FleetRun<TResult> fleet, object item, Action<TResult> write)
        {
            foreach (string computerName in ComputerName!)
            {
                fleet.Add(computerName, item);
            }

            Pump(fleet, untilFinished: false, write);
        }

        /// <summary>The failure of opening the report ends the command, about the path given.</summary>
        protected void ThrowOpenFailure(SshKeepAliveException exception) => ThrowTerminatingError(ErrorRecords.From(exception, LiteralPath ?? Path));

        /// <summary>Says on the verbose stream what was read, and writes what was found in it.</summary>
        protected void WriteReadingSummary(TimeoutReporter reporter)
        {
            WriteVerbose("Scopes: " + string.Join(", ", reporter.Scopes) + ".");
            foreach (string file in reporter.FilesRead)
            {
                WriteVerbose("Read " + file);
            }

            WriteDiagnostics(reporter.Diagnostics, ReportPath);
        }

        /// <summary>
        /// Warnings as warnings naming file:line; what OpenSSH would refuse as non-terminating errors, unless
        /// <see cref="ErrorsAreFindings"/> (then on the verbose stream: they come back as findings). A remote host's
        /// (<paramref name="computerName"/>) are named after it, and its errors have it as their target.
        /// </summary>
        protected void WriteDiagnostics(IEnumerable<ConfigDiagnostic> diagnostics, object? target, string? computerName = null)
        {
            foreach (ConfigDiagnostic diagnostic in diagnostics)
            {
                string text = diagnostic.ToString();
                if (computerName != null && !text.StartsWith(computerName + ":", StringComparison.Ordinal))
                {
                    text = computerName + ": " + text;
                }

                if (diagnostic.IsError && ErrorsAreFindings)
                {
                    WriteVerbose(text);
                }
                else if (diagnostic.IsError)
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
