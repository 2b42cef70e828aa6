using System;

namespace SshKeepAlive.Core.Errors
{
    /// <summary>
    /// A failure Core reports to its caller: which one (<see cref="Id"/>), what it is about (a path, file:line or
    /// host), and a message that names it. Messages describe the problem; the cmdlets add the advice, in terms of
    /// their parameters.
    /// </summary>
    public class SshKeepAliveException : Exception
    {
        public SshKeepAliveException(ErrorId id, string message, string? target = null, Exception? inner = null)
            : base(message, inner)
        {
            Id = id;
            Target = target;
        }

        public ErrorId Id { get; }

        /// <summary>What the error is about: a file, a file:line, a host; null when the caller knows better.</summary>
        public string? Target { get; }
    }
}
