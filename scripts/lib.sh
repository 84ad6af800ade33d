# Shared by scripts/run and scripts/test: installs what is missing and builds.
# shellcheck shell=bash

GUICHET_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
GUICHET_BUILD=${GUICHET_BUILD:-$GUICHET_ROOT/build}
GUICHET_FUZZ_BUILD=${GUICHET_FUZZ_BUILD:-$GUICHET_ROOT/build-fuzz}

# Debian 12 packages the build, the tests and the demo need (clang and its
# libFuzzer runtime for scripts/fuzz).
GUICHET_PACKAGES=(
    cmake ninja-build ccache g++ pkg-config
    qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    qt6-websockets-dev qt6-svg-dev qtkeychain-qt6-dev
    libqt6sql6-sqlite libsqlite3-dev libqt6sql6-psql libsodium-dev libcurl4-openssl-dev
    postgresql python3-aiosmtpd gnome-keyring dbus-x11 xvfb xauth libgl-dev
    fonts-dejavu-core sqlite3 qt6-translations-l10n clang-format-14
    desktop-file-utils appstream dpkg-dev curl wrk openssl
    clang-14 libclang-rt-14-dev llvm-14
)

guichet_log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

guichet_install_deps() {
    local missing=()
    local pkg
    for pkg in "${GUICHET_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    guichet_log "Installing ${missing[*]}"
    local sudo=()
    [ "$(id -u)" -ne 0 ] && sudo=(sudo)
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# guichet_build [TARGET...]: configures (always with warnings as errors, so
# that scripts/run and scripts/test compile with the same flags and share every
# object) and builds the named targets, or everything when none is named.
guichet_build() {
    local targets=()
    local target
    for target in "$@"; do targets+=(--target "$target"); done
    guichet_log "Building ${*:-everything} in $GUICHET_BUILD"
    cmake -S "$GUICHET_ROOT" -B "$GUICHET_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGUICHET_WERROR=ON >/dev/null
    cmake --build "$GUICHET_BUILD" -j"$(nproc)" "${targets[@]}"
}

# guichet_build_fuzz: configures build-fuzz/ with clang, libFuzzer and the
# sanitizers (GUICHET_FUZZ, fuzz/CMakeLists.txt) and builds the fuzz targets
# and only the libraries they link (no widgets).
guichet_build_fuzz() {
    guichet_log "Building the fuzz targets in $GUICHET_FUZZ_BUILD"
    cmake -S "$GUICHET_ROOT" -B "$GUICHET_FUZZ_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_CXX_COMPILER=/usr/bin/clang++-14 -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
        -DGUICHET_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
    cmake --build "$GUICHET_FUZZ_BUILD" -j"$(nproc)" --target fuzz
}
