#!/bin/sh
# bootstrap.sh - install the Debian packages oureyes needs, only those missing.
#
# Idempotent: a machine that has everything costs one dpkg-query (and, for
# check, one checksum of package-lock.json). Used by `make run`, `make check`
# and `make bench`; the argument names the set.
#   scripts/bootstrap.sh build|check|bench|fuzz
#
# Every set also installs the npm packages (package-lock.json: chart.js,
# which the build embeds into the console, and the browser tests'
# playwright-core and axe-core) with `npm ci`, skipped while node_modules
# matches the lock file. No browser is ever downloaded: the tests drive
# Debian's chromium; fonts-wqy-microhei draws the Chinese pages.
set -eu
cd "$(dirname "$0")/.."

BUILD_PKGS="meson ninja-build pkg-config gcc g++ make
  libmicrohttpd-dev libcurl4-openssl-dev libjansson-dev libsqlite3-dev libsodium-dev
  libpsl-dev libidn2-dev libphonenumber-dev libinih-dev liburcu-dev libxxhash-dev
  liboath-dev nettle-dev"
CHECK_PKGS="libcmocka-dev python3 python3-jsonschema sqlite3 curl openssl
  chromium fonts-wqy-microhei bind9-utils bind9-dnsutils bind9 rbldnsd dnsmasq-base"
BENCH_PKGS="wrk nginx-light redis-server"
FUZZ_PKGS="clang libclang-rt-14-dev"

want="$BUILD_PKGS"
case "${1:-build}" in
build) ;;
check) want="$want $CHECK_PKGS" ;;
bench) want="$want $CHECK_PKGS $BENCH_PKGS" ;;
fuzz) want="$want $CHECK_PKGS $FUZZ_PKGS" ;;
*) echo "bootstrap: unknown set '$1' (build|check|bench|fuzz)" >&2; exit 2 ;;
esac

set_name=${1:-build}

missing=""
for p in $want; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*"ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
# Node.js and npm may come from elsewhere than Debian (a newer Node.js
# bundles its own npm): only their commands count, and Debian's packages
# are installed only when there are none.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"

if [ -n "$missing" ]; then
	echo "bootstrap: installing$missing" >&2
	SUDO=""
	if [ "$(id -u)" != 0 ]; then
		command -v sudo >/dev/null 2>&1 || {
			echo "bootstrap: need root (or sudo) to install:$missing" >&2
			exit 1
		}
		SUDO="sudo"
	fi
	export DEBIAN_FRONTEND=noninteractive
	# Package lists may be absent on a fresh machine; update once, retry once.
	$SUDO apt-get update -qq || $SUDO apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
		{ $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends $missing; }
fi

# The npm packages, exactly as locked. The stamp is written only after
# `npm ci` succeeded, so a failed install is retried next time.
case "$set_name" in
build | check | bench | fuzz)
	lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
	stamp=node_modules/.oe-lock-sha256
	if [ "$(cat "$stamp" 2>/dev/null || true)" != "$lock_sum" ]; then
		echo "bootstrap: npm ci (package-lock.json changed or node_modules missing)" >&2
		npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2
		echo "$lock_sum" >"$stamp"
	fi
	;;
esac
exit 0
