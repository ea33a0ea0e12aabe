#!/bin/sh
# embed.sh NAME FILE: print a C header holding FILE as the string NAME.
set -eu
printf '/* generated from %s by scripts/embed.sh; do not edit */\n' "$2"
printf 'static const char %s[] =\n' "$1"
od -An -v -tx1 "$2" | sed -e 's/ /\\x/g' -e 's/^/    "/' -e 's/$/"/'
printf '    ;\n'
