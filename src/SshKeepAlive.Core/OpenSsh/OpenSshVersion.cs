using System;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace SshKeepAlive.Core.OpenSsh
{
    /// <summary>
    /// An OpenSSH release as its programs name it: "OpenSSH_9.2p1 Debian-2+deb12u10" (ssh -V) is 9.2p1. What a
    /// release accepts is in <see cref="OpenSshReleases"/>; the portable suffix (p1) never changes that.
    /// </summary>
    public sealed class OpenSshVersion : IComparable<OpenSshVersion>, IEquatable<OpenSshVersion>
    {
        private static readonly Regex Banner = new Regex(@"OpenSSH_(?<major>\d+)\.(?<minor>\d+)(?:p(?<portable>\d+))?", RegexOptions.CultureInvariant);
        private static readonly Regex Plain = new Regex(@"^\s*(?:OpenSSH_)?(?<major>\d+)\.(?<minor>\d+)(?:p(?<portable>\d+))?", RegexOptions.CultureInvariant);
        private static readonly TimeSpan ProgramDeadline = TimeSpan.FromSeconds(10);

        public OpenSshVersion(int major, int minor, int portable = 0)
        {
            Major = major;
            Minor = minor;
            Portable = portable;
        }

        public int Major { get; }

        public int Minor { get; }

        /// <summary>The portable release number (the 1 of 9.2p1); 0 when not given.</summary>
        public int Portable { get; }

        /// <summary>Reads "9.2", "9.2p1", "10.0p2" or an OpenSSH banner ("OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL ...").</summary>
        /// <exception cref="FormatException">Not an OpenSSH version.</exception>
        public static OpenSshVersion Parse(string text) =>
            TryParse(text, out OpenSshVersion? version) ? version! : throw new FormatException($"'{text}' is not an OpenSSH version such as 9.2p1 or 10.0.");

        public static bool TryParse(string? text, out OpenSshVersion? version)
        {
            Match match = text == null ? Match.Empty : Plain.Match(text);
            version = match.Success ? From(match) : null;
            return version != null;
        }

        /// <summary>
        /// The release named anywhere in what an OpenSSH program printed or sent ("OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL
        /// ...", an SSH banner "SSH-2.0-OpenSSH_10.0p2 Debian-7"); null when it names none.
        /// </summary>
        public static OpenSshVersion? FromBanner(string? text)
        {
            Match match = text == null ? Match.Empty : Banner.Match(text);
            return match.Success ? From(match) : null;
        }

        /// <summary>
        /// The version of an OpenSSH program (ssh, sshd) as it reports itself with -V, or null when it cannot be run
        /// or names no version. An sshd older than 9.2 has no -V; it still names its version in the usage it prints.
        /// </summary>
        public static OpenSshVersion? OfProgram(string path)
        {
            try
            {
                var start = new ProcessStartInfo(path, "-V") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
                using Process process = Process.Start(start)!;
                process.StandardInput.Close();
                var output = process.StandardOutput.ReadToEndAsync();
                string error = process.StandardError.ReadToEnd();
                if (!process.WaitForExit((int)ProgramDeadline.TotalMilliseconds))
                {
                    process.Kill();
                    return null;
                }

                return FromBanner(error + "\n" + output.Result);
            }
            catch (Exception ex) when (ex is System.ComponentModel.Win32Exception || ex is InvalidOperationException)
            {
                return null;
            }
        }

        /// <summary>True when this release is <paramref name="other"/> or later (portable numbers aside).</summary>
        public bool IsAtLeast(OpenSshVersion other) => Major > other.Major || (Major == other.Major && Minor >= other.Minor);

        public int CompareTo(OpenSshVersion? other) =>
            other == null ? 1
            : Major != other.Major ? Major.CompareTo(other.Major)
            : Minor != other.Minor ? Minor.CompareTo(other.Minor)
            : Portable.CompareTo(other.Portable);

        public bool Equals(OpenSshVersion? other) => other != null && CompareTo(other) == 0;

        public override bool Equals(object? obj) => Equals(obj as OpenSshVersion);

        public override int GetHashCode() => (Major * 1000) + (Minor * 10) + Portable;

        public override string ToString() =>
            string.Format(CultureInfo.InvariantCulture, "{0}.{1}{2}", Major, Minor, Portable > 0 ? "p" + Portable.ToString(CultureInfo.InvariantCulture) : string.Empty);

        private static OpenSshVersion From(Match match) => new OpenSshVersion(
            int.Parse(match.Groups["major"].Value, CultureInfo.InvariantCulture),
            int.Parse(match.Groups["minor"].Value, CultureInfo.InvariantCulture),
            match.Groups["portable"].Success ? int.Parse(match.Groups["portable"].Value, CultureInfo.InvariantCulture) : 0);
    }
}
