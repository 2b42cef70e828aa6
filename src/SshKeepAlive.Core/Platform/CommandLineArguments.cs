using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace SshKeepAlive.Core.Platform
{
    /// <summary>
    /// Arguments joined into the one string <see cref="System.Diagnostics.ProcessStartInfo.Arguments"/> takes
    /// (netstandard2.0 has no ArgumentList), quoted so that the parser .NET splits it with, on every platform
    /// (Windows' CommandLineToArgvW rules), gives back exactly these arguments.
    /// </summary>
    internal static class CommandLineArguments
    {
        public static string Join(IEnumerable<string> arguments) => string.Join(" ", arguments.Select(Quote));

        private static string Quote(string argument)
        {
            if (argument.Length > 0 && !argument.Any(c => c == '"' || char.IsWhiteSpace(c)))
            {
                return argument;
            }

            // Backslashes are literal unless a quote follows them: then each is doubled and the quote escaped. Before the
            // closing quote they are doubled too.
            var quoted = new StringBuilder("\"");
            int backslashes = 0;
            foreach (char c in argument)
            {
                if (c == '\\')
                {
                    backslashes++;
                    continue;
                }

                quoted.Append('\\', c == '"' ? (backslashes * 2) + 1 : backslashes);
                quoted.Append(c);
                backslashes = 0;
            }

            return quoted.Append('\\', backslashes * 2).Append('"').ToString();
        }
    }
}
