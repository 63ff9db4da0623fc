#!/bin/sh
# Extract every translatable string, merge it into the es and pt catalogs, and compile them.
# Run from anywhere; commit messages.pot, the .po files and the compiled .mo files.
# Untranslated strings show up as empty msgstr "" in the .po files (listed at the end).
set -eu
cd "$(dirname "$0")/../.."
pybabel extract -F babel.cfg -k _l -k N_ --no-location --sort-output --project "Whose Streets" \
    -o app/translations/messages.pot .
for lang in es pt; do
    if [ -f "app/translations/$lang/LC_MESSAGES/messages.po" ]; then
        pybabel update -i app/translations/messages.pot -d app/translations -l "$lang" --no-fuzzy-matching
    else
        pybabel init -i app/translations/messages.pot -d app/translations -l "$lang"
    fi
done
pybabel compile -d app/translations --statistics
