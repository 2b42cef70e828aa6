@{
    RootModule           = 'SshKeepAlive.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0e3c2a-7f41-4d1e-9a8c-2e6f1d4b9c07'
    Author               = 'SshKeepAlive contributors'
    CompanyName          = 'SshKeepAlive'
    Copyright            = '(c) SshKeepAlive contributors. MIT License.'
    Description          = 'Keeps SSH sessions from dying of inactivity: reports every setting that ends idle sessions (client, server, shell, kernel) with its source, finds why sessions die with runnable fixes and measures the path''s idle timeout, edits ssh_config and sshd_config safely and losslessly, and runs keepalive-enabled SSH sessions that detect dead peers and reconnect.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('SshKeepAlive.Format.ps1xml')
    CmdletsToExport      = @(
        'Enter-PersistentSsh'
        'Get-PersistentSshSession'
        'Get-SshTimeoutConfig'
        'Invoke-PersistentSshCommand'
        'Measure-SshIdleTimeout'
        'New-PersistentSshSession'
        'Remove-PersistentSshSession'
        'Reset-SshKeepAlive'
        'Set-SshKeepAlive'
        'Set-SshTimeoutConfig'
        'Test-SshKeepAlive'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('SSH', 'OpenSSH', 'KeepAlive', 'Timeout', 'sshd', 'PSEdition_Core', 'PSEdition_Desktop', 'Linux', 'Windows', 'MacOS')
            ProjectUri   = 'https://github.com/sshkeepalive/SshKeepAlive'
            LicenseUri   = 'https://github.com/sshkeepalive/SshKeepAlive/blob/main/LICENSE'
            ReleaseNotes = 'See https://github.com/sshkeepalive/SshKeepAlive/blob/main/CHANGELOG.md'
        }
    }
}
