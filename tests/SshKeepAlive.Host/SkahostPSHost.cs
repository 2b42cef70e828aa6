using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using System.Text.RegularExpressions;

namespace SshKeepAlive.Host
{
    /// <summary>skahost's PSHost over the process console: identity, exit handling and the console UI.</summary>
    internal sealed class SkahostPSHost : PSHost
    {
        private readonly ConsoleUserInterface ui = new ConsoleUserInterface();

        public bool ShouldExit { get; private set; }

        public int ExitCode { get; private set; }

        public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;

        public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;

        public override Guid InstanceId { get; } = Guid.NewGuid();

        public override string Name => "SshKeepAliveHost";

        public override PSHostUserInterface UI => ui;

        public override Version Version => new Version(1, 0);

        public override void EnterNestedPrompt() => throw new NotSupportedException("Nested prompts are not supported by this host.");

        public override void ExitNestedPrompt() => throw new NotSupportedException("Nested prompts are not supported by this host.");

        public override void NotifyBeginApplication()
        {
        }

        public override void NotifyEndApplication()
        {
        }

        public override void SetShouldExit(int exitCode)
        {
            ShouldExit = true;
            ExitCode = exitCode;
        }
    }

    /// <summary>Console reads and writes; prompts for credentials and choices on the terminal.</summary>
    internal sealed class ConsoleUserInterface : PSHostUserInterface
    {
        // The formatter colours table headers whatever $PSStyle says; files and pipes get plain text.
        private static readonly Regex AnsiEscape = new Regex("\u001b\\[[0-9;]*[A-Za-z]", RegexOptions.Compiled);

        private readonly ConsoleRawUserInterface raw = new ConsoleRawUserInterface();

        public override PSHostRawUserInterface RawUI => raw;

        public override bool SupportsVirtualTerminal => !Console.IsOutputRedirected;

        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions)
        {
            WriteLine(caption);
            WriteLine(message);
            var answers = new Dictionary<string, PSObject>();
            foreach (FieldDescription field in descriptions)
            {
                Write(field.Name + ": ");
                answers[field.Name] = field.ParameterTypeFullName == typeof(SecureString).FullName
                    ? PSObject.AsPSObject(ReadLineAsSecureString())
                    : PSObject.AsPSObject(ReadLine());
            }

            return answers;
        }

        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
        {
            WriteLine(caption);
            WriteLine(message);
            for (int i = 0; i < choices.Count; i++)
            {
                WriteLine($"[{i}] {choices[i].Label.Replace("&", string.Empty)}{(i == defaultChoice ? " (default)" : string.Empty)}");
            }

            string? answer = ReadLine();
            return int.TryParse(answer, out int chosen) && chosen >= 0 && chosen < choices.Count ? chosen : defaultChoice;
        }

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
            PromptForCredential(caption, message, userName, targetName, PSCredentialTypes.Default, PSCredentialUIOptions.Default);

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options)
        {
            WriteLine(message);
            if (string.IsNullOrEmpty(userName))
            {
                Write("User: ");
                userName = ReadLine();
            }

            Write("Password for " + userName + ": ");
            return new PSCredential(userName, ReadLineAsSecureString());
        }

        public override string ReadLine() => Console.ReadLine() ?? string.Empty;

        public override SecureString ReadLineAsSecureString()
        {
            var secret = new SecureString();
            for (ConsoleKeyInfo key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
            {
                if (key.Key == ConsoleKey.Backspace)
                {
                    if (secret.Length > 0)
                    {
                        secret.RemoveAt(secret.Length - 1);
                    }
                }
                else
                {
                    secret.AppendChar(key.KeyChar);
                }
            }

            Console.WriteLine();
            secret.MakeReadOnly();
            return secret;
        }

        public override void Write(string value) => Console.Write(ForOutput(value));

        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Console.Write(ForOutput(value));

        public override void WriteLine(string value) => Console.WriteLine(ForOutput(value));

        public override void WriteDebugLine(string message) => Console.WriteLine("DEBUG: " + message);

        public override void WriteErrorLine(string value) => Console.Error.WriteLine(Console.IsErrorRedirected ? AnsiEscape.Replace(value, string.Empty) : value);

        // Progress bars would interleave with output on a plain console; this host does not draw them.
        public override void WriteProgress(long sourceId, ProgressRecord record)
        {
        }

        private static string ForOutput(string value) => Console.IsOutputRedirected ? AnsiEscape.Replace(value, string.Empty) : value;

        public override void WriteVerboseLine(string message) => Console.WriteLine("VERBOSE: " + message);

        public override void WriteWarningLine(string message) => Console.WriteLine("WARNING: " + message);
    }
}
