using System.Collections.Generic;
using System.Text;

namespace SshKeepAlive.Core.OpenSsh
{
    /// <summary>OpenSSH's %-token expansion (percent_expand): "%%" is '%', unknown tokens are an error.</summary>
    internal static class PercentExpander
    {
        public static string? Expand(string text, IReadOnlyDictionary<char, string> tokens, out string? error)
        {
            error = null;
            var result = new StringBuilder(text.Length);
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] != '%')
                {
                    result.Append(text[i]);
                    continue;
                }

                if (i + 1 >= text.Length)
                {
                    error = $"invalid format: '{text}' ends with '%'";
                    return null;
                }

                char key = text[++i];
                if (key == '%')
                {
                    result.Append('%');
                }
                else if (tokens.TryGetValue(key, out string? value))
                {
                    result.Append(value);
                }
                else
                {
                    error = $"unknown key %{key} in '{text}'";
                    return null;
                }
            }

            return result.ToString();
        }
    }
}
