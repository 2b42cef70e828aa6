using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using SshKeepAlive.Testing;

namespace SshKeepAlive.Tests
{
    /// <summary>What one script run produced, stream by stream.</summary>
    public sealed class ScriptResult
    {
        public ScriptResult(IReadOnlyList<PSObject> output, IReadOnlyList<ErrorRecord> errors, IReadOnlyList<string> warnings, IReadOnlyList<string> verbose, bool terminated)
        {
            Output = output;
            Errors = errors;
            Warnings = warnings;
            Verbose = verbose;
            Terminated = terminated;
        }

        public IReadOnlyList<PSObject> Output { get; }

        /// <summary>Non-terminating errors, then the terminating one if the script stopped.</summary>
        public IReadOnlyList<ErrorRecord> Errors { get; }

        public IReadOnlyList<string> Warnings { get; }

        public IReadOnlyList<string> Verbose { get; }

        /// <summary>True when a terminating error ended the script; it is the last of <see cref="Errors"/>.</summary>
        public bool Terminated { get; }

        public IEnumerable<string> ErrorIds => Errors.Select(e => e.FullyQualifiedErrorId);

        public T Single<T>() => Xunit.Assert.IsAssignableFrom<T>(Xunit.Assert.Single(Output).BaseObject);

        public ScriptResult AssertNoErrors()
        {
            Xunit.Assert.True(Errors.Count == 0, "Unexpected errors:\n" + string.Join("\n", Errors.Select(e => e.FullyQualifiedErrorId + ": " + e)));
            return this;
        }
    }

    /// <summary>
    /// A runspace of the real PowerShell engine with the built module imported from out/.
    /// <c>Run("Get-Thing | Where-Object …")</c> is all a test needs.
    /// </summary>
    public sealed class ModuleSession : IDisposable
    {
        private readonly Runspace runspace;

        public ModuleSession(bool importModule = true)
        {
            var state = InitialSessionState.CreateDefault2();
            runspace = RunspaceFactory.CreateRunspace(state);
            runspace.Open();
            if (importModule)
            {
                ImportModule();
            }
        }

        public void ImportModule() =>
            Run("Import-Module -Name $args[0] -ErrorAction Stop", RepoPaths.BuiltManifest).AssertNoErrors();

        /// <summary>Runs a script; <paramref name="arguments"/> arrive as <c>$args</c>.</summary>
        public ScriptResult Run(string script, params object?[] arguments)
        {
            using var ps = PowerShell.Create();
            ps.Runspace = runspace;
            ps.AddScript(script);
            foreach (object? argument in arguments)
            {
                ps.AddArgument(argument);
            }

            var output = new List<PSObject>();
            var errors = new List<ErrorRecord>();
            bool terminated = false;
            try
            {
                output.AddRange(ps.Invoke());
            }
            catch (RuntimeException ex)
            {
                terminated = true;
                errors.Add(ex.ErrorRecord);
            }

            errors.InsertRange(0, ps.Streams.Error);
            return new ScriptResult(output, errors, Messages(ps.Streams.Warning), Messages(ps.Streams.Verbose), terminated);
        }

        public void Dispose() => runspace.Dispose();

        private static IReadOnlyList<string> Messages<T>(PSDataCollection<T> records)
            where T : InformationalRecord => records.Select(r => r.Message).ToList();
    }
}
