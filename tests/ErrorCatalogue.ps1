# Dot-sourced by SshKeepAlive.ErrorIds.Tests.ps1 and SshKeepAlive.FindingIds.Tests.ps1 (after Common.ps1 imported the module), in discovery and in the run.

# Every error id of the module's one catalogue (Core's ErrorId enum, found as the parameter type of the cmdlet
# layer's ErrorAdvice.For), with the category the cmdlets raise it with.
function Get-ErrorCatalogue {
    $advice = (Get-Module -Name SshKeepAlive).ImplementingAssembly.GetType('SshKeepAlive.ErrorAdvice', $true)
    $for = $advice.GetMethod('For', [System.Reflection.BindingFlags]'Public, Static')
    $idType = $for.GetParameters()[0].ParameterType
    foreach ($name in [enum]::GetNames($idType)) {
        @{ Id = $name; Category = "$($for.Invoke($null, @([enum]::Parse($idType, $name))).Category)" }
    }
}

# Every finding id of Test-SshKeepAlive (Core's FindingId enum, found as the type of its output's Id property).
function Get-FindingCatalogue {
    $finding = (Get-Command -Name Test-SshKeepAlive).OutputType | ForEach-Object Type | Where-Object Name -EQ 'Finding'
    [enum]::GetNames($finding.GetProperty('Id').PropertyType)
}
