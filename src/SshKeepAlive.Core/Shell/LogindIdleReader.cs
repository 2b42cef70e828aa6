using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using SshKeepAlive.Core.Platform;

namespace SshKeepAlive.Core.Shell
{
    /// <summary>systemd-logind's StopIdleSessionSec: where it is set, and the idle seconds after which logind stops a session.</summary>
    public sealed class LogindIdleSetting
    {
        internal LogindIdleSetting(int? seconds, string? file, int? line, string? rawValue, IReadOnlyList<string> filesRead, IReadOnlyList<ShellFileProblem> problems)
        {
            Seconds = seconds;
            File = file;
            Line = line;
            RawValue = rawValue;
            FilesRead = filesRead;
            Problems = problems;
        }

        /// <summary>Idle seconds after which logind stops a session; null for infinity (the default: logind does not look).</summary>
        public int? Seconds { get; }

        /// <summary>The file of the winning assignment; null when none sets it.</summary>
        public string? File { get; }

        public int? Line { get; }

        /// <summary>The value as written (e.g. 30min).</summary>
        public string? RawValue { get; }

        /// <summary>logind.conf and its drop-ins, in the order logind reads them.</summary>
        public IReadOnlyList<string> FilesRead { get; }

        public IReadOnlyList<ShellFileProblem> Problems { get; }
    }

    /// <summary>
    /// Reads StopIdleSessionSec from systemd-logind's configuration as logind does: /etc/systemd/logind.conf (or,
    /// without it, the vendor /usr/lib/systemd/logind.conf), then the drop-ins <c>*.conf</c> of
    /// logind.conf.d in /etc/systemd, /run/systemd, /usr/local/lib/systemd and /usr/lib/systemd, ordered by file
    /// name across those folders (a name in an earlier folder hides the same name in later ones); the last
    /// assignment in the [Login] section wins. The setting exists since systemd 252; older logind ignores it.
    /// </summary>
    public sealed class LogindIdleReader
    {
        public const string Keyword = "StopIdleSessionSec";

        private static readonly string[] DropInFolders =
        {
            "/etc/systemd/logind.conf.d", "/run/systemd/logind.conf.d", "/usr/local/lib/systemd/logind.conf.d", "/usr/lib/systemd/logind.conf.d",
        };

        private readonly string rootPath;
        private readonly IReadOnlyFileSystem fileSystem;

        /// <param name="rootPath">Where the file system root is: "/" normally, a temporary folder in tests.</param>
        /// <param name="fileSystem">The machine whose files are read (default: this one).</param>
        public LogindIdleReader(string rootPath, IReadOnlyFileSystem? fileSystem = null)
        {
            this.rootPath = rootPath;
            this.fileSystem = fileSystem ?? LocalFileSystem.Instance;
        }

        /// <summary>True when this machine has logind configuration to read (a systemd machine).</summary>
        public bool IsPresent => Files().Any();

        public LogindIdleSetting Read()
        {
            var problems = new List<ShellFileProblem>();
            var files = Files().ToList();
            (string File, int Line, string Value)? winner = null;
            foreach (string file in files)
            {
                IReadOnlyList<string> lines;
                try
                {
                    lines = fileSystem.ReadAllLines(file);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    problems.Add(new ShellFileProblem(file, 0, "Cannot read the file: " + ex.Message));
                    continue;
                }

                bool inLogin = false;
                for (int i = 0; i < lines.Count; i++)
                {
                    string line = lines[i].Trim();
                    if (line.StartsWith("[", StringComparison.Ordinal))
                    {
                        inLogin = line == "[Login]";
                    }
                    else if (inLogin && line.StartsWith(Keyword, StringComparison.Ordinal) && line.Substring(Keyword.Length).TrimStart().StartsWith("=", StringComparison.Ordinal))
                    {
                        winner = (file, i + 1, line.Substring(line.IndexOf('=') + 1).Trim());
                    }
                }
            }

            if (winner == null)
            {
                return new LogindIdleSetting(null, null, null, null, files, problems);
            }

            var (winnerFile, winnerLine, raw) = winner.Value;
            int? seconds = null;
            if (raw.Length > 0 && raw != "infinity")
            {
                seconds = ParseTimeSpan(raw);
                if (seconds == null)
                {
                    problems.Add(new ShellFileProblem(winnerFile, winnerLine, $"{Keyword} value '{raw}' is not a systemd time span; logind ignores the line."));
                }
            }

            return new LogindIdleSetting(seconds > 0 ? seconds : null, winnerFile, winnerLine, raw, files, problems);
        }

        /// <summary>
        /// A systemd time span in whole seconds: a plain number is seconds; otherwise number-unit pairs ("1h 30min",
        /// "90s", "2min30s") with systemd's units; null when it is not one.
        /// </summary>
        internal static int? ParseTimeSpan(string text)
        {
            double total = 0;
            int position = 0;
            string compact = text.Trim();
            if (double.TryParse(compact, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double plain))
            {
                return (int)Math.Min(plain, int.MaxValue);
            }

            while (position < compact.Length)
            {
                while (position < compact.Length && char.IsWhiteSpace(compact[position]))
                {
                    position++;
                }

                int start = position;
                while (position < compact.Length && (char.IsDigit(compact[position]) || compact[position] == '.'))
                {
                    position++;
                }

                if (start == position || !double.TryParse(compact.Substring(start, position - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number))
                {
                    return null;
                }

                while (position < compact.Length && char.IsWhiteSpace(compact[position]))
                {
                    position++;
                }

                int unitStart = position;
                while (position < compact.Length && char.IsLetter(compact[position]))
                {
                    position++;
                }

                double? unit = UnitSeconds(compact.Substring(unitStart, position - unitStart));
                if (unit == null)
                {
                    return null;
                }

                total += number * unit.Value;
            }

            return (int)Math.Min(total, int.MaxValue);
        }

        private static double? UnitSeconds(string unit)
        {
            switch (unit)
            {
                case "us": case "usec": case "μs": return 1e-6;
                case "ms": case "msec": return 1e-3;
                case "": case "s": case "sec": case "second": case "seconds": return 1;
                case "m": case "min": case "minute": case "minutes": return 60;
                case "h": case "hr": case "hour": case "hours": return 3600;
                case "d": case "day": case "days": return 86400;
                case "w": case "week": case "weeks": return 604800;
                case "M": case "month": case "months": return 2629800;
                case "y": case "year": case "years": return 31557600;
                default: return null;
            }
        }

        private IEnumerable<string> Files()
        {
            string main = Under("/etc/systemd/logind.conf");
            string vendor = Under("/usr/lib/systemd/logind.conf");
            var first = fileSystem.FileExists(main) ? new[] { main } : fileSystem.FileExists(vendor) ? new[] { vendor } : new string[0];
            var byName = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (string folder in DropInFolders.Select(Under))
            {
                foreach (string file in fileSystem.FilesOf(folder).Where(f => f.EndsWith(".conf", StringComparison.Ordinal)))
                {
                    string name = file.Substring(file.LastIndexOfAny(new[] { '/', '\\' }) + 1);
                    if (!byName.ContainsKey(name))
                    {
                        byName[name] = file;
                    }
                }
            }

            return first.Concat(byName.Values);
        }

        private string Under(string absolute) => FileSystemExtensions.JoinPath(rootPath, absolute.TrimStart('/'));
    }
}
