using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.ServerConfig;
using SshKeepAlive.Core.Timeouts;

namespace SshKeepAlive.Commands
{
    /// <summary>Reports every setting that can end an idle SSH session, with its effective value and where it comes from.</summary>
    [Cmdlet(VerbsCommon.Get, "SshTimeoutConfig")]
    [OutputType(typeof(TimeoutSetting), typeof(TimeoutSummary))]
    public sealed class GetSshTimeoutConfigCommand : SshKeepAliveCmdlet
    {
        private TimeoutReporter? reporter;
        private bool reportedLocalTarget;

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

        /// <summary>A config file to read instead of the default ones (like <c>ssh -F</c> / <c>sshd -f</c>): the client config, or the server config with -Scope Server.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

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
                ThrowTerminatingError(ErrorRecords.Create(new ArgumentException($"'{OpenSshVersion}' is not an OpenSSH version."), "InvalidOpenSshVersion", ErrorCategory.InvalidArgument, OpenSshVersion,
                    "Give an OpenSSH release as its programs print it, such as 9.2p1 or 10.0 (ssh -V on the server shows it)."));
            }

            var options = new TimeoutReportOptions(TimeoutEnvironment.Current())
            {
                OpenSshVersion = version,
                Scopes = Scope,
                ConfigPath = Path == null ? null : GetUnresolvedProviderPathFromPSPath(Path),
                Connection = new ServerConnection(User, ClientHostName, ClientAddress, LocalAddress, LocalPort),
                AllowMatchExec = AllowMatchExec,
            };

            try
            {
                reporter = TimeoutReporter.Open(options);
            }
            catch (FileNotFoundException ex)
            {
                ThrowTerminatingError(ErrorRecords.Create(ex, "PathNotFound", ErrorCategory.ObjectNotFound, Path,
                    "Give the path of an existing ssh_config or sshd_config file, or omit -Path to read the default ones."));
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(ErrorRecords.Create(ex, "PathScopeAmbiguous", ErrorCategory.InvalidArgument, Scope,
                    "With -Path, give -Scope Client (the default) or -Scope Server."));
            }

            WriteVerbose("Scopes: " + string.Join(", ", reporter!.Scopes) + ".");
            foreach (string file in reporter.FilesRead)
            {
                WriteVerbose("Read " + file);
            }

            WriteDiagnostics(reporter.Diagnostics, Path);
        }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            bool perHost = reporter!.Scopes.Contains(TimeoutScope.Client);
            foreach (string? hostName in perHost && HostName != null ? HostName : new string?[] { null })
            {
                if (!perHost && reportedLocalTarget)
                {
                    return;
                }

                TargetReport report;
                try
                {
                    report = reporter.Report(hostName);
                }
                catch (FormatException ex)
                {
                    WriteError(ErrorRecords.Create(ex, "InvalidHostName", ErrorCategory.InvalidArgument, hostName,
                        "Give a host as ssh takes it: [user@]host."));
                    continue;
                }

                reportedLocalTarget = true;
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
                    WriteError(ErrorRecords.Create(diagnostic.ToString(), "SshConfigInvalid", ErrorCategory.InvalidData, diagnostic.Source?.ToString() ?? target,
                        "Fix the line: ssh or sshd would refuse this configuration."));
                }
                else
                {
                    WriteWarning(diagnostic.ToString());
                }
            }
        }
    }
}
