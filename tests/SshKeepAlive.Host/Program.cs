using System;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using SshKeepAlive.Testing;

namespace SshKeepAlive.Host
{
    /// <summary>
    /// skahost [command line…]: runs the command line with the built module imported, formatted as a
    /// PowerShell console would (Out-Default through a real host UI); with no arguments, a prompt loop.
    /// </summary>
    internal static class Program
    {
        private static PowerShell? running;

        private static int Main(string[] args)
        {
            // Ctrl-C stops the running command, not the host.
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                running?.BeginStop(null, null);
            };

            var host = new SkahostPSHost();
            var state = InitialSessionState.CreateDefault2();
            using Runspace runspace = RunspaceFactory.CreateRunspace(host, state);
            runspace.Open();
            if (!Run(runspace, "Import-Module -Name '" + RepoPaths.BuiltManifest.Replace("'", "''") + "' -ErrorAction Stop"))
            {
                return 1;
            }

            if (args.Length > 0)
            {
                return Run(runspace, string.Join(" ", args)) ? 0 : 1;
            }

            while (!host.ShouldExit)
            {
                Console.Write("PS " + Environment.CurrentDirectory + "> ");
                string? line = Console.ReadLine();
                if (line == null)
                {
                    break;
                }

                Run(runspace, line);
            }

            return host.ExitCode;
        }

        /// <summary>Runs a script through Out-Default; false when it wrote an error or stopped.</summary>
        private static bool Run(Runspace runspace, string script)
        {
            using var ps = PowerShell.Create();
            ps.Runspace = runspace;
            // Errors are shown in line with the output, as a console does; $Error tells whether there were any.
            ps.AddScript("$global:Error.Clear(); " + script).AddCommand("Out-Default");
            ps.Commands.Commands[0].MergeMyResults(PipelineResultTypes.Error, PipelineResultTypes.Output);
            running = ps;
            try
            {
                ps.Invoke();
                return ErrorCount(runspace) == 0;
            }
            catch (RuntimeException ex)
            {
                Console.Error.WriteLine(ex.ErrorRecord.ToString());
                Console.Error.WriteLine("    + FullyQualifiedErrorId : " + ex.ErrorRecord.FullyQualifiedErrorId);
                return false;
            }
            finally
            {
                running = null;
            }
        }

        private static int ErrorCount(Runspace runspace)
        {
            using var ps = PowerShell.Create();
            ps.Runspace = runspace;
            return (int)ps.AddScript("$global:Error.Count").Invoke()[0].BaseObject;
        }
    }
}
