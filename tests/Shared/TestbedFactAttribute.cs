using Xunit;

namespace SshKeepAlive.Testing
{
    /// <summary>A fact that needs the sshd testbed: skipped where it cannot run, unless CI requires it.</summary>
    public sealed class TestbedFactAttribute : FactAttribute
    {
        public TestbedFactAttribute()
        {
            Skip = Testbed.SkipReason;
        }
    }

    /// <summary>A theory that needs the sshd testbed: skipped where it cannot run, unless CI requires it.</summary>
    public sealed class TestbedTheoryAttribute : TheoryAttribute
    {
        public TestbedTheoryAttribute()
        {
            Skip = Testbed.SkipReason;
        }
    }
}
