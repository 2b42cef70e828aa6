using System;
using System.Collections.Generic;
using System.Text;

namespace SshKeepAlive.Core.OpenSsh
{
    /// <summary>
    /// OpenSSH's %-token expansion (percent_expand): "%%" is '%', unknown tokens are an error; and, for the keywords
    /// ssh gives percent_dollar_expand (IdentityFile, CertificateFile, IdentityAgent, UserKnownHostsFile, ...), also
    /// <c>${NAME}</c>, the environment variable NAME, an error when it is not set.
    /// </summary>
    internal static class PercentExpander
    {
        public static string? Expand(string text, IReadOnlyDictionary<char, string> tokens, out string? error) =>
            Expand(text, tokens, null, out error);

        /// <summary>Expands %-tokens and, when <paramref name="environment"/> is given, <c>${NAME}</c> (null: the text is kept).</summary>
        public static string? Expand(string text, IReadOnlyDictionary<char, string> tokens, Func<string, string?>? environment, out string? error)
        {
            error = null;
            var result = new StringBuilder(text.Length);
            for (int i = 0; i < text.Length; i++)
            {
                if (environment != null && text[i] == '$' && i + 1 < text.Length && text[i + 1] == '{')
                {
                    int close = text.IndexOf('}', i + 2);
                    if (close < 0)
                    {
                        error = $"environment variable '{text.Substring(i + 2)}' missing closing '}}' in '{text}'";
                        return null;
                    }

                    string name = text.Substring(i + 2, close - i - 2);
                    string? value = name.Length == 0 ? null : environment(name);
                    if (value == null)
                    {
                        error = name.Length == 0 ? $"zero-length environment variable in '{text}'" : $"env var ${{{name}}} has no value (in '{text}')";
                        return null;
                    }

                    result.Append(value);
                    i = close;
                    continue;
                }

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
