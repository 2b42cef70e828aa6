using System;
using System.Management.Automation;
using System.Threading;

namespace SshKeepAlive
{
    /// <summary>
    /// Base of every cmdlet: a CancellationToken that Ctrl-C (StopProcessing) cancels.
    /// </summary>
    public abstract class SshKeepAliveCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource stopping = new CancellationTokenSource();

        /// <summary>Cancelled when the user stops the command.</summary>
        protected CancellationToken CancellationToken => stopping.Token;

        /// <inheritdoc />
        public void Dispose() => stopping.Dispose();

        /// <inheritdoc />
        protected override void StopProcessing() => stopping.Cancel();
    }
}
