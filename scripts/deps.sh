#!/bin/sh
# Install the Debian packages paperwatch needs that are missing: when run as
# root, with apt-get; otherwise print the exact command and stop.
#   scripts/deps.sh build   what `make` needs
#   scripts/deps.sh test    that, plus what `make test` needs
#   scripts/deps.sh bench   that, plus the peers `make bench` measures
set -eu

BUILD_PKGS="make gcc pkg-config liblua5.4-dev libcurl4-openssl-dev \
libsqlite3-dev libnotify-dev libexpat1-dev libpcre2-dev libcjson-dev"
TEST_PKGS="python3 dbus python3-dbusmock python3-aiosmtpd clang-format lua-check \
python3-bibtexparser groff-base man-db"

BENCH_PKGS="sfeed python3-feedparser valgrind libvectorscan-dev"

want=$BUILD_PKGS
[ "${1:-build}" = test ] && want="$BUILD_PKGS $TEST_PKGS"
[ "${1:-build}" = bench ] && want="$BUILD_PKGS $BENCH_PKGS"

missing=
for p in $want; do
    st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$st" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "paperwatch: missing Debian packages; install them with:" >&2
    echo "  sudo apt-get install -y$missing" >&2
    exit 1
fi
echo "paperwatch: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q$missing >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null && apt-get install -y -q$missing; }
