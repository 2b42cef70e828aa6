namespace SshKeepAlive
{
    /// <summary>
    /// A host for -ComputerName: [user@]host or ssh://[user@]host[:port], as a string gives it. A type of its own, not a
    /// string, so that PowerShell binds pipeline input by value only from strings (and what converts to one through this
    /// constructor): other objects piped to a Set cmdlet (Get-SshTimeoutConfig's rows, files from Get-Item) are never
    /// taken for host names, while objects with a ComputerName property (Import-Csv rows) bind by property name.
    /// </summary>
    public sealed class SshComputerName
    {
        public SshComputerName(string name)
        {
            Name = name;
        }

        public string Name { get; }

        public override string ToString() => Name;
    }
}
