using System.Linq;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>
    /// SSH.NET internals bound by name, with the verdict kept: the first member this SSH.NET lacks, or none. Binding never
    /// throws; a caller without the members falls back to what SSH.NET offers publicly.
    /// </summary>
    internal abstract class SshNetBinding
    {
        public bool IsBound => Missing == null;

        /// <summary>The first member this SSH.NET lacks; null when <see cref="IsBound"/>.</summary>
        public string? Missing { get; private set; }

        /// <exception cref="System.InvalidOperationException">Not bound.</exception>
        protected void RequireBound()
        {
            if (!IsBound)
            {
                throw new System.InvalidOperationException($"This SSH.NET has no {Missing}.");
            }
        }

        /// <summary>Records the verdict on the members as bound (a null one is missing), named as the verdict names them.</summary>
        protected void Judge(params (string Name, object? Member)[] members) =>
            Missing = members.Where(m => m.Member == null).Select(m => m.Name).FirstOrDefault();
    }
}
