using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.OpenSsh;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>
    /// The environment variables a session asks the server to set for each shell or command, as ssh's SendEnv and
    /// SetEnv do (readconf.c, clientloop.c): the local variables whose names match a SendEnv pattern, then each SetEnv
    /// pair. The server sets only those its AcceptEnv allows; a SetEnv pair comes last, so it wins over a sent variable
    /// of the same name.
    /// </summary>
    public sealed class SessionEnvironment
    {
        // Every SendEnv argument in the order ssh reads them; -pattern ones remove, so the list is replayed.
        private readonly List<string> sendArguments = new List<string>();
        private readonly List<KeyValuePair<string, string>> assignments = new List<KeyValuePair<string, string>>();
        private bool assigned;

        /// <summary>The SendEnv patterns in effect, in the order ssh keeps them (<c>ssh -G</c> prints them as <c>sendenv</c>).</summary>
        public IReadOnlyList<string> SendPatterns
        {
            get
            {
                var patterns = new List<string>();
                foreach (string argument in sendArguments)
                {
                    if (argument.StartsWith("-", StringComparison.Ordinal))
                    {
                        patterns.RemoveAll(p => OpenSshPattern.Matches(p, argument.Substring(1)));
                    }
                    else
                    {
                        patterns.Add(argument);
                    }
                }

                return patterns;
            }
        }

        /// <summary>The SetEnv pairs in effect (<c>ssh -G</c>'s <c>setenv NAME=VALUE</c> lines).</summary>
        public IReadOnlyList<KeyValuePair<string, string>> Assignments => assignments;

        /// <summary>True when nothing would be sent.</summary>
        public bool IsEmpty => SendPatterns.Count == 0 && assignments.Count == 0;

        /// <summary>
        /// One SendEnv argument: a pattern adds to the list (every line adds, none replaces); <c>-pattern</c> removes the
        /// patterns already listed that it matches (<c>SendEnv -LC_*</c> removes <c>LC_*</c> and <c>LC_ALL</c>).
        /// </summary>
        public void AddSendPattern(string argument) => sendArguments.Add(argument);

        /// <summary>
        /// SendEnv and SetEnv given as ssh -o gives them, which ssh reads before any file: the patterns go first (a
        /// file's <c>SendEnv -pattern</c> still removes them), and a SetEnv given is the first line, so the files' are
        /// ignored.
        /// </summary>
        public void PutFirst(IEnumerable<string> sendPatterns, IReadOnlyList<string>? setEnv)
        {
            sendArguments.InsertRange(0, sendPatterns);
            if (setEnv != null && setEnv.Count > 0)
            {
                assignments.Clear();
                assigned = false;
                SetFirst(setEnv);
            }
        }

        /// <summary>
        /// One SetEnv line of <c>NAME=VALUE</c> arguments: only the first line (the first that reaches here) counts, as
        /// for ssh; within it, the first value for a name wins, and an argument without '=' is skipped, as ssh skips it
        /// when sending. Returns false for a line that came too late.
        /// </summary>
        public bool SetFirst(IEnumerable<string> nameValuePairs)
        {
            if (assigned)
            {
                return false;
            }

            assigned = true;
            foreach (string pair in nameValuePairs)
            {
                int equals = pair.IndexOf('=');
                if (equals < 0)
                {
                    continue;
                }

                string name = pair.Substring(0, equals);
                if (!assignments.Any(a => a.Key == name))
                {
                    assignments.Add(new KeyValuePair<string, string>(name, pair.Substring(equals + 1)));
                }
            }

            return true;
        }

        /// <summary>The value SetEnv gives <paramref name="name"/>, or null (ssh asks for SetEnv's TERM as the terminal type).</summary>
        public string? Assigned(string name) => assignments.Where(a => a.Key == name).Select(a => a.Value).FirstOrDefault();

        /// <summary>
        /// The "env" requests for one channel, in the order ssh sends them: each variable of <paramref name="environment"/>
        /// (a process's environment; names are compared case-sensitively, as ssh's match_pattern does) that a SendEnv pattern
        /// matches, by name, then the SetEnv pairs.
        /// </summary>
        public IReadOnlyList<KeyValuePair<string, string>> Requests(IDictionary environment)
        {
            var requests = new List<KeyValuePair<string, string>>();
            IReadOnlyList<string> sendPatterns = SendPatterns;
            if (sendPatterns.Count > 0)
            {
                foreach (DictionaryEntry variable in environment)
                {
                    if (variable.Key is string name && variable.Value is string value && name.Length > 0 && sendPatterns.Any(p => OpenSshPattern.Matches(name, p)))
                    {
                        requests.Add(new KeyValuePair<string, string>(name, value));
                    }
                }

                requests.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            }

            requests.AddRange(assignments);
            return requests;
        }
    }
}
