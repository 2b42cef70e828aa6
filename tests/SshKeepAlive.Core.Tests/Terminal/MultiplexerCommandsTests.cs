using System;
using SshKeepAlive.Core.Terminal;
using Xunit;

namespace SshKeepAlive.Core.Tests.Terminal
{
    public sealed class MultiplexerCommandsTests
    {
        [Theory]
        [InlineData(Multiplexer.Tmux, "work", "exec tmux new-session -A -s work\n")]
        [InlineData(Multiplexer.Screen, "work", "exec screen -xRR -S work\n")]
        [InlineData(Multiplexer.None, "work", "")]
        public void AttachLine_AttachesOrCreatesTheNamedSession(Multiplexer multiplexer, string name, string expected)
        {
            Assert.Equal(expected, MultiplexerCommands.AttachLine(multiplexer, name));
        }

        [Theory]
        [InlineData("a b")]
        [InlineData("x;reboot")]
        [InlineData("$(id)")]
        [InlineData("")]
        public void AttachLine_RefusesNamesTheShellWouldInterpret(string name)
        {
            Assert.Throws<ArgumentException>(() => MultiplexerCommands.AttachLine(Multiplexer.Tmux, name));
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
