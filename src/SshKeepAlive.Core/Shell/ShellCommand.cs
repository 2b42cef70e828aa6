using System.Collections.Generic;

namespace SshKeepAlive.Core.Shell
{
    /// <summary>One word of a shell command after quote removal; expansions are kept as written, never performed.</summary>
    internal sealed class ShellWord
    {
        public ShellWord(string text, bool hasExpansion, string? assignmentName)
        {
            Text = text;
            HasExpansion = hasExpansion;
            AssignmentName = assignmentName;
        }

        /// <summary>The word with quotes removed and escapes resolved; <c>$VAR</c> and <c>$(…)</c> stay literal.</summary>
        public string Text { get; }

        /// <summary>True when the word contains a parameter, command or arithmetic expansion outside single quotes.</summary>
        public bool HasExpansion { get; }

        /// <summary>NAME when the word is an assignment <c>NAME=value</c> (the name unquoted, as bash requires).</summary>
        public string? AssignmentName { get; }

        public string AssignmentValue => AssignmentName == null ? string.Empty : Text.Substring(AssignmentName.Length + 1);
    }

    /// <summary>A simple command: the words between two separators (newline, <c>;</c>, <c>&amp;</c>, <c>|</c>, parentheses).</summary>
    internal sealed class ShellCommand
    {
        public ShellCommand(int line, IReadOnlyList<ShellWord> words)
        {
            Line = line;
            Words = words;
        }

        /// <summary>1-based line of the command's first word.</summary>
        public int Line { get; }

        public IReadOnlyList<ShellWord> Words { get; }
    }
}
