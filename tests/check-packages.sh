#!/usr/bin/env bash
# Usage: check-packages.sh BUILD_DIR
# Builds the .deb packages with cpack, checks their contents and dependencies,
# installs them (for real when root, as on CI; else unpacked into a throwaway
# root), runs the installed executables against a temporary database, and
# removes them again.
set -euo pipefail
build=$1
work=$(mktemp -d)
installed=0
cleanup() {
    if [ "$installed" = 1 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq guichet guichetd >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

(cd "$build" && cpack -G DEB -B "$work/out" >/dev/null)
desktop_deb=$(ls "$work"/out/guichet_*.deb)
server_deb=$(ls "$work"/out/guichetd_*.deb)
echo "built $(basename "$desktop_deb") and $(basename "$server_deb")"

fail() { echo "check-packages: $*" >&2; exit 1; }
field() { dpkg-deb -f "$1" "$2"; }
contents() { dpkg-deb -c "$1" | awk '{print $6}'; }

# Dependencies the shared-library scan cannot see.
for dep in libqt6sql6-sqlite libqt6sql6-psql qt6-qpa-plugins libqt6svg6 libqt6widgets6 libsodium23 libqt6keychain1; do
    field "$desktop_deb" Depends | grep -q "$dep" || fail "guichet does not depend on $dep: $(field "$desktop_deb" Depends)"
done
field "$desktop_deb" Recommends | grep -q gnome-keyring || fail "guichet does not recommend a keyring"
for dep in libqt6sql6-sqlite libqt6sql6-psql adduser; do
    field "$server_deb" Depends | grep -q "$dep" || fail "guichetd does not depend on $dep: $(field "$server_deb" Depends)"
done
for path in ./usr/bin/guichet ./usr/bin/guichetctl ./usr/share/applications/fr.guichet.Guichet.desktop \
    ./usr/share/metainfo/fr.guichet.Guichet.metainfo.xml ./usr/share/icons/hicolor/scalable/apps/fr.guichet.Guichet.svg \
    ./usr/share/icons/hicolor/48x48/apps/fr.guichet.Guichet.png ./usr/share/man/man1/guichetctl.1; do
    contents "$desktop_deb" | grep -qx "$path" || fail "guichet lacks $path"
done
for path in ./usr/bin/guichetd ./usr/lib/systemd/system/guichetd.service ./etc/guichet/guichetd.conf \
    ./usr/share/man/man8/guichetd.8 ./usr/share/doc/guichetd/examples/nginx-guichet.conf; do
    contents "$server_deb" | grep -qx "$path" || fail "guichetd lacks $path"
done
dpkg-deb --ctrl-tarfile "$server_deb" | tar -t | grep -q conffiles || fail "guichetd has no conffiles"
# guichet:// links: the desktop entry handles the scheme, the scripts refresh the handlers.
dpkg-deb --fsys-tarfile "$desktop_deb" | tar -xO ./usr/share/applications/fr.guichet.Guichet.desktop \
    | grep -qx 'MimeType=x-scheme-handler/guichet;' || fail "the desktop entry does not handle guichet:// links"
for script in postinst postrm; do
    dpkg-deb --ctrl-tarfile "$desktop_deb" | tar -t | grep -q "$script" || fail "guichet has no $script"
done

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$desktop_deb" "$server_deb" >/dev/null
    installed=1
    root=""
    getent passwd guichet >/dev/null || fail "installing guichetd did not create the guichet user"
    if command -v update-desktop-database >/dev/null; then
        grep -q '^x-scheme-handler/guichet=.*fr.guichet.Guichet.desktop' /usr/share/applications/mimeinfo.cache \
            || fail "installing guichet did not register it for guichet:// links"
    fi
else
    root="$work/root"
    dpkg-deb -x "$desktop_deb" "$root"
    dpkg-deb -x "$server_deb" "$root"
fi

"$root/usr/bin/guichet" --version | grep -q "Guichet\|guichet" || fail "guichet --version"
"$root/usr/bin/guichetctl" --version | grep -q "guichetctl" || fail "guichetctl --version"
"$root/usr/bin/guichetd" --version | grep -q "guichetd" || fail "guichetd --version"
db="$work/packaged.sqlite"
"$root/usr/bin/guichetctl" --database "$db" init >/dev/null
log="$work/guichetd.log"
"$root/usr/bin/guichetd" --database "$db" --listen 127.0.0.1:0 >"$work/guichetd.out" 2>"$log" &
pid=$!
for _ in $(seq 50); do
    grep -q "listening on" "$work/guichetd.out" && break
    sleep 0.1
done
url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$work/guichetd.out" | head -n 1)
[ -n "$url" ] || { kill "$pid" 2>/dev/null; cat "$log" >&2; fail "the installed guichetd did not start"; }
curl -fsS "$url/api/v1/health" | grep -q '"ok":true' || { kill "$pid"; fail "health check of the installed guichetd"; }
kill -TERM "$pid"
wait "$pid" || fail "guichetd did not stop cleanly on SIGTERM"

if [ "$installed" = 1 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq guichet guichetd >/dev/null
    installed=0
    [ ! -e /usr/bin/guichet ] || fail "guichet still installed after purge"
fi
echo "packages install, run and uninstall"
