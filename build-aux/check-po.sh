#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# check-po.sh SRCDIR LANG
#
# Extracts the current messages from the files in po/POTFILES, merges them
# into po/LANG.po in a scratch directory and fails when any message is
# untranslated or fuzzy, or when a file with translatable strings is missing
# from po/POTFILES.

set -eu

srcdir=${1:?usage: check-po.sh SRCDIR LANG}
lang=${2:?usage: check-po.sh SRCDIR LANG}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cd "$srcdir"

# Every source or UI file that marks strings must be listed.
grep -v '^#' po/POTFILES | sed '/^$/d' | sort > "$tmp/listed"
{
  grep -rlE '\b(_|N_|C_|NC_|g_dngettext|ngettext)\(' src --include='*.c' || true
  grep -rl 'translatable="yes"' ui --include='*.ui' || true
} | sort > "$tmp/marked"
unlisted=$(comm -13 "$tmp/listed" "$tmp/marked")
if [ -n "$unlisted" ]; then
  echo "Files with translatable strings missing from po/POTFILES:" >&2
  echo "$unlisted" >&2
  exit 1
fi

xgettext --files-from=po/POTFILES --directory=. --output="$tmp/yunqiao.pot" \
  --from-code=UTF-8 --add-comments=Translators \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dngettext:2,3 --keyword=ngettext:1,2 \
  --flag=g_strdup_printf:1:c-format --flag=g_set_error:4:c-format \
  --package-name=yunqiao --no-wrap

msgmerge --quiet --no-fuzzy-matching --output-file="$tmp/$lang.po" "po/$lang.po" "$tmp/yunqiao.pot"
msgfmt --check --output-file=/dev/null "$tmp/$lang.po"

stats=$(LC_ALL=C msgfmt --statistics --output-file=/dev/null "$tmp/$lang.po" 2>&1)
echo "$lang: $stats"
case "$stats" in
  *untranslated*|*fuzzy*)
    echo "po/$lang.po is incomplete; untranslated or fuzzy messages:" >&2
    msgattrib --only-fuzzy --no-wrap "$tmp/$lang.po" >&2 || true
    msgattrib --untranslated --no-wrap "$tmp/$lang.po" >&2 || true
    exit 1
    ;;
esac
