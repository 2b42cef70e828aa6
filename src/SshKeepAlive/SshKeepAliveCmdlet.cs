using System;
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Threading;
using SshKeepAlive.Core.Errors;

namespace SshKeepAlive
{
    /// <summary>
    /// Base of every cmdlet: a CancellationToken that Ctrl-C (StopProcessing) cancels, and path parameters turned
    /// into file-system paths.
    /// </summary>
    public abstract class SshKeepAliveCmdlet : PSCmdlet, IDisposable
    {
        private const string FileSystemProvider = "FileSystem";

        private readonly CancellationTokenSource stopping = new CancellationTokenSource();

        /// <summary>Cancelled when the user stops the command.</summary>
        protected CancellationToken CancellationToken => stopping.Token;

        /// <inheritdoc />
        public virtual void Dispose() => stopping.Dispose();

        /// <inheritdoc />
        protected override void StopProcessing() => stopping.Cancel();

        /// <summary>
        /// The file-system path a path parameter names, resolved by PowerShell as every path of the session is (~,
        /// PSDrives, relative to the current location). With <paramref name="expandWildcards"/> (a -Path) wildcards
        /// must match exactly one config file; otherwise (a -LiteralPath) the path is taken as written and may name
        /// a file that does not exist. A path of another provider, or of a drive that does not exist, ends the
        /// command with PathNotFileSystem.
        /// </summary>
        protected string FileSystemPath(string path, bool expandWildcards)
        {
            string? resolved = null;
            ProviderInfo? provider = null;
            try
            {
                resolved = expandWildcards && WildcardPattern.ContainsWildcardCharacters(path)
                    ? SingleMatch(path, out provider)
                    : SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
            }
            catch (ItemNotFoundException ex)
            {
                ThrowTerminatingError(ErrorRecords.Create(ErrorId.ConfigFileNotFound, ex, path));
            }
            catch (SessionStateException ex)
            {
                ThrowTerminatingError(ErrorRecords.Create(ErrorId.PathNotFileSystem, $"'{path}' is not a file-system path: {ex.Message}", path));
            }

            if (provider!.Name != FileSystemProvider)
            {
                ThrowTerminatingError(ErrorRecords.Create(ErrorId.PathNotFileSystem, $"'{path}' is a path of the {provider.Name} provider, not a file.", path));
            }

            return resolved!;
        }

        private string SingleMatch(string path, out ProviderInfo provider)
        {
            Collection<string> matches = SessionState.Path.GetResolvedProviderPathFromPSPath(path, out provider);
            if (matches.Count != 1)
            {
                ThrowTerminatingError(ErrorRecords.Create(ErrorId.PathAmbiguous, $"'{path}' matches {matches.Count} files ({string.Join(", ", matches)}); one file is read at a time.", path));
            }

            return matches[0];
        }
    }
}
