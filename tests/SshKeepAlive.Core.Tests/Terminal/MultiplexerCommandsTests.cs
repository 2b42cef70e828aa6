using System;
using SshKeepAlive.Core.Terminal;
using Xunit;

namespace SshKeepAlive.Core.Tests.Terminal
{
    public sealed class MultiplexerCommandsTests
    {
        [Theory]
        [InlineData(Multiplexer.Tmux, "work", "tmux new-session -A -D -s work")]
        [InlineData(Multiplexer.None, "work", null)]
        public void AttachCommand_AttachesOrCreatesTheNamedSession_DetachingOtherClients(Multiplexer multiplexer, string name, string? expected)
        {
            Assert.Equal(expected, MultiplexerCommands.AttachCommand(multiplexer, name));
        }

        [Theory]
        [InlineData("work")]
        [InlineData("a.b")]
        public void AttachCommand_Screen_IsOneShWordForAnyLoginShell_ReattachingOnlyTheSessionListedByExactlyThatName(string name)
        {
            string command = MultiplexerCommands.AttachCommand(Multiplexer.Screen, name)!;

            Assert.StartsWith("sh -c '", command, StringComparison.Ordinal);
            Assert.EndsWith("'", command, StringComparison.Ordinal);
            Assert.Equal(2, command.Split('\'').Length - 1);
            Assert.Contains($"[0-9]+\\.{name.Replace(".", "\\.")}[[:space:]]\"; then exec screen -D -RR -S {name}; fi; exec screen -S {name}'", command, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("a b")]
        [InlineData("x;reboot")]
        [InlineData("$(id)")]
        [InlineData("")]
        public void AttachCommand_RefusesNamesTheShellWouldInterpret(string name)
        {
            Assert.Throws<ArgumentException>(() => MultiplexerCommands.AttachCommand(Multiplexer.Tmux, name));
        }

        [Theory]
        [InlineData("tmux\n", Multiplexer.Tmux)]
        [InlineData("screen\n", Multiplexer.Screen)]
        [InlineData("", Multiplexer.None)]
        public void FromProbe_ReadsTheProbeOutput(string output, Multiplexer expected)
        {
            Assert.Equal(expected, MultiplexerCommands.FromProbe(output));
        }
    }
}
