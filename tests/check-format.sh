#!/usr/bin/env bash
# Fails when a C++ file of the repository differs from what .clang-format asks.
# The formatter's version is pinned (Debian 12's clang-format-14, installed by
# scripts/lib.sh): another version formats some constructs differently.
# Usage: check-format.sh SOURCE_DIR   (fix with: git ls-files '*.cpp' '*.h' | xargs clang-format-14 -i)
set -euo pipefail
cd "$1"
formatter=clang-format-14
if ! command -v "$formatter" >/dev/null; then
    echo "format: $formatter is not installed (scripts/lib.sh installs it)" >&2
    exit 1
fi
mapfile -t files < <(git ls-files '*.cpp' '*.h' 2>/dev/null || find . -name '*.cpp' -o -name '*.h' | grep -v '^./build')
if ! "$formatter" --dry-run -Werror "${files[@]}" 2>/tmp/guichet-format.$$; then
    grep -E '^[^ ].*error:' /tmp/guichet-format.$$ | cut -d: -f1 | sort -u | sed 's/^/format: not formatted: /' >&2
    rm -f /tmp/guichet-format.$$
    echo "Run: git ls-files '*.cpp' '*.h' | xargs $formatter -i" >&2
    exit 1
fi
rm -f /tmp/guichet-format.$$
echo "format: ${#files[@]} files follow .clang-format"
