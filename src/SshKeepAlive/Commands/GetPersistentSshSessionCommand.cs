using System.Linq;
using System.Management.Automation;
using SshKeepAlive.Core.Sessions;

namespace SshKeepAlive.Commands
{
    /// <summary>Lists this runspace's persistent SSH sessions with their state and keepalive health.</summary>
    [Cmdlet(VerbsCommon.Get, "PersistentSshSession", DefaultParameterSetName = ByName)]
    [OutputType(typeof(PersistentSshSession))]
    public sealed class GetPersistentSshSessionCommand : SshKeepAliveCmdlet
    {
        private const string ByName = "ByName";

        /// <summary>Session names to list; wildcards allowed. Default: all.</summary>
        [Parameter(ParameterSetName = ByName, Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(SessionNameCompleter))]
        public string[]? Name { get; set; }

        /// <summary>Session ids to list.</summary>
        [Parameter(ParameterSetName = SessionSelection.ById, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public int[] Id { get; set; } = new int[0];

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            if (ParameterSetName == SessionSelection.ById)
            {
                WriteObject(SessionSelection.Select(this, SessionSelection.ById, null, Id), enumerateCollection: true);
                return;
            }

            var sessions = RunspaceState.Sessions.All;
            foreach (string pattern in Name ?? new[] { "*" })
            {
                var wildcard = new WildcardPattern(pattern, WildcardOptions.IgnoreCase);
                var matches = sessions.Where(s => wildcard.IsMatch(s.Name)).ToList();
                if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(pattern))
                {
                    WriteError(SessionErrors.NotFound(pattern));
                }

                WriteObject(matches, enumerateCollection: true);
            }
        }
    }
}
