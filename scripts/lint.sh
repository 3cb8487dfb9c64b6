#!/bin/sh
# lint.sh - banned calls and format drift. Exit non-zero on any finding.
set -u
cd "$(dirname "$0")/.."
status=0
files=$(git ls-files 'src/*.c' 'src/*.h' 'src/*.cc' 'fuzz/*.c' 'tests/*.c' 'bench/*.c')
# Calls that overflow buffers or parse without errors: use snprintf, memcpy
# with a bound, strtol, and a cursor-based parser instead.
if grep -nE '\b(sprintf|vsprintf|strcpy|strcat|atoi|atol|atoll|strtok|gets)\s*\(' $files; then
	echo "lint: banned call (sprintf strcpy strcat atoi atol strtok gets) above" >&2
	status=1
fi
if command -v clang-format >/dev/null 2>&1; then
	for f in $files; do
		if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
			echo "lint: $f is not formatted (make format)" >&2
			status=1
		fi
	done
fi
exit $status
