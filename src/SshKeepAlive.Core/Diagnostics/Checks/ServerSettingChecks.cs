using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.Timeouts;

namespace SshKeepAlive.Core.Diagnostics
{
    /// <summary>
    /// <see cref="FindingId.SessionChannelTimeout"/>: sshd's ChannelTimeout closes an interactive session's channel
    /// after that long without data; keepalives are not data to it, so they cannot help.
    /// </summary>
    internal sealed class SessionChannelTimeoutCheck : IDiagnosticCheck
    {
        public FindingId Id => FindingId.SessionChannelTimeout;

        public IEnumerable<Finding> Run(CheckContext context)
        {
            TimeoutSetting? setting = context.Setting(TimeoutScope.Server, "ChannelTimeout");
            if (!(setting?.Value is string value) || !(ChannelTimeouts.ForSession(value) is int seconds))
            {
                yield break;
            }

            yield return context.Make(
                Id,
                FindingSeverity.Warning,
                $"sshd closes an interactive session's channel after {seconds} s without data; keepalives are not data to it, so they cannot keep the session.",
                CheckContext.Describe(setting),
                context.Fixes.ServerTimeout("ChannelTimeout", ChannelTimeouts.SessionTypes(value).Select(type => type + "=0").ToArray()),
                FixKind.Command,
                context.Summary.IdleLimits.FirstOrDefault(l => l.Kind == IdleLimitKind.ChannelTimeout),
                seconds);
        }
    }

    /// <summary>
    /// <see cref="FindingId.UnusedConnectionTimeout"/>: sshd closes connections that have no open channel after
    /// UnusedConnectionTimeout, which ends an idle <c>ssh -N</c> port forward; interactive sessions keep a channel.
    /// </summary>
    internal sealed class UnusedConnectionTimeoutCheck : IDiagnosticCheck
    {
        public FindingId Id => FindingId.UnusedConnectionTimeout;

        public IEnumerable<Finding> Run(CheckContext context)
        {
            TimeoutSetting? setting = context.Setting(TimeoutScope.Server, "UnusedConnectionTimeout");
            if (setting?.Value is int seconds && seconds > 0)
            {
                yield return context.Make(
                    Id,
                    FindingSeverity.Info,
                    $"sshd closes a connection without open channels after {seconds} s: an idle ssh -N port forward with no forwarded connection ends then; interactive sessions are not affected.",
                    CheckContext.Describe(setting),
                    context.Fixes.ServerTimeout("UnusedConnectionTimeout", "none"),
                    FixKind.Command);
            }
        }
    }

    /// <summary>
    /// <see cref="FindingId.ClientAliveCountMaxZero"/>: ClientAliveCountMax 0 with ClientAliveInterval set. Since
    /// OpenSSH 8.2 it turns the dead-client check off (it used to drop the client after one interval, so it is
    /// still mistaken for an idle timeout): sessions of vanished clients linger.
    /// </summary>
    internal sealed class ClientAliveCountMaxZeroCheck : IDiagnosticCheck
    {
        private const int OpenSshDefaultCountMax = 3;

        public FindingId Id => FindingId.ClientAliveCountMaxZero;

        public IEnumerable<Finding> Run(CheckContext context)
        {
            if (context.Seconds(TimeoutScope.Server, "ClientAliveCountMax") == 0 && context.Seconds(TimeoutScope.Server, "ClientAliveInterval") is int interval && interval > 0)
            {
                yield return context.Make(
                    Id,
                    FindingSeverity.Warning,
                    "ClientAliveCountMax 0 turns sshd's check for dead clients off (since OpenSSH 8.2; it is not an idle timeout): sessions of clients that vanished linger.",
                    context.Describe(TimeoutScope.Server, "ClientAliveCountMax") + "; " + context.Describe(TimeoutScope.Server, "ClientAliveInterval"),
                    context.Fixes.ServerKeepAlive(interval, OpenSshDefaultCountMax),
                    FixKind.Command);
            }
        }
    }

    /// <summary>
    /// <see cref="FindingId.LoginGraceTimeZero"/>: LoginGraceTime 0 lets unauthenticated connections stay forever
    /// (filling MaxStartups); it is not an idle setting of logged-in sessions, which it is sometimes set for.
    /// </summary>
    internal sealed class LoginGraceTimeZeroCheck : IDiagnosticCheck
    {
        private const string OpenSshDefault = "120";

        public FindingId Id => FindingId.LoginGraceTimeZero;

        public IEnumerable<Finding> Run(CheckContext context)
        {
            if (context.Seconds(TimeoutScope.Server, "LoginGraceTime") == 0)
            {
                yield return context.Make(
                    Id,
                    FindingSeverity.Warning,
                    "LoginGraceTime 0 lets connections that never log in stay forever, filling sshd's MaxStartups; it does nothing for idle logged-in sessions.",
                    context.Describe(TimeoutScope.Server, "LoginGraceTime"),
                    context.Fixes.ServerTimeout("LoginGraceTime", OpenSshDefault),
                    FixKind.Command);
            }
        }
    }
}
