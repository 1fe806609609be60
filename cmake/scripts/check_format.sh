#!/bin/sh
# check_format.sh <source-dir>: fails, listing the files, when a C source or
# header is not formatted as .clang-format says. Fix with:
#   clang-format -i $(git ls-files '*.c' '*.h')
set -eu
cd "$1"
files=$(find boot kernel mm lib alloc tests examples -name '*.c' -o -name '*.h' | sort)
bad=""
for f in $files; do
    if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        bad="$bad $f"
    fi
done
if [ -n "$bad" ]; then
    echo "not formatted (run clang-format -i on them):"
    for f in $bad; do echo "  $f"; done
    exit 1
fi
echo "format: $(echo "$files" | wc -l) files formatted"
