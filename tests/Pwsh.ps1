# Dot-sourced by build.ps1 and the Pester files: how to start a new pwsh like the one running.

# This pwsh's command line: its own executable, or, for the .NET tool (dotnet pwsh), dotnet and the tool's pwsh.dll.
# Run it as: & $pwsh.FilePath $pwsh.Arguments -NoProfile ...
function Get-PwshCommand {
    $self = [Environment]::ProcessPath
    $arguments = @()
    if ([IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') {
        $arguments = @(Join-Path $PSHOME 'pwsh.dll')
    }
    [pscustomobject]@{ FilePath = $self; Arguments = $arguments }
}
