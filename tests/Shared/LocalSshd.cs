namespace SshKeepAlive.Testing
{
    /// <summary>
    /// This machine's own sshd, which the cmdlets run (sshd -t) to validate a server edit, as they would on any
    /// server. Tests that edit a server config through the cmdlets arrange what that sshd needs besides the
    /// config, instead of relying on an earlier run (or the ssh service) having made it.
    /// </summary>
    public static class LocalSshd
    {
        /// <summary>Creates sshd's privilege separation directory /run/sshd as the ssh service does when it starts.</summary>
        public static void EnsurePrivilegeSeparationDirectory()
        {
            ProcessOutcome install = ProcessRunner.Run(System.TimeSpan.FromSeconds(10), "install", "-d", "-m", "0755", "/run/sshd");
            if (install.ExitCode != 0)
            {
                throw new System.InvalidOperationException("cannot create /run/sshd: " + install.Error);
            }
        }
    }
}
