using System.Text;

namespace SshKeepAlive.Core.ConfigDocuments
{
    /// <summary>Writes a value so that OpenSSH's argument splitting reads back exactly that value.</summary>
    public static class ArgumentFormatter
    {
        /// <summary>
        /// Formats one argument: bare when it can be, in double quotes when it holds whitespace, quotes, a leading
        /// '#', or is empty (or when <paramref name="preferQuotes"/>), escaping backslashes only where OpenSSH
        /// would otherwise take them as escapes.
        /// </summary>
        public static string Format(string value, bool preferQuotes = false)
        {
            bool needsQuotes = preferQuotes || value.Length == 0 || value[0] == '#' ||
                value.IndexOfAny(new[] { ' ', '\t', '"', '\'' }) >= 0;
            var text = new StringBuilder(value.Length + 2);
            if (needsQuotes)
            {
                text.Append('"');
            }

            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                char next = i + 1 < value.Length ? value[i + 1] : '\0';
                if (c == '"' && needsQuotes)
                {
                    text.Append("\\\"");
                }
                else if (c == '\\' && (next == '\\' || next == '"' || next == '\'' || (next == '\0' && needsQuotes)))
                {
                    text.Append("\\\\");
                }
                else
                {
                    text.Append(c);
                }
            }

            if (needsQuotes)
            {
                text.Append('"');
            }

            return text.ToString();
        }
    }
}
