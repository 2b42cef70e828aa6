using System.Collections.Generic;
using System.Linq;
using SshKeepAlive.Core.Kernel;
using SshKeepAlive.Core.Timeouts;

namespace SshKeepAlive.Core.Diagnostics
{
    /// <summary>
    /// <see cref="FindingId.KeepAliveMissing"/>: no keepalive crosses an idle connection (ServerAliveInterval 0,
    /// ClientAliveInterval 0, TCPKeepAlive off) while the path forgets idle flows: after a known limit (this
    /// machine's conntrack, or the one given or measured) an Error, else a Warning naming common middlebox limits.
    /// </summary>
    internal sealed class KeepAliveMissingCheck : IDiagnosticCheck
    {
        /// <summary>Idle limits of common middleboxes, shortest first: what an unknown path is likely to have.</summary>
        internal const string CommonLimits = "NAT gateways, firewalls and load balancers commonly forget idle connections after 240 s (Azure Load Balancer's default), 350 s (AWS NAT gateway and Network Load Balancer) or 1200 s (Google Cloud NAT)";

        public FindingId Id => FindingId.KeepAliveMissing;

        public IEnumerable<Finding> Run(CheckContext context)
        {
            if (context.Summary.KeepAliveSeconds != null)
            {
                yield break;
            }

            IdleLimit? limit = context.PathLimit;
            string evidence = string.Join("; ", KeepAliveEvidence(context)) + (limit == null ? string.Empty : "; path: " + limit.Source);
            string fix = KeepAliveFix(context, FixCommands.IntervalFor(limit == null || IsKernelDefault(limit) ? (int?)null : limit.Seconds));
            bool tcpUnknown = !context.Has(TimeoutScope.Kernel) && (context.Flag(TimeoutScope.Client, "TCPKeepAlive") || context.Flag(TimeoutScope.Server, "TCPKeepAlive"));
            string nothing = tcpUnknown
                ? $"No SSH keepalive crosses an idle connection to {context.Target.Target} (TCP keepalives wait for the kernel's tcp_keepalive_time, 2 hours by default, not read here)"
                : $"Nothing sends keepalives over an idle connection to {context.Target.Target}";
            yield return limit == null
                ? context.Make(Id, FindingSeverity.Warning, $"{nothing}. {CommonLimits}; Measure-SshIdleTimeout finds this path's.", evidence, fix, FixKind.Command)
                : IsKernelDefault(limit)
                ? context.Make(Id, FindingSeverity.Warning, $"{nothing}: this machine's conntrack forgets it after its default {limit.Seconds} s, and {CommonLimits}.", evidence, fix, FixKind.Command, limit)
                : context.Make(Id, FindingSeverity.Error, $"{nothing}, and the path forgets idle connections after {limit.Seconds} s: the session then hangs and dies.", evidence, fix, FixKind.Command, limit);
        }

        /// <summary>
        /// True for this machine's conntrack at the kernel's untouched default (5 days): a limit, but no sign of a
        /// short one; what bites is more likely a middlebox elsewhere.
        /// </summary>
        internal static bool IsKernelDefault(IdleLimit limit) => limit.Kind == IdleLimitKind.Firewall && limit.Setting?.IsDefault == true;

        /// <summary>The keepalive settings of every side read, with their sources.</summary>
        internal static IEnumerable<string> KeepAliveEvidence(CheckContext context)
        {
            if (context.Has(TimeoutScope.Client))
            {
                yield return context.Describe(TimeoutScope.Client, "ServerAliveInterval");
                yield return "client " + context.Describe(TimeoutScope.Client, "TCPKeepAlive");
            }

            if (context.Has(TimeoutScope.Server))
            {
                yield return context.Describe(TimeoutScope.Server, "ClientAliveInterval");
                yield return "server " + context.Describe(TimeoutScope.Server, "TCPKeepAlive");
            }
        }

        /// <summary>The client's keepalive when the client is reported (the side the user controls), else the server's.</summary>
        internal static string KeepAliveFix(CheckContext context, int interval) =>
            context.Has(TimeoutScope.Client) ? context.Fixes.ClientKeepAlive(interval) : context.Fixes.ServerKeepAlive(interval);
    }

    /// <summary>
    /// <see cref="FindingId.KeepAliveTooSlow"/>: the soonest keepalive comes after the path has forgotten the idle
    /// connection: an Error against a known limit, a Warning when it is longer than common middlebox limits (240 s).
    /// </summary>
    internal sealed class KeepAliveTooSlowCheck : IDiagnosticCheck
    {
        private const int ShortestCommonLimit = 240;

        public FindingId Id => FindingId.KeepAliveTooSlow;

        public IEnumerable<Finding> Run(CheckContext context)
        {
            if (!(context.Summary.KeepAliveSeconds is int keepAlive))
            {
                yield break;
            }

            IdleLimit? limit = context.PathLimit;
            string evidence = $"soonest keepalive: every {keepAlive} s, {context.Summary.KeepAliveSource}" + (limit == null ? string.Empty : "; path: " + limit.Source);
            if (limit != null && !KeepAliveMissingCheck.IsKernelDefault(limit))
            {
                yield return context.Make(
                    Id,
                    FindingSeverity.Error,
                    $"The soonest keepalive to {context.Target.Target} comes every {keepAlive} s, but the path forgets an idle connection after {limit.Seconds} s: an idle session dies first.",
                    evidence,
                    KeepAliveMissingCheck.KeepAliveFix(context, FixCommands.IntervalFor(limit.Seconds)),
                    FixKind.Command,
                    limit);
            }
            else if (context.Target.PathIdleTimeout == null && keepAlive > ShortestCommonLimit)
            {
                // Against the kernel's default conntrack the finding still names the limit, which then ends the session first.
                yield return context.Make(
                    Id,
                    FindingSeverity.Warning,
                    $"The soonest keepalive to {context.Target.Target} comes every {keepAlive} s. {KeepAliveMissingCheck.CommonLimits}; Measure-SshIdleTimeout finds this path's.",
                    evidence,
                    KeepAliveMissingCheck.KeepAliveFix(context, FixCommands.SafeInterval),
                    FixKind.Command,
                    limit);
            }
        }
    }

    /// <summary>
    /// <see cref="FindingId.DeadPeerUndetected"/>: a side with TCPKeepAlive no and no ServerAlive (client) or
    /// ClientAlive (server) keepalive never notices that its peer or the path died.
    /// </summary>
    internal sealed class DeadPeerUndetectedCheck : IDiagnosticCheck
    {
        public FindingId Id => FindingId.DeadPeerUndetected;

        public IEnumerable<Finding> Run(CheckContext context)
        {
            int interval = FixCommands.IntervalFor(context.PathLimit?.Seconds);
            if (context.Has(TimeoutScope.Client) && context.Seconds(TimeoutScope.Client, "ServerAliveInterval") == 0 && !context.Flag(TimeoutScope.Client, "TCPKeepAlive"))
            {
                yield return context.Make(
                    Id,
                    FindingSeverity.Warning,
                    $"ssh to {context.Target.Target} never notices a dead server or path: a session over a broken path hangs until it is killed by hand.",
                    context.Describe(TimeoutScope.Client, "TCPKeepAlive") + "; " + context.Describe(TimeoutScope.Client, "ServerAliveInterval"),
                    context.Fixes.ClientKeepAlive(interval),
                    FixKind.Command);
            }

            if (context.Has(TimeoutScope.Server) && context.Seconds(TimeoutScope.Server, "ClientAliveInterval") == 0 && !context.Flag(TimeoutScope.Server, "TCPKeepAlive"))
            {
                yield return context.Make(
                    Id,
                    FindingSeverity.Warning,
                    "sshd never notices a client that vanished: its sessions, and the processes in them, stay until sshd restarts.",
                    context.Describe(TimeoutScope.Server, "TCPKeepAlive") + "; " + context.Describe(TimeoutScope.Server, "ClientAliveInterval"),
                    context.Fixes.ServerKeepAlive(interval),
                    FixKind.Command);
            }
        }
    }

    /// <summary>
    /// <see cref="FindingId.KernelKeepAliveTooSlow"/>: the kernel's first TCP keepalive (tcp_keepalive_time) comes
    /// after this machine's conntrack forgets an idle established flow: a Warning when TCP keepalives are the only
    /// keepalive of the session, otherwise an Info.
    /// </summary>
    internal sealed class KernelKeepAliveTooSlowCheck : IDiagnosticCheck
    {
        public FindingId Id => FindingId.KernelKeepAliveTooSlow;

        public IEnumerable<Finding> Run(CheckContext context)
        {
            TimeoutSetting? time = Kernel(context, KernelRole.KeepAliveTime);
            TimeoutSetting? conntrack = Kernel(context, KernelRole.ConntrackEstablished);
            if (!(time?.Value is int keepAlive) || !(conntrack?.Value is int forget) || keepAlive < forget)
            {
                yield break;
            }

            bool onlyTcp = context.Summary.KeepAliveSetting == time;
            int wanted = System.Math.Max(1, forget / 2);
            yield return context.Make(
                Id,
                onlyTcp ? FindingSeverity.Warning : FindingSeverity.Info,
                $"The kernel sends its first TCP keepalive after {keepAlive} s idle, but conntrack on this machine forgets an idle flow after {forget} s: connections that rely on TCP keepalives through this machine's firewall or NAT are dropped.",
                CheckContext.Describe(time) + "; " + CheckContext.Describe(conntrack),
                $"Run (as root): sysctl -w {time.Name}={wanted}; and add the line '{time.Name} = {wanted}' to /etc/sysctl.d/60-tcp-keepalive.conf so that it holds after a reboot.",
                FixKind.Manual);
        }

        private static TimeoutSetting? Kernel(CheckContext context, KernelRole role) =>
            context.Settings.FirstOrDefault(s => s.Scope == TimeoutScope.Kernel && KernelTimeoutReader.RoleOf(s.Name) == role);
    }
}
