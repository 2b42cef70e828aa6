using System;
using System.Collections.Generic;
using System.IO;

namespace SshKeepAlive.Core.Config
{
    /// <summary>
    /// Users and group membership as sshd's "Match Group" sees them: a user's primary group from the passwd
    /// database plus every group that lists the user as a member. Read from files in /etc/passwd and /etc/group
    /// format (other NSS sources such as LDAP are not consulted).
    /// </summary>
    public sealed class UnixAccounts
    {
        private readonly string passwdPath;
        private readonly string groupPath;

        public UnixAccounts(string passwdPath = "/etc/passwd", string groupPath = "/etc/group")
        {
            this.passwdPath = passwdPath;
            this.groupPath = groupPath;
        }

        /// <summary>True when the account files exist to be read (false on Windows).</summary>
        public bool IsAvailable => File.Exists(passwdPath) && File.Exists(groupPath);

        /// <summary>The names of the groups <paramref name="user"/> belongs to; null when there is no such user.</summary>
        public IReadOnlyList<string>? GroupsOf(string user)
        {
            string? primaryGid = null;
            foreach (string[] fields in Records(passwdPath))
            {
                if (fields.Length >= 4 && fields[0] == user)
                {
                    primaryGid = fields[3];
                    break;
                }
            }

            if (primaryGid == null)
            {
                return null;
            }

            var groups = new List<string>();
            foreach (string[] fields in Records(groupPath))
            {
                if (fields.Length < 4)
                {
                    continue;
                }

                bool member = fields[2] == primaryGid || Array.IndexOf(fields[3].Split(','), user) >= 0;
                if (member && !groups.Contains(fields[0]))
                {
                    groups.Add(fields[0]);
                }
            }

            return groups;
        }

        private static IEnumerable<string[]> Records(string path)
        {
            if (!File.Exists(path))
            {
                yield break;
            }

            foreach (string line in File.ReadAllLines(path))
            {
                if (line.Length > 0 && line[0] != '#')
                {
                    yield return line.Split(':');
                }
            }
        }
    }
}
