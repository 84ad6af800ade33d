#!/usr/bin/env bash
# Usage: check-desktop-files.sh DESKTOP_ENTRY METAINFO
# The desktop entry and the AppStream metainfo must pass their validators.
set -euo pipefail
desktop-file-validate "$1"
appstreamcli validate --no-net --pedantic "$2"
echo "desktop entry and metainfo valid"
