using System;
using System.IO;
using SshKeepAlive.Core.Platform;

namespace SshKeepAlive.Core.ConfigDocuments
{
    /// <summary>
    /// How Include paths are anchored, which depends on the kind of file that contains them: relative paths in
    /// user client configs (~/.ssh/config and -F files) live in ~/.ssh, in the system client config and in
    /// sshd_config in the system directory (/etc/ssh); '~' is refused in the system client config.
    /// </summary>
    public sealed class IncludeRules
    {
        /// <summary>OpenSSH's limit on nested Include (READCONF_MAX_DEPTH / SERVCONF_MAX_DEPTH).</summary>
        public const int MaxDepth = 16;

        public IncludeRules(string relativeBaseDirectory, string homeDirectory, bool allowsTilde, bool checksPermissions = true, uint? userId = null)
        {
            RelativeBaseDirectory = relativeBaseDirectory;
            HomeDirectory = homeDirectory;
            AllowsTilde = allowsTilde;
            ChecksPermissions = checksPermissions;
            UserId = userId;
        }

        /// <summary>Directory that relative Include paths are resolved against.</summary>
        public string RelativeBaseDirectory { get; }

        /// <summary>What '~' expands to.</summary>
        public string HomeDirectory { get; }

        /// <summary>False where OpenSSH reports "bad include path" for '~' (the system client config).</summary>
        public bool AllowsTilde { get; }

        /// <summary>True when included files that others could write to are refused ("bad owner or permissions").</summary>
        public bool ChecksPermissions { get; }

        /// <summary>The account ssh reads the config as (a file it owns passes the permission check); null: this process's.</summary>
        public uint? UserId { get; }

        /// <summary>Rules for ~/.ssh/config or an ssh -F file: relative to ~/.ssh; read as <paramref name="userId"/> (null: this process's account).</summary>
        public static IncludeRules ForUserClientConfig(string homeDirectory, uint? userId = null) =>
            new IncludeRules(FileSystemExtensions.JoinPath(homeDirectory, ".ssh"), homeDirectory, allowsTilde: true, userId: userId);

        /// <summary>Rules for the system ssh_config: relative to <paramref name="systemDirectory"/> (/etc/ssh).</summary>
        public static IncludeRules ForSystemClientConfig(string systemDirectory, string homeDirectory) =>
            new IncludeRules(systemDirectory, homeDirectory, allowsTilde: false);

        /// <summary>Rules for sshd_config: relative to <paramref name="systemDirectory"/> (/etc/ssh); sshd reads included files whatever their permissions.</summary>
        public static IncludeRules ForServerConfig(string systemDirectory, string homeDirectory) =>
            new IncludeRules(systemDirectory, homeDirectory, allowsTilde: true, checksPermissions: false);

        /// <summary>The pattern to glob for one Include argument, or null with <paramref name="error"/> set.</summary>
        internal string? Anchor(string argument, out string? error)
        {
            error = null;
            if (argument.StartsWith("~", StringComparison.Ordinal))
            {
                if (!AllowsTilde)
                {
                    error = $"bad include path {argument}: '~' is not allowed in this file";
                    return null;
                }

                if (argument.Length > 1 && argument[1] != '/' && argument[1] != '\\')
                {
                    error = $"include path {argument}: '~user' is not supported";
                    return null;
                }

                return HomeDirectory + argument.Substring(1);
            }

            return IsAbsolute(argument) ? argument : RelativeBaseDirectory.TrimEnd('/', '\\') + "/" + argument;
        }

        private static bool IsAbsolute(string path) =>
            path.StartsWith("/", StringComparison.Ordinal) || (Path.DirectorySeparatorChar == '\\' && Path.IsPathRooted(path));
    }
}
