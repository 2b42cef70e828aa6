using System.IO;
using System.Linq;
using System.Management.Automation;
using SshKeepAlive.Testing;
using Xunit;

namespace SshKeepAlive.Tests
{
    /// <summary>Get-SshTimeoutConfig through the engine: binding, pipelines, streams, errors and views, on real files.</summary>
    public sealed class GetSshTimeoutConfigTests
    {
        private const string ClientConfig =
            "Host web01\n" +
            "    ServerAliveInterval 1m30s\n" +
            "Host *\n" +
            "    ServerAliveInterval 15\n" +
            "    ServerAliveCountMax 5\n";

        [Fact]
        public void HostNameWithPath_OutputsClientSettingsWithTheirWinningLines()
        {
            using var dir = new TempDirectory();
            string config = Write(dir, "config", ClientConfig);
            using var session = new ModuleSession();

            var result = session.Run("Get-SshTimeoutConfig -Path $args[0] -HostName web01", config).AssertNoErrors();

            Assert.All(result.Output, o => Assert.Equal("SshKeepAlive.Core.Timeouts.TimeoutSetting", o.TypeNames[0]));
            PSObject interval = result.Output.Single(o => Prop(o, "Name") as string == "ServerAliveInterval");
            Assert.Equal(("Client", "web01", 90, false, config, 2), (Prop(interval, "Scope")!.ToString(), Prop(interval, "Target"), Prop(interval, "Value"), Prop(interval, "IsDefault"), Prop(interval, "Source"), Prop(interval, "Line")));
            PSObject countMax = result.Output.Single(o => Prop(o, "Name") as string == "ServerAliveCountMax");
            Assert.Equal((5, 5), (Prop(countMax, "Value"), Prop(countMax, "Line")));
        }

        [Fact]
        public void HostNames_FromThePipelineByValue_AreReportedInOrder()
        {
            using var dir = new TempDirectory();
            string config = Write(dir, "config", ClientConfig);
            using var session = new ModuleSession();

            var result = session.Run("'web01', 'db01' | Get-SshTimeoutConfig -Path $args[0] | Where-Object Name -eq ServerAliveInterval", config).AssertNoErrors();

            Assert.Equal(new object[] { "web01", "db01" }, result.Output.Select(o => Prop(o, "Target")));
            Assert.Equal(new object[] { 90, 15 }, result.Output.Select(o => Prop(o, "Value")));
        }

        [Fact]
        public void HostNames_FromThePipelineByPropertyName_AcceptHostNameAndHost()
        {
            using var dir = new TempDirectory();
            string config = Write(dir, "config", ClientConfig);
            using var session = new ModuleSession();

            var result = session.Run(
                "[pscustomobject]@{ HostName = 'web01' }, [pscustomobject]@{ Host = 'admin@db01' } | Get-SshTimeoutConfig -Path $args[0] -Summary",
                config).AssertNoErrors();

            Assert.All(result.Output, o => Assert.Equal("SshKeepAlive.Core.Timeouts.TimeoutSummary", o.TypeNames[0]));
            Assert.Equal(new object[] { "web01", "admin@db01" }, result.Output.Select(o => Prop(o, "Target")));
            Assert.Equal(new object[] { 450, 75 }, result.Output.Select(o => Prop(o, "ClientDeadPeerSeconds")));
        }

        [Fact]
        public void MissingPath_IsATerminatingPathNotFoundError()
        {
            using var dir = new TempDirectory();
            string missing = dir.File("nosuch_config");
            using var session = new ModuleSession();

            // try/catch sees terminating errors only; the second host is never reported.
            var result = session.Run("try { 'web01', 'db01' | Get-SshTimeoutConfig -Path $args[0] } catch { $_ }", missing);

            ErrorRecord error = Assert.IsType<ErrorRecord>(Assert.Single(result.Output).BaseObject);
            Assert.Equal("ConfigFileNotFound,SshKeepAlive.Commands.GetSshTimeoutConfigCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
            Assert.Equal(missing, error.TargetObject);
        }

        [Fact]
        public void PathWithShellScope_IsATerminatingPathScopeAmbiguousError()
        {
            using var dir = new TempDirectory();
            string config = Write(dir, "config", ClientConfig);
            using var session = new ModuleSession();

            var result = session.Run("try { Get-SshTimeoutConfig -Path $args[0] -Scope Shell } catch { $_ }", config);

            ErrorRecord error = Assert.IsType<ErrorRecord>(Assert.Single(result.Output).BaseObject);
            Assert.StartsWith("PathScopeAmbiguous,", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        }

        [Fact]
        public void AnInvalidHost_IsANonTerminatingError_AndTheOtherHostsAreStillReported()
        {
            using var dir = new TempDirectory();
            string config = Write(dir, "config", ClientConfig);
            using var session = new ModuleSession();

            var result = session.Run("'web01', 'two words', 'db01' | Get-SshTimeoutConfig -Path $args[0] | Where-Object Name -eq ServerAliveInterval", config);

            Assert.False(result.Terminated);
            ErrorRecord error = Assert.Single(result.Errors);
            Assert.StartsWith("HostNameInvalid,", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            Assert.Equal("two words", error.TargetObject);
            Assert.Equal(new object[] { "web01", "db01" }, result.Output.Select(o => Prop(o, "Target")));
        }

        [Fact]
        public void MatchExec_IsAWarningNamingFileAndLine_AndVerboseNamesTheFilesRead()
        {
            using var dir = new TempDirectory();
            string config = Write(dir, "config", "# exec\nMatch exec \"true\"\n    ServerAliveInterval 5\n");
            using var session = new ModuleSession();

            var result = session.Run("Get-SshTimeoutConfig -Path $args[0] -HostName web01 -Verbose", config).AssertNoErrors();

            Assert.Contains(result.Warnings, w => w.Contains(config + ":2"));
            Assert.Contains("Read " + config, result.Verbose);
            Assert.Equal(0, Prop(result.Output.Single(o => Prop(o, "Name") as string == "ServerAliveInterval"), "Value"));
        }

        [Fact]
        public void ServerScopeWithConnectionSpec_EvaluatesMatchBlocks()
        {
            using var dir = new TempDirectory();
            string config = Write(dir, "sshd_config", "ClientAliveInterval 60\nMatch User alice Address 198.18.0.0/15\n    ClientAliveInterval 30\n");
            using var session = new ModuleSession();

            var result = session.Run(
                "Get-SshTimeoutConfig -Scope Server -Path $args[0] -User alice -ClientAddress 198.18.0.9 -LocalPort 22 | Where-Object Name -eq ClientAliveInterval",
                config).AssertNoErrors();

            PSObject interval = Assert.Single(result.Output);
            Assert.Equal((30, 3), (Prop(interval, "Value"), Prop(interval, "Line")));
            Assert.Equal("sshd user=alice,addr=198.18.0.9,lport=22", Prop(interval, "Target"));
        }

        // Every cmdlet with a -HostName completes it from the config file it would read.
        [Theory]
        [InlineData("Get-SshTimeoutConfig -Path")]
        [InlineData("Set-SshKeepAlive -Interval 60 -Path")]
        [InlineData("New-PersistentSshSession -ConfigPath")]
        [InlineData("Enter-PersistentSsh -ConfigPath")]
        public void Completion_OffersTheLiteralHostNamesOfTheConfigFile(string commandWithPathParameter)
        {
            using var dir = new TempDirectory();
            string config = Write(dir, "config", "Host web01 web02 web*\nHost db01\n");
            using var session = new ModuleSession();
            string line = $"{commandWithPathParameter} '{config}' -HostName admin@we";

            var result = session.Run("(TabExpansion2 -inputScript $args[0] -cursorColumn $args[0].Length).CompletionMatches | ForEach-Object CompletionText", line).AssertNoErrors();

            // CompletionText quotes anything with '@', which is harmless to type.
            Assert.Equal(new object[] { "'admin@web01'", "'admin@web02'" }, result.Output.Select(o => o.BaseObject));
        }

        [Fact]
        public void TableViews_RenderInAConsoleHost()
        {
            using var dir = new TempDirectory();
            string config = Write(dir, "config", ClientConfig);
            string quoted = "'" + config.Replace("'", "''") + "'";

            string settings = RunInConsoleHost($"Get-SshTimeoutConfig -Path {quoted} -HostName web01");
            string summary = RunInConsoleHost($"Get-SshTimeoutConfig -Path {quoted} -HostName web01 -Summary");

            Assert.Matches(@"Scope\s+Target\s+Name\s+Value\s+Source", settings);
            Assert.Matches(@"Client\s+web01\s+ServerAliveInterval\s+90\s+" + System.Text.RegularExpressions.Regex.Escape(config) + ":2", settings);
            Assert.Matches(@"ChannelTimeout\s+none\s+default", settings);
            Assert.Matches(@"Target\s+ClientDeadPeer\s+ServerDeadPeer\s+KeepAlive\s+IdleTimeout", summary);
            Assert.Matches(@"web01\s+450s\s+never\s+90s\s+never", summary);
        }

        private static string RunInConsoleHost(string command)
        {
            var (exitCode, output) = ProcessRunner.Run("dotnet", ConsoleHost.Assembly, command);
            Assert.True(exitCode == 0, "skahost failed:\n" + output);
            return output;
        }

        private static object? Prop(PSObject o, string name) => o.Properties[name].Value;

        private static string Write(TempDirectory dir, string name, string text)
        {
            File.WriteAllText(dir.File(name), text);
            return dir.File(name);
        }
    }
}
