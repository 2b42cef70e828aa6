using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Xunit;

namespace SshKeepAlive.Tests
{
    /// <summary>Every exported cmdlet has MAML help: synopsis, description, every parameter, two examples.</summary>
    public sealed class HelpTests
    {
        [Fact]
        public void Help_ForEveryExportedCmdlet_IsComplete()
        {
            using var session = new ModuleSession();
            var names = session.Run("Get-Command -Module SshKeepAlive -CommandType Cmdlet | ForEach-Object Name").AssertNoErrors()
                .Output.Select(o => (string)o.BaseObject).ToList();
            var problems = new List<string>();

            foreach (string name in names)
            {
                var help = session.Run(
                    "$h = Get-Help -Name $args[0] -Full;" +
                    "[pscustomobject]@{ Synopsis = $h.Synopsis; Description = ($h.description.Text -join ''); " +
                    "Parameters = @($h.parameters.parameter | ForEach-Object { $_.name }); Examples = @($h.examples.example).Count }",
                    name).AssertNoErrors().Output.Single();
                var declared = session.Run(
                    "(Get-Command -Name $args[0]).Parameters.Keys | Where-Object { $_ -notin ([System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters) }",
                    name).AssertNoErrors().Output.Select(o => (string)o.BaseObject);

                string synopsis = (string)help.Properties["Synopsis"].Value;
                if (string.IsNullOrWhiteSpace(synopsis) || synopsis.TrimStart().StartsWith(name))
                {
                    problems.Add(name + ": no synopsis");
                }

                if (string.IsNullOrWhiteSpace((string)help.Properties["Description"].Value))
                {
                    problems.Add(name + ": no description");
                }

                var documented = ((object[])help.Properties["Parameters"].Value).Select(p => p.ToString()).ToHashSet();
                problems.AddRange(declared.Where(p => !documented.Contains(p)).Select(p => name + ": parameter -" + p + " undocumented"));

                if ((int)help.Properties["Examples"].Value < 2)
                {
                    problems.Add(name + ": fewer than two examples");
                }
            }

            Assert.Empty(problems);
        }
    }
}
