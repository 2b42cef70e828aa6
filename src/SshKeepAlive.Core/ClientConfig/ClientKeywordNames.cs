using System;
using System.Collections.Generic;
using System.Linq;

namespace SshKeepAlive.Core.ClientConfig
{
    /// <summary>
    /// Every keyword ssh_config accepts: those documented in ssh_config(5) of OpenSSH 9.2 (with Debian's GSSAPI
    /// additions), the deprecated and unsupported names ssh still recognises, and a few newer keywords so that
    /// configs written for newer OpenSSH do not raise warnings.
    /// </summary>
    internal static class ClientKeywordNames
    {
        private static readonly string[] Names =
        {
            "Host", "Match", "Include", "IgnoreUnknown",
            "AddKeysToAgent", "AddressFamily", "BatchMode", "BindAddress", "BindInterface", "CanonicalDomains",
            "CanonicalizeFallbackLocal", "CanonicalizeHostname", "CanonicalizeMaxDots", "CanonicalizePermittedCNAMEs",
            "CASignatureAlgorithms", "CertificateFile", "CheckHostIP", "Ciphers", "ClearAllForwardings", "Compression",
            "ConnectionAttempts", "ConnectTimeout", "ControlMaster", "ControlPath", "ControlPersist", "DynamicForward",
            "EnableEscapeCommandline", "EnableSSHKeysign", "EscapeChar", "ExitOnForwardFailure", "FingerprintHash",
            "ForkAfterAuthentication", "ForwardAgent", "ForwardX11", "ForwardX11Timeout", "ForwardX11Trusted",
            "GatewayPorts", "GlobalKnownHostsFile", "GSSAPIAuthentication", "GSSAPIClientIdentity",
            "GSSAPIDelegateCredentials", "GSSAPIKeyExchange", "GSSAPIRenewalForcesRekey", "GSSAPIServerIdentity",
            "GSSAPITrustDns", "GSSAPIKexAlgorithms", "HashKnownHosts", "HostbasedAcceptedAlgorithms",
            "HostbasedAuthentication", "HostKeyAlgorithms", "HostKeyAlias", "Hostname", "IdentitiesOnly",
            "IdentityAgent", "IdentityFile", "IPQoS", "KbdInteractiveAuthentication", "KbdInteractiveDevices",
            "KexAlgorithms", "KnownHostsCommand", "LocalCommand", "LocalForward", "LogLevel", "LogVerbose", "MACs",
            "NoHostAuthenticationForLocalhost", "NumberOfPasswordPrompts", "PasswordAuthentication",
            "PermitLocalCommand", "PermitRemoteOpen", "PKCS11Provider", "Port", "PreferredAuthentications",
            "ProxyCommand", "ProxyJump", "ProxyUseFdpass", "PubkeyAcceptedAlgorithms", "PubkeyAuthentication",
            "RekeyLimit", "RemoteCommand", "RemoteForward", "RequestTTY", "RequiredRSASize", "RevokedHostKeys",
            "SecurityKeyProvider", "SendEnv", "ServerAliveCountMax", "ServerAliveInterval", "SessionType", "SetEnv",
            "StdinNull", "StreamLocalBindMask", "StreamLocalBindUnlink", "StrictHostKeyChecking", "SyslogFacility",
            "TCPKeepAlive", "Tunnel", "TunnelDevice", "UpdateHostKeys", "User", "UserKnownHostsFile",
            "VerifyHostKeyDNS", "VisualHostKey", "XAuthLocation",

            // Recognised but deprecated, unsupported or aliases (ssh warns or maps them, but does not refuse).
            "Protocol", "Cipher", "FallBackToRsh", "GlobalKnownHostsFile2", "RhostsAuthentication", "UserKnownHostsFile2",
            "UseRoaming", "UseRsh", "UsePrivilegedPort", "AFSTokenPassing", "KerberosAuthentication", "KerberosTGTPassing",
            "RSAAuthentication", "RhostsRSAAuthentication", "CompressionLevel", "SmartcardDevice",
            "ChallengeResponseAuthentication", "SKeyAuthentication", "TISAuthentication", "DSAAuthentication",
            "HostbasedKeyTypes", "PubkeyAcceptedKeyTypes", "IdentityFile2", "KeepAlive", "UseBlacklistedKeys",

            // Newer than 9.2.
            "ChannelTimeout", "Tag", "ObscureKeystrokeTiming", "RefuseConnection", "WarnWeakCrypto",
        };

        private static readonly Dictionary<string, string> Known = Names.ToDictionary(n => n, n => n, StringComparer.OrdinalIgnoreCase);

        public static bool IsKnown(string keyword) => Known.ContainsKey(keyword);

        /// <summary>The keyword as ssh_config(5) spells it (e.g. "identitiesonly" → "IdentitiesOnly"); null when unknown.</summary>
        public static string? Canonical(string keyword) => Known.TryGetValue(keyword, out string? name) ? name : null;
    }
}
