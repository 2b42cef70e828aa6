using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using SshKeepAlive.Testing;

namespace SshKeepAlive.Core.Tests.Config
{
    /// <summary>Seeded random ssh_config files built from a small vocabulary, so blocks often overlap.</summary>
    internal static class RandomClientConfig
    {
        public static readonly string[] Destinations = { "alpha", "Gamma", "web1", "bob@web2", "db.example.com", "root@beta" };

        private static readonly string[] HostPatterns = { "*", "alpha", "a*", "!beta", "web?", "*.example.com", "gamma", "Gamma", "!web2", "beta", "db*", "!*.com", "\"alpha\"", "*.internal", "WEB1", "?eta" };

        private static readonly string[] MatchCriteria =
        {
            "all", "host alpha*", "!host web1", "originalhost gamma", "host *.example.com", "user bob", "user !root,*",
            "localuser root", "final", "canonical", "host a*,!alpha", "host web2 user bob", "!final host beta", "originalhost=web*",
            "host *.internal", "host \"db.*,alpha*\"", "!canonical", "final host *.INTERNAL", "all # comment", "user carol",
        };

        private static readonly Dictionary<string, string[]> Values = new Dictionary<string, string[]>
        {
            ["ServerAliveInterval"] = new[] { "10", "1m", "2h5s", "none", "0", "90S" },
            ["ServerAliveCountMax"] = new[] { "1", "5", "0" },
            ["TCPKeepAlive"] = new[] { "yes", "no", "No" },
            ["ConnectTimeout"] = new[] { "5", "none", "1m" },
            ["ConnectionAttempts"] = new[] { "2", "3" },
            ["HostName"] = new[] { "alpha.example.com", "%h.internal", "Gamma", "10.0.0.1", "\"web1\"", "%h.EXAMPLE.com", "%%h" },
            ["Port"] = new[] { "22", "2222", "ssh" },
            ["User"] = new[] { "bob", "root", "carol" },
            ["IdentityFile"] = new[] { "~/.ssh/k1", "~/.ssh/k2", "\"~/.ssh/k 3\"" },
            ["StrictHostKeyChecking"] = new[] { "yes", "no", "ask", "accept-new", "off" },
            ["UserKnownHostsFile"] = new[] { "~/.ssh/kh_%h", "/tmp/a /tmp/b", "none" },
            ["CanonicalizeHostname"] = new[] { "no", "no", "yes" },
            ["SendEnv"] = new[] { "LANG" },
        };

        private static readonly string[] Separators = { " ", "=", " = ", "\t", "  " };

        private static readonly string[] Invalid = { "ServerAliveInterval 5x", "Port 0", "ServerAliveCountMax -1", "Match host", "TCPKeepAlive maybe" };

        public static string Write(Random random, TempDirectory dir)
        {
            string included = Path.Combine(dir.Path, "included.conf");
            File.WriteAllText(included, LineEndings(random, Body(random, random.Next(2, 6), dir, allowInclude: false)));
            string path = Path.Combine(dir.Path, "config");
            File.WriteAllText(path, LineEndings(random, Body(random, random.Next(3, 10), dir, allowInclude: true)));
            return path;
        }

        /// <summary>One random line as an edit could write it: a setting, a Host or Match line, a comment or a blank line.</summary>
        public static string Line(Random random)
        {
            switch (random.Next(5))
            {
                case 0:
                    return "Host " + Pick(random, HostPatterns);
                case 1:
                    return "Match " + Pick(random, MatchCriteria);
                case 2:
                    return random.Next(2) == 0 ? "# edited" : string.Empty;
                default:
                    var text = new StringBuilder();
                    AppendDirectives(random, text, "    ", 1);
                    return text.ToString().TrimEnd('\n');
            }
        }

        private static string LineEndings(Random random, string text) => random.Next(4) == 0 ? text.Replace("\n", "\r\n") : text;

        private static string Body(Random random, int blocks, TempDirectory dir, bool allowInclude)
        {
            var text = new StringBuilder();
            AppendDirectives(random, text, string.Empty, random.Next(0, 3));
            for (int b = 0; b < blocks; b++)
            {
                if (random.Next(3) == 0)
                {
                    text.Append("Match ").Append(Pick(random, MatchCriteria)).Append('\n');
                }
                else
                {
                    int patterns = random.Next(1, 4);
                    text.Append("Host ").Append(string.Join(" ", Enumerable.Range(0, patterns).Select(_ => Pick(random, HostPatterns)))).Append('\n');
                }

                AppendDirectives(random, text, "    ", random.Next(1, 5));
                if (allowInclude && random.Next(4) == 0)
                {
                    text.Append("    Include ").Append(Path.Combine(dir.Path, "included.conf")).Append('\n');
                }

                if (random.Next(30) == 0)
                {
                    text.Append("    ").Append(Pick(random, Invalid)).Append('\n');
                }
            }

            return text.ToString();
        }

        private static void AppendDirectives(Random random, StringBuilder text, string indentation, int count)
        {
            for (int i = 0; i < count; i++)
            {
                KeyValuePair<string, string[]> keyword = Values.ElementAt(random.Next(Values.Count));
                string name = random.Next(6) == 0 ? keyword.Key.ToUpperInvariant() : keyword.Key;
                text.Append(indentation).Append(name).Append(Pick(random, Separators)).Append(Pick(random, keyword.Value));
                text.Append(random.Next(8) == 0 ? " # note\n" : "\n");
            }
        }

        private static string Pick(Random random, string[] items) => items[random.Next(items.Length)];
    }
}
