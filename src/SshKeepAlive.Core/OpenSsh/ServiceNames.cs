using System;
using System.Collections.Generic;
using System.IO;

namespace SshKeepAlive.Core.OpenSsh
{
    /// <summary>
    /// TCP service names from /etc/services, which OpenSSH accepts for Port (getservbyname): exact,
    /// case-sensitive names and aliases. Empty where the file does not exist (Windows).
    /// </summary>
    internal static class ServiceNames
    {
        private static readonly Lazy<Dictionary<string, int>> TcpPorts = new Lazy<Dictionary<string, int>>(() => Read("/etc/services"));

        public static bool TryGetTcpPort(string name, out int port) => TcpPorts.Value.TryGetValue(name, out port);

        internal static Dictionary<string, int> Read(string path)
        {
            var ports = new Dictionary<string, int>(StringComparer.Ordinal);
            if (!File.Exists(path))
            {
                return ports;
            }

            foreach (string raw in File.ReadLines(path))
            {
                int hash = raw.IndexOf('#');
                string[] fields = (hash >= 0 ? raw.Substring(0, hash) : raw).Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 2 || !fields[1].EndsWith("/tcp", StringComparison.Ordinal) ||
                    !OpenSshValues.TryParsePort(fields[1].Substring(0, fields[1].Length - 4), out int port))
                {
                    continue;
                }

                for (int i = 0; i < fields.Length; i++)
                {
                    if (i != 1 && !ports.ContainsKey(fields[i]))
                    {
                        ports[fields[i]] = port;
                    }
                }
            }

            return ports;
        }
    }
}
