; Inno Setup script for TrustNXT Desktop (Windows). Built by .github/workflows/build.yml:
;   iscc /DAppVersion=0.1.0 /DSourceDir=..\..\dist\trustnxt-desktop packaging\windows\trustnxt-desktop.iss
; Per-user install by default (no admin prompt); "Open with" associations for every format we inspect
; (build\file-associations.iss, made by packaging\formats.py iss).
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\trustnxt-desktop"
#endif

[Setup]
AppId={{6F1E4C2B-3E0B-4F8A-9C1D-7A52B0E8D4F1}
AppName=TrustNXT Desktop
AppVersion={#AppVersion}
AppPublisher=TrustNXT
AppPublisherURL=https://www.trustnxt.com
DefaultDirName={autopf}\TrustNXT Desktop
DefaultGroupName=TrustNXT Desktop
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir=..\..\dist
OutputBaseFilename=TrustNXT-Desktop-{#AppVersion}-Setup
SetupIconFile=..\..\build\icons\trustnxt-desktop.ico
UninstallDisplayIcon={app}\trustnxt-desktop.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes
ArchitecturesInstallIn64BitMode=x64compatible

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\TrustNXT Desktop"; Filename: "{app}\trustnxt-desktop.exe"
Name: "{group}\Uninstall TrustNXT Desktop"; Filename: "{uninstallexe}"

[Tasks]
Name: "addtopath"; Description: "Add the trustnxt command to PATH"; Flags: unchecked

[Registry]
; One ProgID; each extension lists it under OpenWithProgids so we appear in "Open with" without
; taking over the user's default viewer.
Root: HKA; Subkey: "Software\Classes\TrustNXT.Media"; ValueType: string; ValueData: "Media (TrustNXT Desktop)"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\TrustNXT.Media\DefaultIcon"; ValueType: string; ValueData: "{app}\trustnxt-desktop.exe,0"
Root: HKA; Subkey: "Software\Classes\TrustNXT.Media\shell\open\command"; ValueType: string; ValueData: """{app}\trustnxt-desktop.exe"" ""%1"""
; One OpenWithProgids value per extension the app inspects, generated from the engine's format table:
;   python packaging\formats.py iss > build\file-associations.iss   (the build workflow does this first)
#include "..\..\build\file-associations.iss"
Root: HKCU; Subkey: "Environment"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; Tasks: addtopath; Check: NeedsAddPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\trustnxt-desktop.exe"; Description: "Start TrustNXT Desktop"; Flags: nowait postinstall skipifsilent

[Code]
function NeedsAddPath(Dir: string): Boolean;
var Paths: string;
begin
  if not RegQueryStringValue(HKCU, 'Environment', 'Path', Paths) then begin Result := True; exit; end;
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Paths) + ';') = 0;
end;
