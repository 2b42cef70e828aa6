using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SshKeepAlive.Core.ClientConfig;
using SshKeepAlive.Core.ConfigDocuments;
using SshKeepAlive.Core.Errors;
using SshKeepAlive.Core.OpenSsh;
using SshKeepAlive.Core.Ssh;

namespace SshKeepAlive.Core.Sessions
{
    /// <summary>The settings a request amounts to, with what the caller may want to show about how they were reached.</summary>
    public sealed class SessionSettingsResult
    {
        internal SessionSettingsResult(SshSessionSettings settings, IReadOnlyList<ConfigDiagnostic> warnings, IReadOnlyList<EffectiveSetting> fromConfig)
        {
            Settings = settings;
            Warnings = warnings;
            FromConfig = fromConfig;
        }

        public SshSessionSettings Settings { get; }

        /// <summary>What ssh would warn about in the configuration (e.g. a Match exec not run), each with its file:line.</summary>
        public IReadOnlyList<ConfigDiagnostic> Warnings { get; }

        /// <summary>The settings the configuration sets for the destination (not OpenSSH's defaults).</summary>
        public IReadOnlyList<EffectiveSetting> FromConfig { get; }

        /// <summary>
        /// The one warning of a connect that names every line sessions do not honour, on every hop (null when there is
        /// none): "ForwardX11 at ~/.ssh/config:4 is not supported by persistent sessions".
        /// </summary>
        public string? UnsupportedWarning
        {
            get
            {
                var lines = Settings.Chain.SelectMany(hop => hop.Unsupported).Distinct().Select(u => u.ToString()).Distinct().ToList();
                return lines.Count == 0 ? null
                    : string.Join(", ", lines) + (lines.Count == 1 ? " is" : " are") + " not supported by persistent sessions (they connect as if those lines were absent).";
            }
        }
    }

    /// <summary>
    /// Turns a <see cref="SshSessionRequest"/> into <see cref="SshSessionSettings"/>: what ssh_config says for the
    /// destination (as <c>ssh -G</c>), then the request's explicit choices on top, checked together; and the same for
    /// every jump host, each resolved from the configuration under its own name, as ssh resolves the hops of ProxyJump.
    /// </summary>
    public static class SessionSettingsBuilder
    {
        // ssh spawns one ssh per hop and would loop for ever on a cycle; a chain longer than this is a mistake.
        private const int MaxHops = 16;

        /// <exception cref="SshKeepAliveException">
        /// <see cref="ErrorId.HostNameInvalid"/> for a destination ssh would not take; <see cref="ErrorId.ConfigKeywordUnknown"/>
        /// for a keyword ssh does not know (and IgnoreUnknown does not list), <see cref="ErrorId.ConfigInvalid"/> for any
        /// other configuration ssh would refuse (the message names each file:line); <see cref="ErrorId.ReconnectDelayInvalid"/>
        /// when the longest reconnect delay is shorter than the first; <see cref="ErrorId.JumpHostInvalid"/> for a jump host
        /// list ssh would refuse or that loops; <see cref="ErrorId.ForwardSpecInvalid"/> for a forward ssh would refuse.
        /// </exception>
        public static SessionSettingsResult Build(SshSessionRequest request, ClientEnvironment environment)
        {
            SshTarget target = ParseDestination(request.Destination);
            ClientConfigResolver resolver = ClientConfigResolver.Open(environment, request.ConfigFile);
            var options = new ClientResolveOptions { RunMatchExec = request.RunMatchExec, UnknownKeywordsAreErrors = true };
            var warnings = new List<ConfigDiagnostic>();
            (SshSessionSettings settings, ClientResolution resolution) = Resolve(resolver, target, options, environment, warnings);
            ApplyChoices(request, target, settings);
            IReadOnlyList<SshTarget>? jumpHosts = request.JumpHosts == null ? null : ParseJumpHosts(request.JumpHosts, "-JumpHost", target.ToString());
            AddJumpHosts(resolver, options, environment, warnings, settings, jumpHosts, request, new List<string>());
            SessionConfigReader.MarkUnsupportedFor(settings, request.Interactive);
            foreach (SshSessionSettings hop in settings.Chain)
            {
                SshConnector.CheckAlgorithms(hop.Algorithms, hop.Target.ToString());
            }

            return new SessionSettingsResult(settings, warnings.Distinct().ToList(), resolution.Settings.Where(s => !s.IsDefault).ToList());
        }

        private static (SshSessionSettings, ClientResolution) Resolve(ClientConfigResolver resolver, SshTarget target, ClientResolveOptions options, ClientEnvironment environment, List<ConfigDiagnostic> warnings)
        {
            ClientResolution resolution = resolver.Resolve(target, options);
            var errors = resolution.Diagnostics.Where(d => d.IsError).ToList();
            if (errors.Count > 0)
            {
                // A keyword ssh does not know has its own id, as for the config editors; any other refusal is ConfigInvalid.
                throw new SshKeepAliveException(
                    errors.All(e => e.Problem == ConfigProblem.UnknownKeyword) ? ErrorId.ConfigKeywordUnknown : ErrorId.ConfigInvalid,
                    $"ssh would refuse its configuration for {target}: " + string.Join("; ", errors),
                    target.ToString());
            }

            warnings.AddRange(resolution.Diagnostics.Where(d => !d.IsError && !warnings.Any(w => w.ToString() == d.ToString())));
            return (SshSessionSettings.FromConfig(resolution, environment.HomeDirectory, environment.OpenSshVersion), resolution);
        }

        // ssh's ProxyJump: the last hop is reached through the hops before it (given to it as its own -J, which then wins
        // over its configuration), or, when it is the only one, through whatever its own configuration says.
        private static void AddJumpHosts(ClientConfigResolver resolver, ClientResolveOptions options, ClientEnvironment environment, List<ConfigDiagnostic> warnings,
            SshSessionSettings settings, IReadOnlyList<SshTarget>? jumpOverride, SshSessionRequest request, List<string> path)
        {
            string identity = $"{settings.User}@{settings.HostName}:{settings.Port}";
            if (path.Contains(identity) || path.Count > MaxHops)
            {
                throw new SshKeepAliveException(ErrorId.JumpHostInvalid, $"jumphost loop via {settings.Target}: {string.Join(" -> ", path.Concat(new[] { identity }))}.", settings.Target.ToString());
            }

            IReadOnlyList<SshTarget>? hops = jumpOverride;
            if (hops == null && settings.ConfiguredProxyJump is (string value, ConfigSource source))
            {
                hops = ParseJumpHosts(value, $"ProxyJump at {source}", settings.Target.ToString());
            }

            if (jumpOverride != null)
            {
                settings.ProxyCommand = null;
            }

            if (hops == null || hops.Count == 0)
            {
                return;
            }

            SshTarget last = hops[hops.Count - 1];
            (SshSessionSettings hop, _) = Resolve(resolver, last, options, environment, warnings);
            ApplyHopChoices(request, hop);
            AddJumpHosts(resolver, options, environment, warnings, hop, hops.Count > 1 ? hops.Take(hops.Count - 1).ToList() : null, request, path.Concat(new[] { identity }).ToList());
            settings.JumpHosts.Clear();
            settings.JumpHosts.AddRange(hop.JumpHosts);
            hop.JumpHosts.Clear();
            settings.JumpHosts.Add(hop);
            if (settings.JumpHosts.Count > MaxHops)
            {
                throw new SshKeepAliveException(ErrorId.JumpHostInvalid, $"The jump host chain to {settings.Target} has more than {MaxHops} hops.", settings.Target.ToString());
            }
        }

        private static IReadOnlyList<SshTarget> ParseJumpHosts(string value, string what, string target)
        {
            try
            {
                return SshTarget.ParseJumpHosts(value);
            }
            catch (FormatException ex)
            {
                throw new SshKeepAliveException(ErrorId.JumpHostInvalid, $"{what}: {ex.Message}", target, ex);
            }
        }

        private static SshTarget ParseDestination(string destination)
        {
            try
            {
                return SshTarget.Parse(destination);
            }
            catch (FormatException ex)
            {
                throw new SshKeepAliveException(ErrorId.HostNameInvalid, ex.Message, destination, ex);
            }
        }

        private static void ApplyChoices(SshSessionRequest request, SshTarget target, SshSessionSettings settings)
        {
            settings.Name = request.Name;
            settings.Port = request.Port ?? settings.Port;
            if (request.CredentialUser != null || request.Password != null)
            {
                settings.User = target.User ?? request.CredentialUser ?? settings.User;
                settings.Password = request.Password;
            }

            ApplyHopChoices(request, settings);
            settings.KeepAliveInterval = request.KeepAliveInterval ?? settings.KeepAliveInterval;
            settings.KeepAliveCountMax = request.KeepAliveCountMax ?? settings.KeepAliveCountMax;
            settings.ReconnectPolicy = request.NoReconnect ? ReconnectPolicy.Never : Reconnect(request, settings.ReconnectPolicy);
            AddForwards(settings, ForwardKind.Local, request.LocalForwards, "-LocalForward");
            AddForwards(settings, ForwardKind.Remote, request.RemoteForwards, "-RemoteForward");
            AddForwards(settings, ForwardKind.Dynamic, request.DynamicForwards, "-DynamicForward");
            settings.SentEnvironment.PutFirst(request.SendEnv, request.SetEnv);
        }

        // What the caller chose about keys, host keys, the connect timeout and prompts holds for every hop of the chain.
        private static void ApplyHopChoices(SshSessionRequest request, SshSessionSettings settings)
        {
            settings.KeyFiles.AddRange(request.KeyFiles.Except(settings.KeyFiles));
            settings.KeyPassphrase = request.KeyPassphrase ?? settings.KeyPassphrase;
            settings.StrictHostKeyChecking = request.StrictHostKeyChecking == null ? settings.StrictHostKeyChecking : ParseStrictHostKeyChecking(request.StrictHostKeyChecking);
            settings.UserKnownHostsFile = request.KnownHostsFile ?? settings.UserKnownHostsFile;
            settings.ConnectTimeout = request.ConnectTimeout ?? settings.ConnectTimeout;
            settings.Prompter = request.Prompter;
            settings.NoPrompterReason = request.NoPrompterReason ?? settings.NoPrompterReason;
        }

        private static void AddForwards(SshSessionSettings settings, ForwardKind kind, IReadOnlyList<string> specs, string parameter)
        {
            foreach (string spec in specs)
            {
                ForwardSpec forward = ForwardSpec.ParseCommandLine(kind, spec, out string? error)
                    ?? throw new SshKeepAliveException(ErrorId.ForwardSpecInvalid, $"{parameter} '{spec}': {error}", spec);
                if (forward.UsesUnixSocket || (forward.IsDynamic && kind == ForwardKind.Remote))
                {
                    throw new SshKeepAliveException(ErrorId.ForwardSpecInvalid, $"{parameter} '{spec}': Unix socket and remote dynamic forwards are not supported by persistent sessions.", spec);
                }

                if (!settings.Forwards.Contains(forward))
                {
                    settings.Forwards.Add(forward);
                }
            }
        }

        /// <summary>Yes, No, Ask, AcceptNew in any case, or ssh's accept-new.</summary>
        private static StrictHostKeyChecking ParseStrictHostKeyChecking(string value)
        {
            string name = value.Replace("-", string.Empty);
            foreach (StrictHostKeyChecking mode in Enum.GetValues(typeof(StrictHostKeyChecking)))
            {
                if (string.Equals(mode.ToString(), name, StringComparison.OrdinalIgnoreCase))
                {
                    return mode;
                }
            }

            throw new ArgumentException($"'{value}' is not a StrictHostKeyChecking mode: Yes, AcceptNew, No or Ask.", nameof(value));
        }

        private static ReconnectPolicy Reconnect(SshSessionRequest request, ReconnectPolicy defaults)
        {
            TimeSpan first = request.ReconnectDelay ?? defaults.FirstDelay;
            TimeSpan max = request.ReconnectMaxDelay ?? defaults.MaxDelay;
            if (max < first)
            {
                throw new SshKeepAliveException(
                    ErrorId.ReconnectDelayInvalid,
                    $"The longest reconnect delay ({max.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s) is shorter than the first ({first.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s).",
                    max.TotalSeconds.ToString(CultureInfo.InvariantCulture));
            }

            return new ReconnectPolicy(first, max, request.ReconnectMaxAttempts ?? defaults.MaxAttempts, request.ReconnectTimeout ?? defaults.MaxDuration);
        }
    }
}
