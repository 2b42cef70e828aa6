using System.Collections.Generic;
using System.Management.Automation;
using SshKeepAlive.Commands;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.ServerConfig;
using SshKeepAlive.Core.Timeouts;

namespace SshKeepAlive
{
    /// <summary>
    /// What Get-SshTimeoutConfig and Test-SshKeepAlive select by: the hosts, the scopes, the config file, and the
    /// connection sshd's Match blocks are evaluated for; turned into one <see cref="TimeoutReportOptions"/>.
    /// </summary>
    public abstract class TimeoutReportCmdlet : SshKeepAliveCmdlet
    {
        /// <summary>Parameter set of -Path (wildcards allowed).</summary>
        protected const string ByPath = "Path";

        /// <summary>Parameter set of -LiteralPath.</summary>
        protected const string ByLiteralPath = "LiteralPath";

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

        /// <summary>
        /// The OpenSSH release to read the configs as (e.g. 9.2p1 or 10.0), such as that of the server a copied
        /// sshd_config comes from: its ssh and sshd refuse keywords of later releases. Default: the release of this
        /// machine's ssh and sshd.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? OpenSshVersion { get; set; }

        /// <summary>Run the commands of client <c>Match exec</c> lines to evaluate them, as ssh would. Off by default: such blocks are skipped with a warning.</summary>
        [Parameter]
        public SwitchParameter AllowMatchExec { get; set; }

        /// <summary>True when configuration errors are reported as findings rather than as errors (Test-SshKeepAlive).</summary>
        protected virtual bool ErrorsAreFindings => false;

        /// <summary>The config file -Path or -LiteralPath names, as a file-system path; null without one.</summary>
        protected string? ConfigPath { get; private set; }

        /// <summary>The options the selection parameters make, for this machine; -Path and -LiteralPath resolved.</summary>
        protected TimeoutReportOptions ReportOptions()
        {
            Core.OpenSsh.OpenSshVersion? version = null;
            if (OpenSshVersion != null && !Core.OpenSsh.OpenSshVersion.TryParse(OpenSshVersion, out version))
            {
                ThrowTerminatingError(ErrorRecords.Create(ErrorId.OpenSshVersionInvalid, $"'{OpenSshVersion}' is not an OpenSSH release such as 9.2p1 or 10.0.", OpenSshVersion));
            }

            ConfigPath = LiteralPath != null ? FileSystemPath(LiteralPath, expandWildcards: false)
                : Path != null ? FileSystemPath(Path, expandWildcards: true)
                : null;
            return new TimeoutReportOptions(TimeoutEnvironment.Current())
            {
                OpenSshVersion = version,
                Scopes = Scope,
                ConfigPath = ConfigPath,
                Connection = new ServerConnection(User, ClientHostName, ClientAddress, LocalAddress, LocalPort),
                AllowMatchExec = AllowMatchExec,
                CancellationToken = CancellationToken,
            };
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

            WriteDiagnostics(reporter.Diagnostics, ConfigPath);
        }

        /// <summary>
        /// Warnings as warnings naming file:line; what OpenSSH would refuse as non-terminating errors, unless
        /// <see cref="ErrorsAreFindings"/> (then on the verbose stream: they come back as findings).
        /// </summary>
        protected void WriteDiagnostics(IEnumerable<ConfigDiagnostic> diagnostics, object? target)
        {
            foreach (ConfigDiagnostic diagnostic in diagnostics)
            {
                if (diagnostic.IsError && ErrorsAreFindings)
                {
                    WriteVerbose(diagnostic.ToString());
                }
                else if (diagnostic.IsError)
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
