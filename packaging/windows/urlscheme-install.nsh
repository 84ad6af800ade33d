; guichet:// links (the reactivation mails) open Guichet.
; SHCTX is HKCU for a per-user installation (HKCU\Software\Classes\guichet) and
; HKLM for an installation for all users (CPack's template chooses the context).
WriteRegStr SHCTX "Software\Classes\guichet" "" "URL:Guichet link"
WriteRegStr SHCTX "Software\Classes\guichet" "URL Protocol" ""
WriteRegStr SHCTX "Software\Classes\guichet\DefaultIcon" "" "$INSTDIR\bin\guichet.exe,0"
WriteRegStr SHCTX "Software\Classes\guichet\shell\open\command" "" '"$INSTDIR\bin\guichet.exe" "%1"'
