#!/usr/bin/env bash
# What the built executables load and what core's sources include, against the
# table « What may depend on what » of docs/ARCHITECTURE.md (the libraries'
# links themselves are checked at configuration by cmake/Layering.cmake).
# Usage: check-layering.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
src=$1
build=$2
failures=0
fail() { echo "layering: $*" >&2; failures=$((failures + 1)); }

loads() { ldd "$1" | grep -qi -- "$2"; }
for exe in app/guichetd/guichetd app/guichetctl/guichetctl; do
    [ -x "$build/$exe" ] || continue
    loads "$build/$exe" keychain && fail "$exe loads QtKeychain"
    loads "$build/$exe" libQt6Widgets && fail "$exe loads Qt Widgets"
done
[ -x "$build/app/guichetd/guichetd" ] || fail "guichetd was not built"
loads "$build/app/guichet/guichet" libcurl && fail "guichet loads libcurl (mail delivery is guichetd's and guichetctl's)"
loads "$build/app/guichet/guichet" libQt6HttpServer && fail "guichet loads Qt HttpServer"
# The shipped desktop knows no demo login.
grep -qa 'demo.guichet.fr' "$build/app/guichet/guichet" && fail "guichet carries a demo login"
grep -qa 'demo.guichet.fr' "$build/app/guichetd/guichetd" && fail "guichetd carries a demo login"

# Core includes nothing of the layers above it, and no widget.
while IFS= read -r line; do
    fail "core includes a higher layer: $line"
done < <(grep -rnE '#include +["<](ui|models|server)/|#include +<(QtWidgets|QWidget|QApplication|QDialog)' "$src/core")
# The rules reach neither the desktop's client nor mail delivery.
while IFS= read -r line; do
    fail "a rule includes the client, the dispatcher or mail delivery: $line"
done < <(grep -rnE '#include +"(client|commands|sync|datagen)/|#include +"mail/(maildelivery|mailoutbox|digests)\.h"' "$src/core/rules" "$src/core/kernel" "$src/core/mail/mailtext.h" "$src/core/mail/mailtext.cpp")

if [ "$failures" -gt 0 ]; then
    exit 1
fi
echo "layering: executables and core's includes keep to docs/ARCHITECTURE.md"
