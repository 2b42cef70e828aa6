namespace SshKeepAlive.Commands
{
    /// <summary>
    /// -Scope of the config-editing cmdlets. Declared here, not in Core: a value-type field of a Core type would
    /// make PowerShell load Core while it scans the cmdlets, before the module's dependency loader is registered.
    /// Shell and Kernel mirror Get-SshTimeoutConfig's scopes so that its rows bind by property name; such rows
    /// are skipped, as these cmdlets edit only ssh and sshd configs.
    /// </summary>
    public enum ConfigScope
    {
        /// <summary>ssh_config: ~/.ssh/config or the system-wide client file.</summary>
        Client,

        /// <summary>sshd_config (global settings).</summary>
        Server,

        /// <summary>Shell startup files: not edited by these cmdlets.</summary>
        Shell,

        /// <summary>Kernel TCP settings: not edited by these cmdlets.</summary>
        Kernel,
    }
}
