#!/usr/bin/env bash
# Usage: check-translations.sh LUPDATE_PROJECT.cmake CATALOGUE.ts
# Runs lupdate over the current sources into a copy of the catalogue and fails
# when a string is untranslated (new in the sources, or left unfinished).
set -euo pipefail
project_cmake=$1
catalogue=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tools=$(ls -d /usr/lib/x86_64-linux-gnu/cmake/Qt6LinguistTools 2>/dev/null || ls -d /usr/lib/*/cmake/Qt6LinguistTools | head -n 1)
cmake -DIN_FILE="$project_cmake" -DOUT_FILE="$work/project.json" -P "$tools/GenerateLUpdateProject.cmake"
cp "$catalogue" "$work/check.ts"
/usr/lib/qt6/bin/lupdate -project "$work/project.json" -no-obsolete -locations none -ts "$work/check.ts" >/dev/null
unfinished=$(grep -c 'type="unfinished"' "$work/check.ts" || true)
if [ "$unfinished" -ne 0 ]; then
    echo "translations: $unfinished string(s) without a French translation:" >&2
    grep -B2 'type="unfinished"' "$work/check.ts" | grep '<source>' | sed 's/^ */  /' >&2
    echo "Run: cmake --build build --target update_translations, then translate translations/guichet_fr.ts" >&2
    exit 1
fi
total=$(grep -c '<message' "$work/check.ts" || true)
echo "translations: all $total strings translated"
