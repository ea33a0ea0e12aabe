#!/bin/sh
# Render an HTML digest to a PNG in headless Chromium, to see it as a
# reader will (light, and with --dark the dark colour scheme).
#   scripts/render-digest.sh DIGEST.html OUT.png [--dark] [WIDTHxHEIGHT]
# Make the HTML with: paperwatch digest --format html --output DIGEST.html
# Installs Debian's chromium when it is missing (as root; otherwise it
# prints the apt-get line). Nothing is fetched from the network: the page
# has no remote resources and Chromium's own background traffic is off.
set -eu

[ $# -ge 2 ] || { echo "usage: $0 DIGEST.html OUT.png [--dark] [WxH]" >&2; exit 2; }
html=$1 out=$2
shift 2
dark= size=900,1600
for a in "$@"; do
    case $a in
    --dark) dark=--force-dark-mode ;;
    *x*) size=$(echo "$a" | tr x ,) ;;
    *) echo "$0: unknown argument '$a'" >&2; exit 2 ;;
    esac
done
[ -r "$html" ] || { echo "$0: $html: cannot read" >&2; exit 1; }

if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "$0: chromium is missing; install it with:" >&2
        echo "  sudo apt-get install -y chromium" >&2
        exit 1
    fi
    echo "$0: installing chromium" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q chromium >/dev/null 2>&1 ||
        { apt-get update -q >/dev/null && apt-get install -y -q chromium; }
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT INT TERM
abs=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
case $out in /*) ;; *) out=$(pwd)/$out ;; esac
# shellcheck disable=SC2086 # $dark is one flag or nothing
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --disable-background-networking --disable-component-update \
    --disable-sync --no-first-run --user-data-dir="$profile" $dark \
    --screenshot="$out" --window-size="$size" "file://$abs" \
    >/dev/null 2>"$profile/log" ||
    { cat "$profile/log" >&2; exit 1; }
[ -s "$out" ] || { cat "$profile/log" >&2; echo "$0: no $out" >&2; exit 1; }
echo "$out"
