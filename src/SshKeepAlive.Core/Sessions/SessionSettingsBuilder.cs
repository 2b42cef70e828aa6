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
    }

    /// <summary>
    /// Turns a <see cref="SshSessionRequest"/> into <see cref="SshSessionSettings"/>: what ssh_config says for the
    /// destination (as <c>ssh -G</c>), then the request's explicit choices on top, checked together.
    /// </summary>
    public static class SessionSettingsBuilder
    {
        /// <exception cref="SshKeepAliveException">
        /// <see cref="ErrorId.HostNameInvalid"/> for a destination ssh would not take; <see cref="ErrorId.ConfigInvalid"/>
        /// for a configuration ssh would refuse (the message names each file:line); <see cref="ErrorId.ReconnectDelayInvalid"/>
        /// when the longest reconnect delay is shorter than the first.
        /// </exception>
        public static SessionSettingsResult Build(SshSessionRequest request, ClientEnvironment environment)
        {
            SshTarget target = ParseDestination(request.Destination);
            ClientConfigResolver resolver = ClientConfigResolver.Open(environment, request.ConfigFile);
            ClientResolution resolution = resolver.Resolve(target);
            var errors = resolution.Diagnostics.Where(d => d.IsError).ToList();
            if (errors.Count > 0)
            {
                throw new SshKeepAliveException(
                    ErrorId.ConfigInvalid,
                    $"ssh would refuse its configuration for {target}: " + string.Join("; ", errors),
                    target.ToString());
            }

            SshSessionSettings settings = SshSessionSettings.FromConfig(resolution, environment.HomeDirectory);
            ApplyChoices(request, target, settings);
            return new SessionSettingsResult(
                settings,
                resolution.Diagnostics.Where(d => !d.IsError).ToList(),
                resolution.Settings.Where(s => !s.IsDefault).ToList());
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

            settings.KeyFiles.AddRange(request.KeyFiles);
            settings.KeyPassphrase = request.KeyPassphrase ?? settings.KeyPassphrase;
            settings.KeepAliveInterval = request.KeepAliveInterval ?? settings.KeepAliveInterval;
            settings.KeepAliveCountMax = request.KeepAliveCountMax ?? settings.KeepAliveCountMax;
            settings.StrictHostKeyChecking = request.StrictHostKeyChecking == null ? settings.StrictHostKeyChecking : ParseStrictHostKeyChecking(request.StrictHostKeyChecking);
            settings.UserKnownHostsFile = request.KnownHostsFile ?? settings.UserKnownHostsFile;
            settings.ConnectTimeout = request.ConnectTimeout ?? settings.ConnectTimeout;
            settings.ReconnectPolicy = request.NoReconnect ? ReconnectPolicy.Never : Reconnect(request, settings.ReconnectPolicy);
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
