namespace SshKeepAlive
{
    internal static class CompletionText
    {
        /// <summary>Single-quotes a completion when PowerShell would otherwise split or interpret it.</summary>
        public static string Quote(string value) =>
            value.IndexOfAny(new[] { ' ', '\t', '$', '`', '\'', '"', ';', '(', ')', '{', '}', '@', '#', '&', '|', ',' }) < 0
                ? value
                : "'" + value.Replace("'", "''") + "'";
    }
}
