using System;
using System.Management.Automation;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.ServerConfig;
using SshKeepAlive.Core.Timeouts;

namespace SshKeepAlive.Commands
{
    /// <summary>Reports every setting that can end an idle SSH session, with its effective value and where it comes from.</summary>
    [Cmdlet(VerbsCommon.Get, "SshTimeoutConfig", DefaultParameterSetName = ByPath)]
    [OutputType(typeof(TimeoutSetting), typeof(TimeoutSummary))]
    public sealed class GetSshTimeoutConfigCommand : SshKeepAliveCmdlet
    {
        private const string ByPath = "Path";
        private const string ByLiteralPath = "LiteralPath";

        private TimeoutReporter? reporter;

        /// <summary>Hosts (<c>[user@]host</c>) to resolve the client config for, as <c>ssh -G</c> does. Default: "*", the settings of a host no specific block names.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Host")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SshHostNameCompleter))]
        public string[]? HostName { get; set; }

        /// <summary>What to report: Client, Server, Shell, Kernel. Default: every scope that applies on this machine.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public TimeoutScope[]? Scope { get; set; }

        /// <summary>A config file to read instead of the default ones (like <c>ssh -F</c> / <c>sshd -f</c>): the client config, or the server config with -Scope Server. Wildcards must match one file.</summary>
        [Parameter(ParameterSetName = ByPath)]
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
            OpenSshVersion? version = null;
            if (OpenSshVersion != null && !Core.OpenSsh.OpenSshVersion.TryParse(OpenSshVersion, out version))
            {
                ThrowTerminatingError(ErrorRecords.Create(ErrorId.OpenSshVersionInvalid, $"'{OpenSshVersion}' is not an OpenSSH release such as 9.2p1 or 10.0.", OpenSshVersion));
            }

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
            if (!Summary)
            {
                WriteObject(reporter!.LocalSettings, enumerateCollection: true);
            }
        }

        /// <summary>Warnings as warnings naming file:line; what OpenSSH would refuse as non-terminating errors.</summary>
        private void WriteDiagnostics(System.Collections.Generic.IEnumerable<ConfigDiagnostic> diagnostics, object? target)
        {
            foreach (ConfigDiagnostic diagnostic in diagnostics)
            {
                if (diagnostic.IsError)
                {
                    WriteError(ErrorRecords.Create(ErrorId.ConfigInvalid, diagnostic.ToString(), diagnostic.Source?.ToString() ?? target));
                }
                else
                {
                    WriteWarning(diagnostic.ToString());
                }
            }
        }
    }
}
