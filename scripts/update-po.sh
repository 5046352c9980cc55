#!/usr/bin/env bash
# Regenerates po/tcplens.pot from explain's message table (src/explain/messages.cpp: each
# N_(id, text) is a message with msgctxt id) and merges it into every po/LANG.po; new or
# changed messages come out untranslated or fuzzy for the translator. The explain_catalogs
# test fails while the .pot is stale or a .po has an untranslated or fuzzy message.
set -euo pipefail
cd "$(dirname "$0")/.."
xgettext --from-code=UTF-8 --language=C++ --keyword= --keyword=N_:1c,2 --omit-header --no-location \
  -o po/tcplens.pot src/explain/messages.cpp
for po in po/*.po; do
  msgmerge --quiet --update --backup=none --no-location "$po" po/tcplens.pot
done
