using System;
using System.Collections.Generic;
using System.Linq;

namespace SshKeepAlive.Core.Platform
{
    /// <summary>
    /// Users and group membership as sshd's "Match Group" sees them: a user's primary group from the passwd
    /// database plus every group that lists the user as a member. Read from files in /etc/passwd and /etc/group
    /// format (other NSS sources such as LDAP are not consulted). Each file is read once, when first needed.
    /// </summary>
    public sealed class UnixAccounts
    {
        private readonly string passwdPath;
        private readonly string groupPath;
        private readonly IReadOnlyFileSystem files;
        private IReadOnlyList<string[]>? passwdRecords;
        private IReadOnlyList<string[]>? groupRecords;

        /// <param name="passwdPath">The passwd file.</param>
        /// <param name="groupPath">The group file.</param>
        /// <param name="files">The machine they are read on (default: this one).</param>
        public UnixAccounts(string passwdPath = "/etc/passwd", string groupPath = "/etc/group", IReadOnlyFileSystem? files = null)
        {
            this.passwdPath = passwdPath;
            this.groupPath = groupPath;
            this.files = files ?? LocalFileSystem.Instance;
        }

        /// <summary>True when the account files exist to be read (false on Windows).</summary>
        public bool IsAvailable => files.FileExists(passwdPath) && files.FileExists(groupPath);

        /// <summary>The names of the groups <paramref name="user"/> belongs to; null when there is no such user.</summary>
        public IReadOnlyList<string>? GroupsOf(string user)
        {
            string? primaryGid = null;
            foreach (string[] fields in PasswdRecords)
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
            foreach (string[] fields in GroupRecords)
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

        /// <summary>An account that belongs to <paramref name="group"/> (primary or listed member); null when none does.</summary>
        public string? MemberOf(string group)
        {
            foreach (string[] fields in GroupRecords)
            {
                if (fields.Length >= 4 && fields[0] == group)
                {
                    string? listed = fields[3].Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
                    if (listed != null)
                    {
                        return listed;
                    }

                    return PasswdRecords.Where(p => p.Length >= 4 && p[3] == fields[2]).Select(p => p[0]).FirstOrDefault();
                }
            }

            return null;
        }

        /// <summary>The numeric user and primary group ids of <paramref name="user"/> ("1000:1000", as chown takes them); null when there is no such user.</summary>
        public string? OwnerOf(string user)
        {
            foreach (string[] fields in PasswdRecords)
            {
                if (fields.Length >= 4 && fields[0] == user)
                {
                    return fields[2] + ":" + fields[3];
                }
            }

            return null;
        }

        /// <summary>The home directory the passwd database gives <paramref name="user"/>; null when there is no such user.</summary>
        public string? HomeOf(string user)
        {
            foreach (string[] fields in PasswdRecords)
            {
                if (fields.Length >= 6 && fields[0] == user)
                {
                    return fields[5];
                }
            }

            return null;
        }

        /// <summary>The login shell the passwd database gives <paramref name="user"/>; null when there is no such user or field.</summary>
        public string? ShellOf(string user)
        {
            foreach (string[] fields in PasswdRecords)
            {
                if (fields.Length >= 7 && fields[0] == user)
                {
                    return fields[6].Length == 0 ? null : fields[6];
                }
            }

            return null;
        }

        // Match Group is evaluated on both of sshd's passes, and the shell scope looks up the user's home too.
        private IReadOnlyList<string[]> PasswdRecords => passwdRecords ??= Records(passwdPath);

        private IReadOnlyList<string[]> GroupRecords => groupRecords ??= Records(groupPath);

        private IReadOnlyList<string[]> Records(string path)
        {
            if (!files.FileExists(path))
            {
                return Array.Empty<string[]>();
            }

            return files.ReadAllLines(path)
                .Where(line => line.Length > 0 && line[0] != '#')
                .Select(line => line.Split(':'))
                .ToList();
        }
    }
}
