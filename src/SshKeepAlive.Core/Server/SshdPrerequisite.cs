using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using SshKeepAlive.Core.Errors;

namespace SshKeepAlive.Core.Server
{
    /// <summary>
    /// Something sshd needs besides the config it is asked to judge. When it is missing, sshd -t fails
    /// whatever the config says, so its verdict is about this machine, not about an edit.
    /// </summary>
    public sealed class SshdPrerequisite
    {
        // sshd's own words for each (the same in OpenSSH 8.4, 9.2 and 10.0); sshd stops at the first it finds.
        private static readonly IReadOnlyList<(Regex Said, System.Func<Match, SshdPrerequisite> Missing)> Known = new (Regex, System.Func<Match, SshdPrerequisite>)[]
        {
            (new Regex(@"Missing privilege separation directory: (?<path>\S+)"), m => new SshdPrerequisite(
                ErrorId.SshdPrivilegeSeparationDirectoryMissing,
                $"sshd's privilege separation directory {m.Groups["path"].Value} does not exist (the ssh service creates it when it starts; on a machine or image where sshd has never run it is missing)",
                $"Create it with 'install -d -m 0755 {m.Groups["path"].Value}' (or start the ssh service once), then run the command again.")),
            (new Regex(@"Privilege separation user (?<user>\S+) does not exist"), m => new SshdPrerequisite(
                ErrorId.SshdPrivilegeSeparationUserMissing,
                $"sshd's privilege separation user '{m.Groups["user"].Value}' does not exist",
                $"Create the system account (the openssh-server package does: 'useradd --system --home-dir /run/sshd --shell /usr/sbin/nologin {m.Groups["user"].Value}'), then run the command again.")),
            (new Regex(@"no hostkeys available"), _ => new SshdPrerequisite(
                ErrorId.SshdHostKeysMissing,
                "sshd finds no host key to load (none of the files its HostKey lines name, by default /etc/ssh/ssh_host_*_key, exists)",
                "Generate the default host keys with 'ssh-keygen -A' (or point HostKey at existing keys), then run the command again.")),
        };

        private SshdPrerequisite(ErrorId id, string cause, string fix)
        {
            Id = id;
            Cause = cause;
            Fix = fix;
        }

        /// <summary>The error a refused edit reports, e.g. <see cref="ErrorId.SshdPrivilegeSeparationDirectoryMissing"/>.</summary>
        public ErrorId Id { get; }

        /// <summary>What is missing, in a sentence.</summary>
        public string Cause { get; }

        /// <summary>What to run or change to provide it.</summary>
        public string Fix { get; }

        /// <summary>The prerequisite sshd's error output says is missing, or null when it speaks of the config.</summary>
        public static SshdPrerequisite? FindMissing(string sshdError) =>
            Known.Select(k => (Match: k.Said.Match(sshdError), k.Missing)).Where(k => k.Match.Success).Select(k => k.Missing(k.Match)).FirstOrDefault();

        internal static SshdPrerequisite Binary(string sshdPath, string? why) => new SshdPrerequisite(
            ErrorId.SshdNotFound,
            $"{sshdPath} cannot be run{(why == null ? " (no such file)" : ": " + why)}",
            "Install OpenSSH's server (openssh-server) so that sshd can check the config, then run the command again.");
    }
}
