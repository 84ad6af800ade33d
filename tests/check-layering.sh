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

# SQL lives in core only: the desktop's screens and models, guichetd's routes
# and the command-line tools call core's read functions. Any string literal
# holding an SQL statement's keyword (upper case, as the code writes SQL) fails.
sql_keywords='"[^"]*(\bSELECT\b|\bINSERT +INTO\b|\bUPDATE +[A-Za-z_]+ +SET\b|\bDELETE +FROM\b|\bCREATE +(TEMP +|TEMPORARY +)?(TABLE|INDEX|UNIQUE|VIEW|TRIGGER)\b|\bWHERE\b|\bORDER +BY\b)'
while IFS= read -r line; do
    fail "SQL outside core (put it in core's library that owns the table): $line"
done < <(cd "$src" && grep -rnE "$sql_keywords" ui models server app --include='*.cpp' --include='*.h')
# Inside the rules, each feature keeps its statements in its store
# (rules/<feature>/<feature>store.cpp; permissions.cpp holds the validity
# window's fragments): a rules file that spells SQL scatters a table's home.
rules_sql='"[^"]*\b(SELECT|INSERT +INTO|UPDATE +[a-z_]+ +SET|DELETE +FROM|WHERE|ORDER +BY|JOIN)\b'
while IFS= read -r line; do
    fail "SQL in a rules file outside its feature's store: $line"
done < <(cd "$src" && grep -rnE "$rules_sql" core/rules core/mail/digests.cpp --include='*.cpp' --include='*.h' \
    | grep -vE '^core/rules/[a-z]+/[a-z]+store\.(cpp|h):|^core/rules/attachments/permissions\.cpp:')
# Screens send commands built by commands:: (core/commands/commandargs.h): a
# command's name spelt in a screen drifts from the catalogue unseen.
while IFS= read -r line; do
    fail "a screen names a command by string (use its builder in commands::): $line"
done < <(cd "$src" && grep -rnE 'send\( *(QStringLiteral|QLatin1String|QString)\( *"' ui models app --include='*.cpp' --include='*.h')
# Screens hold no Database (ui/shell/session.h): they read through core's
# read functions and the directory, and never open or reach a connection.
while IFS= read -r line; do
    fail "a screen or model reaches the database (read through core's rules or the directory): $line"
done < <(cd "$src" && grep -rnE '\.db\(\)|Database::open|Database *&|Database *\*|CommandContext' ui models --include='*.cpp' --include='*.h' | grep -v '^ui/sync/connectedsession\.\|^ui/shell/standalonedesktop\.\|^ui/tour/')
# The attachment's validity window is written once, in rules/attachments/permissions.cpp
# (attachmentNotEnded and the fragments built on it).
window=$(grep -rnoi 'valid_until IS NULL' "$src/core/rules" | wc -l)
if [ "$window" -gt 1 ]; then
    fail "the validity window is spelled out $window times in core/rules; use attachmentNotEnded() / attachmentInWindow() (rules/attachments/permissions.h):"
    grep -rni 'valid_until IS NULL' "$src/core/rules" >&2
fi

if [ "$failures" -gt 0 ]; then
    exit 1
fi
echo "layering: executables, core's includes and the home of SQL keep to docs/ARCHITECTURE.md"
