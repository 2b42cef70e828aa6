using System;
using System.Linq;
using System.Management.Automation;
using SshKeepAlive.Commands;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.Sessions;

namespace SshKeepAlive
{
    /// <summary>
    /// The destination every cmdlet that opens a session shares (New-PersistentSshSession, Enter-PersistentSsh,
    /// Measure-SshIdleTimeout) on top of the connection parameters, turned into <see cref="SshSessionSettings"/>: what
    /// ssh_config says for the destination (as ssh -G), then the parameters the user bound on top.
    /// </summary>
    public abstract class SshConnectionCmdlet : ConnectionParametersCmdlet
    {
        /// <summary>The destination: <c>[user@]host</c> or <c>ssh://[user@]host[:port]</c>.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SshHostNameCompleter))]
        public string HostName { get; set; } = string.Empty;

        /// <summary>The server's port; default: the port in HostName, else ssh_config's Port, else 22.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 65535)]
        public int? Port { get; set; }

        /// <summary>Runs the commands of Match exec lines in ssh_config to decide their blocks, as ssh does; without it such blocks do not match (a warning names each).</summary>
        [Parameter]
        public SwitchParameter AllowMatchExec { get; set; }

        /// <summary>
        /// The session settings: ssh_config for the destination, the parameters bound on top (Core decides how they
        /// combine). Warnings go to the warning stream; a destination, config or delay Core refuses ends the command.
        /// </summary>
        protected SshSessionSettings BuildSettings(string? name = null)
        {
            SessionSettingsResult result;
            try
            {
                result = SessionSettingsBuilder.Build(Request(name), ClientEnvironment.Current());
            }
            catch (SshKeepAliveException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex, HostName));
                throw;
            }

            foreach (ConfigDiagnostic warning in result.Warnings)
            {
                WriteWarning(warning.Problem == ConfigProblem.MatchExecNotRun && !AllowMatchExec ? warning + " (-AllowMatchExec runs it)" : warning.ToString());
            }

            if (result.UnsupportedWarning is string unsupported)
            {
                WriteWarning(unsupported);
            }

            WriteVerbose("From ssh_config: " + string.Join("; ", result.FromConfig.Select(s => s.ToString())));
            return result.Settings;
        }

        /// <summary>The request the bound parameters make; subclasses add their own choices.</summary>
        protected virtual SshSessionRequest Request(string? name)
        {
            SshSessionRequest request = ConnectionRequest(HostName);
            request.Name = name;
            request.Port = Port;
            request.RunMatchExec = AllowMatchExec;
            return request;
        }
    }
}
